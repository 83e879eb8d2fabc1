import type { PatternAlarmOptions } from '../core/alarms';

/**
 * Settings of each alarm a StreamWorker creates: threshold, periods, or `enabled: false` to turn
 * one off. Every alarm compares "greater than or equal" and treats missing data as not breaching.
 * @see https://github.com/cdk-serverless-patterns/cdk-serverless-patterns/blob/main/docs/alarms.md
 */
export interface StreamWorkerAlarms {
  /**
   * `IteratorAgeAlarm`: iterator age in milliseconds (maximum). Give the threshold here or with
   * `iteratorAgeAlarmThreshold`, not both.
   * @default - threshold `iteratorAgeAlarmThreshold` (half of maxRecordAge: 6 hours), period 1 minute, 1 evaluation period
   */
  readonly iteratorAge?: PatternAlarmOptions;
  /**
   * `OnFailureRecordsAlarm`: records discarded to the on-failure destination (sum).
   * @default - threshold 1, period 5 minutes, 1 evaluation period
   */
  readonly onFailureRecords?: PatternAlarmOptions;
  /**
   * `DestinationDeliveryFailuresAlarm`: discarded batches Lambda could not write to the destination (sum).
   * @default - threshold 1, period 5 minutes, 1 evaluation period
   */
  readonly destinationDeliveryFailures?: PatternAlarmOptions;
  /**
   * `ErrorsAlarm`: failed invocations of the function (sum).
   * @default - threshold 1, period 5 minutes, 1 evaluation period
   */
  readonly errors?: PatternAlarmOptions;
  /**
   * `ThrottlesAlarm`: throttled invocations of the function (sum).
   * @default - threshold 1, period 5 minutes, 1 evaluation period
   */
  readonly throttles?: PatternAlarmOptions;
  /**
   * `RecursiveInvocationsDroppedAlarm`: events Lambda dropped as a recursive loop (sum).
   * @default - threshold 1, period 5 minutes, 1 evaluation period
   */
  readonly recursiveInvocationsDropped?: PatternAlarmOptions;
}
