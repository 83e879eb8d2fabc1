import type { PatternAlarmOptions } from '../core/alarms';

/**
 * Settings of each alarm an SqsWorker creates: threshold, periods, or `enabled: false` to turn
 * one off. Every alarm compares "greater than or equal" and treats missing data as not breaching.
 * @see https://github.com/cdk-serverless-patterns/cdk-serverless-patterns/blob/main/docs/alarms.md
 */
export interface SqsWorkerAlarms {
  /**
   * `DeadLetterQueueAlarm`: messages visible in the dead-letter queue (maximum over a period).
   * Created when the worker has a dead-letter queue it knows of.
   * @default - threshold 1 message, period 1 minute, 1 evaluation period
   */
  readonly deadLetterQueue?: PatternAlarmOptions;
  /**
   * `MessageAgeAlarm`: age of the oldest message in the queue, in seconds (maximum over a period).
   * @default - threshold maxReceiveCount x visibility timeout in seconds, period 1 minute, 1 evaluation period
   */
  readonly messageAge?: PatternAlarmOptions;
  /**
   * `ErrorsAlarm`: failed invocations of the function (sum over a period).
   * @default - threshold 1, period 5 minutes, 1 evaluation period
   */
  readonly errors?: PatternAlarmOptions;
  /**
   * `ThrottlesAlarm`: throttled invocations of the function (sum over a period).
   * @default - threshold 1, period 5 minutes, 1 evaluation period
   */
  readonly throttles?: PatternAlarmOptions;
  /**
   * `RecursiveInvocationsDroppedAlarm`: events Lambda dropped as a recursive loop (sum over a period).
   * @default - threshold 1, period 5 minutes, 1 evaluation period
   */
  readonly recursiveInvocationsDropped?: PatternAlarmOptions;
}
