import type { PatternAlarmOptions } from '../core/alarms';

/**
 * Settings of each alarm a ScheduledJob creates: threshold, periods, or `enabled: false` to turn
 * one off. Alarms compare "greater than or equal" and treat missing data as not breaching, except
 * the missed-run alarm.
 * @see https://github.com/cdk-serverless-patterns/cdk-serverless-patterns/blob/main/docs/alarms.md
 */
export interface ScheduledJobAlarms {
  /**
   * `DeadLetterQueueAlarm`: messages visible in the job's dead-letter queue (maximum).
   * @default - threshold 1 message, period 1 minute, 1 evaluation period
   */
  readonly deadLetterQueue?: PatternAlarmOptions;
  /**
   * `TargetErrorsAlarm`: errors EventBridge Scheduler got calling the target (sum).
   * @default - threshold 1, period 5 minutes, 1 evaluation period
   */
  readonly targetErrors?: PatternAlarmOptions;
  /**
   * `DroppedAlarm`: occurrences Scheduler dropped after the retry policy (sum).
   * @default - threshold 1, period 5 minutes, 1 evaluation period
   */
  readonly dropped?: PatternAlarmOptions;
  /**
   * `DeadLetterDeliveryFailedAlarm`: occurrences Scheduler could not write to the dead-letter queue (sum).
   * @default - threshold 1, period 5 minutes, 1 evaluation period
   */
  readonly deadLetterDeliveryFailed?: PatternAlarmOptions;
  /**
   * `FunctionErrorsAlarm`: failed runs of the job's function (sum). Function targets only.
   * @default - threshold 1, period 5 minutes, 1 evaluation period
   */
  readonly functionErrors?: PatternAlarmOptions;
  /**
   * `RecursiveInvocationsDroppedAlarm`: events Lambda dropped as a recursive loop (sum). Function targets only.
   * @default - threshold 1, period 5 minutes, 1 evaluation period
   */
  readonly recursiveInvocationsDropped?: PatternAlarmOptions;
  /**
   * `MissedRunAlarm`: "less than" threshold successful runs (function targets) or delivery attempts
   * (other targets) in the window; missing data is breaching. Not for one-time schedules.
   * `enabled: false` also lifts the need for `maxRunInterval` with a token schedule.
   * @default - threshold 1; the longest gap between runs + grace, rounded up to whole minutes: one period of it
   * up to 1 hour, else that many 1-hour periods
   */
  readonly missedRun?: PatternAlarmOptions;
}
