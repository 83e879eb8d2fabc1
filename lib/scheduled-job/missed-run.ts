import { Duration } from 'aws-cdk-lib';

/** How the missed-run alarm evaluates: `evaluationPeriods` periods of `period`, all without a success. */
export interface MissedRunWindow {
  readonly period: Duration;
  readonly evaluationPeriods: number;
  /** The whole window: longest gap between runs + grace. */
  readonly window: Duration;
}

/** CloudWatch: period x evaluation periods at most 7 days, and at most 1 day for periods under an hour. */
const MAX_ALARM_WINDOW_SECONDS = 7 * 86_400;
const HOUR_SECONDS = 3_600;

/**
 * The window in which a run must have succeeded: the longest gap between two runs plus a grace
 * (flexible window, job timeout, retries of a late delivery, metric delay). Undefined when it
 * exceeds what one CloudWatch alarm can evaluate (7 days).
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
 */
export function missedRunWindow(longestGap: Duration, grace: Duration): MissedRunWindow | undefined {
  const seconds = Math.ceil((longestGap.toSeconds() + grace.toSeconds()) / 60) * 60;
  if (seconds > MAX_ALARM_WINDOW_SECONDS) return undefined;
  if (seconds <= HOUR_SECONDS) {
    return { period: Duration.seconds(seconds), evaluationPeriods: 1, window: Duration.seconds(seconds) };
  }
  const evaluationPeriods = Math.ceil(seconds / HOUR_SECONDS);
  return { period: Duration.hours(1), evaluationPeriods, window: Duration.hours(evaluationPeriods) };
}
