import type { PatternAlarmOptions } from '../core/alarms';

/**
 * Settings of each alarm a ProvisionedApi creates: threshold, periods, or `enabled: false` to turn
 * one off. Missing data is not breaching.
 * @see https://github.com/cdk-serverless-patterns/cdk-serverless-patterns/blob/main/docs/alarms.md
 */
export interface ProvisionedApiAlarms {
  /**
   * `ServerErrorRateAlarm`: percentage of requests answered 5xx (0 to 100), "greater than".
   * Give the threshold here or with `serverErrorRateThreshold`, not both.
   * @default - threshold `serverErrorRateThreshold` (1 percent), period 5 minutes, 1 evaluation period
   */
  readonly serverErrorRate?: PatternAlarmOptions;
  /**
   * `LatencyAlarm`: p99 latency in milliseconds, "greater than". Give the threshold here or with
   * `latencyThreshold`, not both.
   * @default - threshold `latencyThreshold` (1000 ms), period 5 minutes, 2 evaluation periods
   */
  readonly latency?: PatternAlarmOptions;
  /**
   * `ThrottlesAlarm`: throttled invocations of the function (sum over a period).
   * @default - threshold 1, period 5 minutes, 1 evaluation period
   */
  readonly throttles?: PatternAlarmOptions;
  /**
   * `RecursiveInvocationsDroppedAlarm`: events Lambda dropped as a recursive loop (sum).
   * @default - threshold 1, period 5 minutes, 1 evaluation period
   */
  readonly recursiveInvocationsDropped?: PatternAlarmOptions;
  /**
   * `SpilloverAlarm`: invocations beyond the provisioned concurrency (sum).
   * @default - threshold 1, period 5 minutes, 1 evaluation period
   */
  readonly spillover?: PatternAlarmOptions;
  /**
   * `UtilizationAlarm`: share of the provisioned concurrency in use (0 to 1, maximum).
   * @default - threshold 0.9, period 1 minute, 5 evaluation periods
   */
  readonly utilization?: PatternAlarmOptions;
}
