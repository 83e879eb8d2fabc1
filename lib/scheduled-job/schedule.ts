import { Duration, TimeZone, Token } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type { IConstruct } from 'constructs';
import {
  Cron, CRON_FIX, formatInTimeZone, isKnownTimeZone, matchesWallClock, nextCronRuns, offsetChanges, parseCron, skippedWallClocks,
  wallClockAt,
} from './cron';
import { invalidProp, PathScope, requireTokenUnit, warn } from '../core/validation';

/** The kind of a JobSchedule. */
export enum JobScheduleKind {
  /** A cron expression evaluated in the job's time zone. */
  CRON = 'cron',
  /** A fixed interval. */
  RATE = 'rate',
  /** One run at a given time. */
  AT = 'at',
}

/**
 * When a ScheduledJob runs: a cron expression or a rate (recurring), or one time (`at`). Cron
 * expressions and one-time dates are read in the job's `timeZone`, with daylight saving.
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
  public static cron(expression: string): JobSchedule {
    return new JobSchedule(JobScheduleKind.CRON, expression, undefined, undefined);
  }

  /**
   * Every `interval`: a whole number of minutes, at least one minute. A token interval (e.g.
   * `Duration.minutes(param.valueAsNumber)`) is read at deployment; the job then needs `maxRunInterval`.
   */
  public static rate(interval: Duration): JobSchedule {
    return new JobSchedule(JobScheduleKind.RATE, undefined, interval, undefined);
  }

  /**
   * Once, at `date` (an instant; rendered in the job's time zone, which must be known at synth). A
   * date already past at synth is a warning: the schedule does not run again.
   */
  public static at(date: Date): JobSchedule {
    return new JobSchedule(JobScheduleKind.AT, undefined, undefined, date);
  }

  /** The kind of schedule. */
  public readonly kind: JobScheduleKind;
  /** The cron expression, for `cron`. */
  public readonly cronExpression?: string;
  /** The interval, for `rate`. */
  public readonly interval?: Duration;
  /** The time, for `at`. */
  public readonly date?: Date;

  private constructor(kind: JobScheduleKind, cronExpression?: string, interval?: Duration, date?: Date) {
    this.kind = kind;
    this.cronExpression = cronExpression;
    this.interval = interval;
    this.date = date;
  }
}

/** A schedule validated and resolved for one time zone. */
export interface ResolvedSchedule {
  readonly expression: scheduler.ScheduleExpression;
  /** The next runs (at most five) from synth time; empty when unknown (a rate without start date, a token). */
  readonly nextRuns: Date[];
  /** Shortest time between two runs, when the schedule recurs and it is known. */
  readonly period?: Duration;
  /** Longest time between two runs over the next year (daylight saving included), when known. */
  readonly longestGap?: Duration;
  /** Local times of the next year the cron names but daylight saving skips (no run then). */
  readonly skippedByDaylightSaving?: string[];
  /** The info line: next runs in the time zone, or how the schedule runs. */
  readonly description: string;
}

const RUNS_SHOWN = 5;
/** Runs sampled to estimate a cron schedule's period and longest gap. */
const RUNS_SAMPLED = 60;

/** Validates the time zone name against the runtime's IANA database (a token is Scheduler's to judge). */
export function validateTimeZone(scope: PathScope, timeZone: TimeZone): string {
  const name = timeZone.timezoneName;
  if (!Token.isUnresolved(name) && !isKnownTimeZone(name)) {
    invalidProp(scope, 'timeZone', `'${name}' is not an IANA time zone this runtime knows`,
      'use an IANA name such as TimeZone.EUROPE_BERLIN, TimeZone.of(\'America/New_York\') or TimeZone.ETC_UTC');
  }
  return name;
}

/**
 * Validates `schedule` and computes its next runs in `zone`, from `now`. A token expression or zone is
 * rendered as it is: no next runs, and no longest gap (the job asks for `maxRunInterval` instead).
 */
