import { Duration, TimeZone, Token } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type { IConstruct } from 'constructs';
import { invalidProp } from '../core/validation';
import type { WallClock } from './cron';

/**
 * A schedule as the job reads it, from any `scheduler.ScheduleExpression` (not exported): a cron,
 * a rate, one time (an instant from `JobSchedule.at`, or the wall-clock time of a Scheduler `at(...)`
 * literal), or an expression read at deployment (a token).
 */
export type ScheduleSpec =
  | { readonly type: 'cron'; readonly expression: string }
  | { readonly type: 'rate'; readonly interval: Duration }
  | { readonly type: 'at'; readonly date?: Date; readonly wallClock?: WallClock & { readonly second: number } }
  | { readonly type: 'deployTime'; readonly expression: string; readonly oneTime: boolean };

/**
 * A `scheduler.ScheduleExpression` read in the job's time zone, for `ScheduledJobProps.schedule`.
 * `ScheduledJob` takes any `ScheduleExpression` (`ScheduleExpression.cron({...})`, `.rate()`,
 * `.at()`, `.expression()`); these factories are the shorter forms: a cron as the six-field string of
 * the AWS documentation and console (`ScheduleExpression.cron` takes one option per field), and a
 * one-time `Date` run at that instant, rendered in the job's time zone (`ScheduleExpression.at`
 * reads the date's UTC fields as wall-clock time in its own zone).
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
 */
export class JobSchedule {
  /**
   * A six-field AWS cron expression `Minutes Hours Day-of-month Month Day-of-week Year`, with or
   * without the `cron(...)` wrapper, e.g. `0 2 * * ? *` (every night at 02:00 in the job's time zone).
   * A token (e.g. a `CfnParameter`) is the six fields without the wrapper; Scheduler validates it at
   * deployment, and the job then needs `maxRunInterval` for its missed-run alarm.
   * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#cron-based
   */
  public static cron(expression: string): scheduler.ScheduleExpression {
    return new JobScheduleExpression({ type: 'cron', expression });
  }

  /**
   * Every `interval`: a whole number of minutes, at least one minute. A token interval (e.g.
   * `Duration.minutes(param.valueAsNumber)`) is read at deployment; the job then needs `maxRunInterval`.
   */
  public static rate(interval: Duration): scheduler.ScheduleExpression {
    return new JobScheduleExpression({ type: 'rate', interval });
  }

  /**
   * Once, at `date` (an instant; rendered in the job's time zone, which must be known at synth). A
   * date already past at synth is a warning: the schedule does not run again.
   */
  public static at(date: Date): scheduler.ScheduleExpression {
    return new JobScheduleExpression({ type: 'at', date });
  }

  private constructor() {}
}

/** An expression of `JobSchedule`: read in the job's time zone (it has none of its own). */
class JobScheduleExpression extends scheduler.ScheduleExpression {
  public readonly timeZone?: TimeZone = undefined;

  constructor(public readonly spec: ScheduleSpec) {
    super();
  }

  /** The expression in UTC, for use outside a ScheduledJob (the job renders it in its time zone). */
  public get expressionString(): string {
    const spec = this.spec;
    if (spec.type === 'cron') return `cron(${spec.expression.trim().replace(/^cron\((.*)\)$/s, '$1')})`;
    if (spec.type === 'rate') return scheduler.ScheduleExpression.rate(spec.interval).expressionString;
    return `at(${(spec.type === 'at' && spec.date ? spec.date : new Date(0)).toISOString().split('.')[0]})`;
  }
}

const RATE_UNIT_MINUTES: { [unit: string]: number } = { minute: 1, minutes: 1, hour: 60, hours: 60, day: 24 * 60, days: 24 * 60 };
const SCHEDULE_FIX = 'use JobSchedule.cron(...), .rate(...) or .at(...), or a scheduler.ScheduleExpression of cron(...), rate(...) or at(...)';

/** Reads a ScheduleExpression: a JobSchedule's as it was given; any other from its expression text. */
export function readSchedule(scope: IConstruct, expression: scheduler.ScheduleExpression): ScheduleSpec {
  if (expression instanceof JobScheduleExpression) return expression.spec;
  const text = expression.expressionString.trim();
  const match = /^(cron|rate|at)\((.*)\)$/s.exec(text);
  if (Token.isUnresolved(text)) {
    // A cron with token fields is still a cron; any other token is read by Scheduler at deployment.
    if (match?.[1] === 'cron') return { type: 'cron', expression: match[2] };
    return { type: 'deployTime', expression: text, oneTime: match?.[1] === 'at' };
  }
  if (match?.[1] === 'cron') return { type: 'cron', expression: match[2] };
  if (match?.[1] === 'rate') {
    const rate = /^(\d+)\s+([a-z]+)$/.exec(match[2].trim());
    const perUnit = rate ? RATE_UNIT_MINUTES[rate[2]] : undefined;
    if (!rate || !perUnit) {
      invalidProp(scope, 'schedule', `'${text}' is not a rate EventBridge Scheduler reads: rate(<whole number> minute(s)|hour(s)|day(s))`, SCHEDULE_FIX);
    }
    return { type: 'rate', interval: Duration.minutes(Number(rate[1]) * perUnit) };
  }
  if (match?.[1] === 'at') {
    const at = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(match[2].trim());
    if (!at) invalidProp(scope, 'schedule', `'${text}' is not a one-time schedule EventBridge Scheduler reads: at(yyyy-mm-ddThh:mm:ss)`, SCHEDULE_FIX);
    const [year, month, day, hour, minute, second] = at.slice(1).map(Number);
    return { type: 'at', wallClock: { year, month, day, hour, minute, second } };
  }
  return invalidProp(scope, 'schedule', `'${text}' is not a cron(...), rate(...) or at(...) expression`, SCHEDULE_FIX);
}

/** Whether the schedule runs once. */
export function isOneTime(spec: ScheduleSpec): boolean {
  return spec.type === 'at' || (spec.type === 'deployTime' && spec.oneTime);
}

/**
 * The job's time zone: `timeZone` when given, else the expression's own (a rate has none that
 * matters; CDK gives it UTC), else UTC. A cron or one-time expression with a zone of its own that
 * differs from `timeZone` is an error: which one Scheduler used would be a guess.
 */
export function scheduleTimeZone(scope: IConstruct, expression: scheduler.ScheduleExpression, spec: ScheduleSpec,
  timeZone?: TimeZone): TimeZone {
  const own = spec.type === 'rate' ? undefined : expression.timeZone;
  if (own && timeZone && !Token.isUnresolved(own.timezoneName) && !Token.isUnresolved(timeZone.timezoneName)
    && own.timezoneName !== timeZone.timezoneName) {
    invalidProp(scope, 'timeZone', `is ${timeZone.timezoneName}, but the schedule expression has its own time zone, ${own.timezoneName}`,
      'set the time zone in one place: drop timeZone, or the time zone of the ScheduleExpression');
  }
  return timeZone ?? own ?? TimeZone.ETC_UTC;
}
