import { Duration } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { ALARM_WINDOW_LIMITS } from '../core/alarms';
import { invalidProp, validateDurationRange } from '../core/validation';
import type { ScheduledJobAlarms } from './alarms';
import type { ResolvedSchedule } from './schedule';

/** How the missed-run alarm evaluates: `evaluationPeriods` periods of `period`, all without a success. */
export interface MissedRunWindow {
  readonly period: Duration;
  readonly evaluationPeriods: number;
  /** The whole window: longest gap between runs + grace. */
  readonly window: Duration;
}

/** CloudWatch: period x evaluation periods at most 7 days, and at most 1 day for periods under an hour. */
const MAX_ALARM_WINDOW_SECONDS = ALARM_WINDOW_LIMITS.longPeriodMaxWindow.toSeconds();
const HOUR_SECONDS = ALARM_WINDOW_LIMITS.longPeriod.toSeconds();

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

/** What `withRunInterval` reads of the job's props. */
interface RunIntervalProps {
  readonly maxRunInterval?: Duration;
  readonly alarmsEnabled?: boolean;
  readonly alarms?: ScheduledJobAlarms;
}

/**
 * The schedule with its longest gap between runs: `maxRunInterval` when given, else the computed
 * one. A recurring schedule the job cannot read at synth (a token expression or time zone) needs
 * `maxRunInterval` for its missed-run alarm, as SqsWorker needs a visibility timeout for a token timeout.
 */
export function withRunInterval(scope: IConstruct, props: RunIntervalProps, resolved: ResolvedSchedule): ResolvedSchedule {
  const given = props.maxRunInterval;
  if (given?.isUnresolved()) {
    invalidProp(scope, 'maxRunInterval', 'must be known at synth (given a token): it sizes the missed-run alarm\'s periods',
      'pass a concrete Duration, e.g. Duration.days(1)');
  }
  validateDurationRange(scope, 'maxRunInterval', given, Duration.minutes(1), Duration.days(366));
  const recurring = !resolved.oneTime;
  const missedRunAlarm = props.alarmsEnabled !== false && props.alarms?.missedRun?.enabled !== false;
  if (recurring && !given && !resolved.longestGap && missedRunAlarm) {
    invalidProp(scope, 'maxRunInterval', 'is required when the schedule or the time zone is a token: the job cannot compute the '
      + 'longest time between runs, which its missed-run alarm waits for', 'set maxRunInterval to the longest time between two runs '
      + '(e.g. Duration.days(1) for a daily cron), or alarmsEnabled: false');
  }
  return given ? { ...resolved, longestGap: given } : resolved;
}
