import type { PatternAlarmOptions } from '../core/alarms';

/**
 * Settings of each alarm a SagaStateMachine creates: threshold, periods, or `enabled: false` to
 * turn one off. Every alarm compares "greater than or equal" and treats missing data as not breaching.
 * @see https://github.com/cdk-serverless-patterns/cdk-serverless-patterns/blob/main/docs/alarms.md
 */
export interface SagaStateMachineAlarms {
  /**
   * `ExecutionsFailedAlarm`: failed executions (sum).
   * @default - threshold 1, period 1 minute, 1 evaluation period
   */
  readonly executionsFailed?: PatternAlarmOptions;
  /**
   * `CompensationFailedAlarm`: compensations that failed after their retries (the saga's own metric, sum).
   * @default - threshold 1, period 1 minute, 1 evaluation period
   */
  readonly compensationFailed?: PatternAlarmOptions;
  /**
   * `ExecutionsTimedOutAlarm`: timed-out executions (sum).
   * @default - threshold 1, period 1 minute, 1 evaluation period
   */
  readonly executionsTimedOut?: PatternAlarmOptions;
}
