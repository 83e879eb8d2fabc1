import { Token } from 'aws-cdk-lib';

/*
 * The one parser of AWS six-field cron expressions in this library
 * (`Minutes Hours Day-of-month Month Day-of-week Year`), as Application Auto Scaling and
 * EventBridge Scheduler read them.
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#cron-based
 * @see https://docs.aws.amazon.com/autoscaling/application/userguide/scheduled-scaling-using-cron-expressions.html
 */

export const CRON_FIX = 'write six fields `Minutes Hours Day-of-month Month Day-of-week Year` with `?` in one of the two day fields, '
  + 'e.g. \'0 8 ? * MON-FRI *\' (see https://docs.aws.amazon.com/autoscaling/application/userguide/scheduled-scaling-using-cron-expressions.html)';


export interface Cron {
  /** The six fields, normalized, without the `cron(...)` wrapper. */
  readonly expression: string;
  readonly minutes: Set<number>;
  readonly hours: Set<number>;
  readonly months: Set<number>;
  readonly years: Set<number>;
  /** Day test for the day field that is not `?`. */
  readonly matchesDay: (date: Date) => boolean;
}

interface CronFieldSpec { readonly name: string; readonly min: number; readonly max: number; readonly names?: string[] }

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const FIELDS: CronFieldSpec[] = [
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES },
  { name: 'day-of-week', min: 1, max: 7, names: DAY_NAMES },
  { name: 'year', min: 1970, max: 2199 },
];

/** Parses an AWS cron expression; returns the reason as a string when it is invalid. */
export function parseCron(input: string): Cron | string {
  if (Token.isUnresolved(input)) return 'it is a token; cron expressions must be known at synth';
  const wrapped = /^cron\((.*)\)$/s.exec(input.trim());
  const expression = (wrapped ? wrapped[1] : input).trim().split(/\s+/).join(' ');
  const parts = expression === '' ? [] : expression.split(' ');
  if (parts.length !== 6) return `expected 6 fields, found ${parts.length}`;
  const [dom, dow] = [parts[2], parts[4]];
  if ((dom === '?') === (dow === '?')) {
    return 'exactly one of day-of-month and day-of-week must be \'?\'';
  }
  try {
    const sets = [0, 1, 3, 5].map((i) => parseSet(parts[i], FIELDS[i]));
    const matchesDay = dom !== '?' ? parseDayOfMonth(dom) : parseDayOfWeek(dow);
    return { expression, minutes: sets[0], hours: sets[1], months: sets[2], years: sets[3], matchesDay };
  } catch (e) {
    return (e as Error).message;
  }
}

function parseValue(text: string, field: CronFieldSpec): number {
  const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
  const value = named >= 0 ? named + field.min : /^\d+$/.test(text) ? Number(text) : NaN;
  if (Number.isNaN(value) || value < field.min || value > field.max) {
    throw new Error(`${field.name} value '${text}' is outside ${field.min}-${field.max}`
      + (field.names ? ` (or ${field.names[0]}-${field.names[field.names.length - 1]})` : ''));
  }
  return value;
}

/** `*`, `a`, `a-b`, each optionally `/step`, comma-separated. */
function parseSet(text: string, field: CronFieldSpec): Set<number> {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    const m = /^([^/]+)(?:\/(\d+))?$/.exec(item);
    if (!m) throw new Error(`${field.name} item '${item}' is not a value, range or step`);
    const step = m[2] !== undefined ? Number(m[2]) : 1;
    if (step < 1) throw new Error(`${field.name} step in '${item}' must be 1 or more`);
    let from: number;
    let to: number;
    if (m[1] === '*') {
      [from, to] = [field.min, field.max];
    } else if (m[1].includes('-')) {
      const [a, b, extra] = m[1].split('-');
      if (extra !== undefined || a === '' || b === '') throw new Error(`${field.name} range '${m[1]}' is malformed`);
      [from, to] = [parseValue(a, field), parseValue(b, field)];
      if (from > to) throw new Error(`${field.name} range '${m[1]}' runs backwards`);
    } else {
      from = parseValue(m[1], field);
      to = m[2] !== undefined ? field.max : from;
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

function daysInMonth(date: Date): number {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
}

/** Weekday (Mon-Fri) nearest to `day` within the month, as AWS's `nW`. */
function nearestWeekday(date: Date, day: number): number {
  const last = daysInMonth(date);
  const target = Math.min(day, last);
  const weekday = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), target)).getUTCDay();
  if (weekday === 6) return target === 1 ? 3 : target - 1;
  if (weekday === 0) return target === last ? target - 2 : target + 1;
  return target;
}

