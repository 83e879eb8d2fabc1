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
