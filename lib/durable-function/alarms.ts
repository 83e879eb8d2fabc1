import type { PatternAlarmOptions } from '../core/alarms';

/**
 * Settings of each alarm a DurableFunction creates: threshold, periods, or `enabled: false` to
 * turn one off. Every alarm compares "greater than or equal" and treats missing data as not breaching.
 * @see https://github.com/cdk-serverless-patterns/cdk-serverless-patterns/blob/main/docs/alarms.md
 */
export interface DurableFunctionAlarms {
  /**
   * `ExecutionsFailedAlarm`: failed durable executions (sum).
   * @default - threshold 1, period 1 minute, 1 evaluation period
   */
  readonly executionsFailed?: PatternAlarmOptions;
  /**
   * `ExecutionsTimedOutAlarm`: durable executions that hit their execution timeout (sum).
   * @default - threshold 1, period 1 minute, 1 evaluation period
   */
  readonly executionsTimedOut?: PatternAlarmOptions;
  /**
   * `CompensationFailedAlarm`: durable saga compensations that kept failing (the runtime's metric, sum).
   * @default - threshold 1, period 1 minute, 1 evaluation period
   */
  readonly compensationFailed?: PatternAlarmOptions;
  /**
   * `FailureQueueAlarm`: messages visible in the created failure queue (maximum). Created when
   * asynchronous invocations get the created failure queue.
   * @default - threshold 1 message, period 1 minute, 1 evaluation period
   */
  readonly failureQueue?: PatternAlarmOptions;
  /**
   * `ThrottlesAlarm`: throttled invocations of the function (sum).
   * @default - threshold 1, period 5 minutes, 1 evaluation period
   */
  readonly throttles?: PatternAlarmOptions;
}