function parseDayOfMonth(text: string): (date: Date) => boolean {
  const field = FIELDS[2];
  if (text === 'L') return (d) => d.getUTCDate() === daysInMonth(d);
  if (text === 'LW') return (d) => d.getUTCDate() === nearestWeekday(d, daysInMonth(d));
  const w = /^(\d+)W$/.exec(text);
  if (w) {
    const day = parseValue(w[1], field);
    return (d) => d.getUTCDate() === nearestWeekday(d, day);
  }
  const days = parseSet(text, field);
  return (d) => days.has(d.getUTCDate());
}

function parseDayOfWeek(text: string): (date: Date) => boolean {
  const field = FIELDS[4];
  const weekday = (d: Date) => d.getUTCDay() + 1; // AWS: 1 = SUN ... 7 = SAT
  if (text === 'L') return (d) => weekday(d) === 7;
  const last = /^(\w+)L$/.exec(text);
  if (last) {
    const day = parseValue(last[1], field);
    return (d) => weekday(d) === day && d.getUTCDate() + 7 > daysInMonth(d);
  }
  const nth = /^(\w+)#(\d)$/.exec(text);
  if (nth) {
    const day = parseValue(nth[1], field);
    const n = Number(nth[2]);
    if (n < 1 || n > 5) throw new Error(`day-of-week '${text}' must name the 1st to 5th weekday of the month`);
    return (d) => weekday(d) === day && Math.ceil(d.getUTCDate() / 7) === n;
  }
  const days = parseSet(text, field);
  return (d) => days.has(weekday(d));
}

// ---------------------------------------------------------------------------------------------
// Time zones and next runs, as EventBridge Scheduler evaluates a cron expression in a time zone.

/** Names of UTC that EventBridge Scheduler accepts and some runtimes leave out of their zone list. */
const UTC_ALIASES = ['UTC', 'Etc/UTC', 'Etc/UCT', 'UCT', 'Etc/GMT', 'GMT', 'Etc/Universal', 'Universal', 'Etc/Zulu', 'Zulu',
  'Etc/Greenwich', 'Greenwich', 'GMT0', 'Etc/GMT0', 'Etc/GMT+0', 'Etc/GMT-0', 'GMT+0', 'GMT-0'];

let runtimeZones: Set<string> | undefined;

/** The IANA zone names of this runtime's time zone database (`Intl.supportedValuesOf('timeZone')`). */
function supportedZones(): Set<string> {
  if (!runtimeZones) {
    const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
    runtimeZones = new Set(intl.supportedValuesOf?.('timeZone') ?? []);
  }
  return runtimeZones;
}

/**
 * True when `name` is an IANA time zone of the runtime's database: one of
 * `Intl.supportedValuesOf('timeZone')`, a UTC alias, or a link the database resolves to one of
 * them (the runtime's list holds canonical names only: `Asia/Calcutta` stands for `Asia/Kolkata`).
 * Offsets such as `+01:00` are not zone names and are rejected.
 */
export function isKnownTimeZone(name: string): boolean {
  if (UTC_ALIASES.includes(name) || supportedZones().has(name)) return true;
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name)) return false;
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
    return UTC_ALIASES.includes(resolved) || supportedZones().has(resolved) || /^Etc\/GMT[+-]\d{1,2}$/.test(resolved);
  } catch {
    return false;
  }
}

/** A local date and time (month 1-12) in some time zone. */
export interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall clock of `instant` (epoch milliseconds) in `timeZone`. */
export function wallClockAt(instant: number, timeZone: string): WallClock {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  const parts = format.formatToParts(new Date(instant));
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: part('year'), month: part('month'), day: part('day'), hour: part('hour'), minute: part('minute') };
}

/** Minutes `timeZone` is ahead of UTC at `instant`. */
function offsetMinutesAt(instant: number, timeZone: string): number {
  const minuteStart = Math.floor(instant / 60_000) * 60_000;
  const w = wallClockAt(minuteStart, timeZone);
  return (Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute) - minuteStart) / 60_000;
}

/**
 * The instant a wall-clock time happens in `timeZone`: undefined when it does not exist (skipped by
 * a daylight-saving change in spring), the first of the two when it happens twice (autumn).
 */
