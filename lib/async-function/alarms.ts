import type { PatternAlarmOptions } from '../core/alarms';

/**
 * Settings of each alarm an AsyncFunction creates: threshold, periods, or `enabled: false` to
 * turn one off. Every alarm compares "greater than or equal" and treats missing data as not breaching.
 * @see https://github.com/cdk-serverless-patterns/cdk-serverless-patterns/blob/main/docs/alarms.md
 */
export interface AsyncFunctionAlarms {
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
   * `DestinationDeliveryFailuresAlarm`: invocation records Lambda could not deliver to a destination (sum).
   * @default - threshold 1, period 5 minutes, 1 evaluation period
   */
  readonly destinationDeliveryFailures?: PatternAlarmOptions;
  /**
   * `FailureQueueAlarm`: messages visible in the created failure queue (maximum). Created when
   * `onFailure` is not given.
   * @default - threshold 1 message, period 1 minute, 1 evaluation period
   */
  readonly failureQueue?: PatternAlarmOptions;
  /**
   * `AsyncEventsDroppedAlarm`: events that failed every attempt or expired (sum). Created instead
   * of the failure-queue alarm when `onFailure` is your own destination.
   * @default - threshold 1, period 5 minutes, 1 evaluation period
   */
  readonly asyncEventsDropped?: PatternAlarmOptions;
  /**
   * `RedriveDeadLetterQueueAlarm`: messages the redrive could not replay (maximum). Created with the redrive.
   * @default - threshold 1 message, period 1 minute, 1 evaluation period
   */
  readonly redriveDeadLetterQueue?: PatternAlarmOptions;
  /**
   * `DeadLetterErrorsAlarm`: events Lambda could not send to the function's own dead-letter queue
   * (sum). Created when the function has a dead-letter queue or topic.
   * @default - threshold 1, period 5 minutes, 1 evaluation period
   */
  readonly deadLetterErrors?: PatternAlarmOptions;
  /**
   * `RecursiveInvocationsDroppedAlarm`: events Lambda dropped as a recursive loop (sum).
   * @default - threshold 1, period 5 minutes, 1 evaluation period
   */
  readonly recursiveInvocationsDropped?: PatternAlarmOptions;
  /**
   * `RedriveRecursiveInvocationsDroppedAlarm`: the same for the redrive function. Created with the redrive.
   * @default - threshold 1, period 5 minutes, 1 evaluation period
   */
  readonly redriveRecursiveInvocationsDropped?: PatternAlarmOptions;
}