export function resolveSchedule(scope: IConstruct, schedule: JobSchedule, timeZone: TimeZone, zone: string,
  now: Date, startDate?: Date): ResolvedSchedule {
  const tokenZone = Token.isUnresolved(zone);
  if (schedule.kind === JobScheduleKind.CRON && (Token.isUnresolved(schedule.cronExpression) || tokenZone)) {
    return tokenCron(scope, schedule.cronExpression!, timeZone);
  }
  if (schedule.kind === JobScheduleKind.RATE && schedule.interval!.isUnresolved()) {
    requireTokenUnit(scope, 'schedule', schedule.interval, 'minutes', 'the rate');
    return {
      expression: scheduler.ScheduleExpression.rate(schedule.interval!),
      nextRuns: [],
      description: 'a rate read at deployment (a token): its runs are not known at synth',
    };
  }
  if (schedule.kind === JobScheduleKind.AT && tokenZone) {
    invalidProp(scope, 'timeZone', 'must be known at synth for JobSchedule.at() (given a token): the date is rendered as '
      + 'wall-clock time in it', 'pass an IANA name, e.g. TimeZone.EUROPE_BERLIN, or a recurring JobSchedule.cron()');
  }
  switch (schedule.kind) {
    case JobScheduleKind.CRON: return resolveCron(scope, schedule.cronExpression!, timeZone, zone, startDate && startDate > now ? startDate : now);
    case JobScheduleKind.RATE: return resolveRate(scope, schedule.interval!, zone, now, startDate);
    default: return resolveAt(scope, schedule.date!, timeZone, zone, now);
  }
}

function resolveCron(scope: PathScope, text: string, timeZone: TimeZone, zone: string, from: Date): ResolvedSchedule {
  const cron = parseCron(text);
  if (typeof cron === 'string') {
    invalidProp(scope, 'schedule', `is not a valid cron expression: ${cron} (given '${text}')`, CRON_FIX);
  }
  const runs = nextCronRuns(cron, zone, from, RUNS_SHOWN);
  if (runs.length === 0) {
    invalidProp(scope, 'schedule', `cron '${cron.expression}' never fires after ${from.toISOString().slice(0, 10)}: no date matches `
      + 'its day, month and year fields (e.g. 31 February, or years in the past)',
    'pick a day that exists in the chosen months (e.g. \'L\' for the last day of the month) and a current year field (*)');
  }
  // The schedule's regular gaps, read on a clock without daylight saving; daylightSaving() adds the autumn pauses.
  const gaps = gapsOf(nextCronRuns(cron, 'Etc/UTC', from, RUNS_SAMPLED));
  const shown = runs.slice(0, RUNS_SHOWN);
  const dst = gaps.length > 0 ? daylightSaving(cron, zone, from, Math.max(...gaps)) : undefined;
  return {
    expression: scheduler.ScheduleExpression.expression(`cron(${cron.expression})`, timeZone),
    nextRuns: shown,
    period: gaps.length > 0 ? Duration.millis(Math.min(...gaps)) : undefined,
    longestGap: dst ? Duration.millis(dst.longestGap) : undefined,
    skippedByDaylightSaving: dst?.skipped ?? [],
    description: `cron(${cron.expression}) in ${zone}; next ${shown.length} run${shown.length === 1 ? '' : 's'}: `
      + shown.map((run) => formatInTimeZone(run, zone)).join(', '),
  };
}

/**
 * A cron whose expression or time zone is a token: rendered for Scheduler to read at deployment. A
 * concrete expression is still checked, and gives the shortest period (on a clock without daylight saving).
 */
function tokenCron(scope: PathScope, text: string, timeZone: TimeZone): ResolvedSchedule {
  if (Token.isUnresolved(text)) {
    return {
      expression: scheduler.ScheduleExpression.expression(`cron(${text})`, timeZone),
      nextRuns: [],
      description: 'a cron read at deployment (a token): its runs are not known at synth',
    };
  }
  const cron = parseCron(text);
  if (typeof cron === 'string') {
    invalidProp(scope, 'schedule', `is not a valid cron expression: ${cron} (given '${text}')`, CRON_FIX);
  }
  const gaps = gapsOf(nextCronRuns(cron, 'Etc/UTC', new Date(), RUNS_SAMPLED));
  return {
    expression: scheduler.ScheduleExpression.expression(`cron(${cron.expression})`, timeZone),
    nextRuns: [],
    period: gaps.length > 0 ? Duration.millis(Math.min(...gaps)) : undefined,
    description: `cron(${cron.expression}) in a time zone read at deployment (a token): its runs are not known at synth`,
  };
}

function gapsOf(runs: Date[]): number[] {
  return runs.slice(1).map((run, i) => run.getTime() - runs[i].getTime());
}

/** Runs enumerated around one daylight-saving change; more means the cron is too frequent to list. */
const MAX_RUNS_AROUND_CHANGE = 3000;
const DAY_MILLIS = 86_400_000;

/**
 * Daylight saving over the next year, as Scheduler applies it to `cron`: the local times it skips
 * in spring (those runs do not happen: a real miss, which the missed-run alarm reports), and the
 * longest gap between runs, which grows in autumn because a repeated local hour runs once (an
 * every-15-minutes cron pauses for 75 minutes). A cron too frequent to enumerate around a change
 * gets the whole shift added.
 */
