import { Duration, TimeZone, Token } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type { IConstruct } from 'constructs';
import {
  Cron, CRON_FIX, formatInTimeZone, isKnownTimeZone, matchesWallClock, nextCronRuns, offsetChanges, parseCron, skippedWallClocks,
  wallClockAt, zonedTimeToUtc,
} from './cron';
import { isOneTime, ScheduleSpec } from './job-schedule';
import { invalidProp, PathScope, requireTokenUnit, warn } from '../core/validation';

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
  /** Whether the schedule runs once (`at`): no missed-run alarm, no start or end date checks. */
  readonly oneTime: boolean;
}

/** A resolved schedule before the job knows whether it recurs. */
type Resolution = Omit<ResolvedSchedule, 'oneTime'>;

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
export function resolveSchedule(scope: IConstruct, schedule: ScheduleSpec, timeZone: TimeZone, zone: string,
  now: Date, startDate?: Date): ResolvedSchedule {
  return { ...resolveSpec(scope, schedule, timeZone, zone, now, startDate), oneTime: isOneTime(schedule) };
}

function resolveSpec(scope: IConstruct, schedule: ScheduleSpec, timeZone: TimeZone, zone: string,
  now: Date, startDate?: Date): Resolution {
  const tokenZone = Token.isUnresolved(zone);
  switch (schedule.type) {
    case 'cron':
      if (Token.isUnresolved(schedule.expression) || tokenZone) return tokenCron(scope, schedule.expression, timeZone);
      return resolveCron(scope, schedule.expression, timeZone, zone, startDate && startDate > now ? startDate : now);
    case 'rate':
      if (schedule.interval.isUnresolved()) {
        requireTokenUnit(scope, 'schedule', schedule.interval, 'minutes', 'the rate');
        return deployTime(scheduler.ScheduleExpression.rate(schedule.interval), 'a rate');
      }
      return resolveRate(scope, schedule.interval, zone, now, startDate);
    case 'at':
      if (tokenZone) {
        invalidProp(scope, 'timeZone', `must be known at synth for ${schedule.date ? 'JobSchedule.at()' : 'a one-time schedule'} (given a token): `
          + 'the date is rendered as wall-clock time in it', 'pass an IANA name, e.g. TimeZone.EUROPE_BERLIN, or a recurring JobSchedule.cron()');
      }
      return resolveAt(scope, schedule, timeZone, zone, now);
    default:
      return deployTime(scheduler.ScheduleExpression.expression(schedule.expression, schedule.oneTime ? timeZone : undefined), 'a schedule');
  }
}

function deployTime(expression: scheduler.ScheduleExpression, what: string): Resolution {
  return { expression, nextRuns: [], description: `${what} read at deployment (a token): its runs are not known at synth` };
}

function resolveCron(scope: PathScope, text: string, timeZone: TimeZone, zone: string, from: Date): Resolution {
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
function tokenCron(scope: PathScope, text: string, timeZone: TimeZone): Resolution {
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

function resolveRate(scope: PathScope, interval: Duration, zone: string, now: Date, startDate?: Date): Resolution {
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

function resolveAt(scope: IConstruct, schedule: Extract<ScheduleSpec, { type: 'at' }>, timeZone: TimeZone, zone: string,
  now: Date): Resolution {
  const pad = (n: number) => String(n).padStart(2, '0');
  let date: Date;
  let local: string;
  if (schedule.wallClock) {
    // A Scheduler at(...) literal is wall-clock time in the zone already: the instant is when that time happens there.
    const w = schedule.wallClock;
    local = `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
    date = new Date((zonedTimeToUtc(w, zone) ?? new Date(Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute))).getTime() + w.second * 1000);
  } else {
    date = schedule.date!;
    if (Number.isNaN(date.getTime())) {
      invalidProp(scope, 'schedule', 'JobSchedule.at() was given an invalid Date', 'pass a valid Date, e.g. new Date(\'2030-01-01T09:00:00Z\')');
    }
    // Scheduler reads at(...) as wall-clock time in the schedule's time zone: render the instant there.
    const w = wallClockAt(date.getTime(), zone);
    local = `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(date.getUTCSeconds())}`;
  }
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