export function zonedTimeToUtc(wall: WallClock, timeZone: string): Date | undefined {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  const offsets = new Set([-36, 0, 36].map((h) => offsetMinutesAt(asUtc + h * 3_600_000, timeZone)));
  const matches = [...offsets].map((offset) => asUtc - offset * 60_000).filter((t) => {
    const w = wallClockAt(t, timeZone);
    return w.year === wall.year && w.month === wall.month && w.day === wall.day && w.hour === wall.hour && w.minute === wall.minute;
  });
  return matches.length > 0 ? new Date(Math.min(...matches)) : undefined;
}

/**
 * The next `count` times after `after` at which EventBridge Scheduler runs `cron` evaluated in
 * `timeZone`. Daylight saving follows Scheduler: a local time skipped in spring does not run, a
 * local time that happens twice in autumn runs once (at its first occurrence).
 * Fewer than `count` (or none) when the expression stops firing (its years end, or it never
 * matches a real date, such as 31 February).
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#daylist-savings-time
 */
export function nextCronRuns(cron: Cron, timeZone: string, after: Date, count: number): Date[] {
  const runs: Date[] = [];
  const start = wallClockAt(after.getTime(), timeZone);
  const sorted = (s: Set<number>) => [...s].sort((a, b) => a - b);
  const [years, months, hours, minutes] = [cron.years, cron.months, cron.hours, cron.minutes].map(sorted);
  for (const year of years.filter((y) => y >= start.year)) {
    for (const month of months.filter((m) => year > start.year || m >= start.month)) {
      const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
      const firstDay = year === start.year && month === start.month ? start.day : 1;
      for (let day = firstDay; day <= lastDay; day++) {
        if (!cron.matchesDay(new Date(Date.UTC(year, month - 1, day)))) continue;
        for (const hour of hours) {
          for (const minute of minutes) {
            const at = zonedTimeToUtc({ year, month, day, hour, minute }, timeZone);
            if (!at || at.getTime() <= after.getTime()) continue;
            runs.push(at);
            if (runs.length >= count) return runs;
          }
        }
      }
    }
  }
  return runs;
}

/** `instant` as `YYYY-MM-DD HH:mm` in `timeZone`, with its UTC offset (`+01:00`). */
export function formatInTimeZone(instant: Date, timeZone: string): string {
  const w = wallClockAt(instant.getTime(), timeZone);
  const offset = offsetMinutesAt(instant.getTime(), timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${w.year}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)} `
    + `(UTC${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)})`;
}

/** A change of a time zone's UTC offset (daylight saving). */
export interface OffsetChange {
  /** The instant of the change, to the minute. */
  readonly at: Date;
  /** Minutes the clocks move: positive forward (local times skipped), negative back (local times repeated). */
  readonly shiftMinutes: number;
}

/** The UTC offset changes of `timeZone` within `days` after `from`: sampled daily, then bisected to the minute. */
export function offsetChanges(timeZone: string, from: Date, days: number): OffsetChange[] {
  const changes: OffsetChange[] = [];
  const day = 86_400_000;
  for (let i = 0, t = from.getTime(); i < days; i++, t += day) {
    const [before, after] = [offsetMinutesAt(t, timeZone), offsetMinutesAt(t + day, timeZone)];
    if (before === after) continue;
    let [low, high] = [t, t + day];
    while (high - low > 60_000) {
      const mid = Math.floor((low + high) / 2 / 60_000) * 60_000;
      if (offsetMinutesAt(mid, timeZone) === before) low = mid; else high = mid;
    }
    changes.push({ at: new Date(high), shiftMinutes: after - before });
  }
  return changes;
}

/** True when `cron` fires at the local wall-clock minute `wall` (whether or not that minute exists). */
export function matchesWallClock(cron: Cron, wall: WallClock): boolean {
  return cron.years.has(wall.year) && cron.months.has(wall.month) && cron.hours.has(wall.hour) && cron.minutes.has(wall.minute)
    && cron.matchesDay(new Date(Date.UTC(wall.year, wall.month - 1, wall.day)));
}

/** The local minutes a clocks-forward change skips (they do not exist that day). */
export function skippedWallClocks(change: OffsetChange, timeZone: string): WallClock[] {
  if (change.shiftMinutes <= 0) return [];
  const before = wallClockAt(change.at.getTime() - 60_000, timeZone);
  const base = Date.UTC(before.year, before.month - 1, before.day, before.hour, before.minute);
  return Array.from({ length: change.shiftMinutes }, (_, i) => {
    const d = new Date(base + (i + 1) * 60_000);
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes() };
  });
}