function daylightSaving(cron: Cron, zone: string, from: Date, sampled: number): { longestGap: number; skipped: string[] } {
  let longestGap = sampled;
  const skipped: string[] = [];
  for (const change of offsetChanges(zone, from, 366)) {
    if (change.shiftMinutes > 0) {
      const missed = skippedWallClocks(change, zone).filter((wall) => matchesWallClock(cron, wall));
      if (missed.length > 0) skipped.push(`${formatWall(missed[0])}${missed.length > 1 ? ` (and ${missed.length - 1} more)` : ''}`);
      continue;
    }
    const reach = sampled + DAY_MILLIS;
    const around = nextCronRuns(cron, zone, new Date(change.at.getTime() - reach), MAX_RUNS_AROUND_CHANGE);
    const last = around[around.length - 1];
    if (around.length === MAX_RUNS_AROUND_CHANGE && last.getTime() < change.at.getTime() + reach) {
      longestGap = Math.max(longestGap, sampled - change.shiftMinutes * 60_000);
    } else {
      longestGap = Math.max(longestGap, ...gapsOf(around.filter((run) => run.getTime() <= change.at.getTime() + reach)));
    }
  }
  return { longestGap, skipped };
}

function formatWall(w: { year: number; month: number; day: number; hour: number; minute: number }): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${w.year}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)}`;
}

function resolveRate(scope: PathScope, interval: Duration, zone: string, now: Date, startDate?: Date): ResolvedSchedule {
  const millis = interval.toMilliseconds();
  if (millis < 60_000 || millis % 60_000 !== 0) {
    invalidProp(scope, 'schedule', `a rate must be a whole number of minutes, at least one minute (given ${interval.toHumanString()})`,
      'use JobSchedule.rate(Duration.minutes(1)) or longer, in whole minutes');
  }
  const minutes = millis / 60_000;
  const [value, unit] = minutes % 1440 === 0 ? [minutes / 1440, 'day'] : minutes % 60 === 0 ? [minutes / 60, 'hour'] : [minutes, 'minute'];
  const rendered = `rate(${value} ${unit}${value === 1 ? '' : 's'})`;
  // A rate's first occurrence is its startDate, then one every interval: list those still ahead.
  const first = startDate ? Math.max(0, Math.ceil((now.getTime() - startDate.getTime()) / millis)) : 0;
  const runs = startDate ? Array.from({ length: RUNS_SHOWN }, (_, i) => new Date(startDate.getTime() + (first + i) * millis)) : [];
  return {
    expression: scheduler.ScheduleExpression.expression(rendered),
    nextRuns: runs,
    period: interval,
    longestGap: interval,
    description: runs.length > 0
      ? `${rendered} from startDate ${startDate!.toISOString()}; next ${RUNS_SHOWN} runs in ${zone}: `
        + runs.map((run) => formatInTimeZone(run, zone)).join(', ')
      : `${rendered}, counted from when the schedule is created (set startDate to fix the first run); a rate ignores daylight saving`,
  };
}

function resolveAt(scope: IConstruct, date: Date, timeZone: TimeZone, zone: string, now: Date): ResolvedSchedule {
  if (Number.isNaN(date.getTime())) {
    invalidProp(scope, 'schedule', 'JobSchedule.at() was given an invalid Date', 'pass a valid Date, e.g. new Date(\'2030-01-01T09:00:00Z\')');
  }
  // Scheduler reads at(...) as wall-clock time in the schedule's time zone: render the instant there.
  const w = wallClockAt(date.getTime(), zone);
  const pad = (n: number) => String(n).padStart(2, '0');
  const local = `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(date.getUTCSeconds())}`;
  const expression = scheduler.ScheduleExpression.expression(`at(${local})`, timeZone);
  // An app that synthesized before the date must still synthesize after it (unchanged, nothing is redeployed).
  if (date.getTime() <= now.getTime()) {
    warn(scope, 'ScheduledJob.oneTimeDateInPast', `the one-time date ${date.toISOString()} is in the past (synth time `
      + `${now.toISOString()}): the schedule will not run (again). Remove the job from the app to delete its schedule, function `
      + 'and queues with the next deployment, or pass a future date to JobSchedule.at()');
    return { expression, nextRuns: [], description: `at(${local}) in ${zone}: in the past, will not run` };
  }
  return { expression, nextRuns: [date], description: `at(${local}) in ${zone}: runs once, at ${formatInTimeZone(date, zone)}` };
}
