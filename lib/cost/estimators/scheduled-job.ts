import { Stack, Token } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { parseCron } from '../../scheduled-job/cron';
import { ScheduledJob } from '../../scheduled-job';
import { chunks, count, idempotencyWrites, line, money, schedulerInvocations, type CostLine } from '../model';
import { alarmLines, functionLines, IDEMPOTENCY_ITEM_BYTES, ownerOfReference, type EstimateContext, type Load } from './common';

/** 28 years of 365.25 days: every weekday and leap-year pattern of the calendar once (1,461 weeks). */
const CYCLE_YEARS = 28;
const CYCLE_MONTHS = CYCLE_YEARS * 12;
const DAY_MILLIS = 86_400_000;
const HOURS_PER_MONTH = 730;

/** Runs per month of a schedule, and how they were counted. */
export interface ScheduleRuns {
  readonly runs: number;
  readonly how: string;
}

/**
 * Runs per 730-hour month of a schedule expression as CloudFormation receives it: a cron's
 * matching days (the day, month and year fields of lib/scheduled-job/cron.ts's parser, from 1 January of
 * `year`) over a 28-year calendar cycle x its times per day, / 336 months; a rate 730 h / the
 * interval; a one-time `at` 1 run. Daylight-saving skips are not counted. Undefined for an
 * expression it cannot read (a token).
 */
export function scheduleRuns(expression: unknown, year: number): ScheduleRuns | undefined {
  if (typeof expression !== 'string') return undefined;
  const [, kind, body] = expression.match(/^(cron|rate|at)\((.*)\)$/) ?? [];
  if (kind === 'at') return { runs: 1, how: `${expression}: once` };
  if (kind === 'rate') {
    const [, value, unit] = body.match(/^(\d+) (minute|hour|day)s?$/) ?? [];
    if (!value) return undefined;
    const hours = Number(value) * { minute: 1 / 60, hour: 1, day: 24 }[unit as 'minute' | 'hour' | 'day'];
    return { runs: HOURS_PER_MONTH / hours, how: `${expression}: 730 h / ${count(hours)} h` };
  }
  const cron = kind === 'cron' ? parseCron(body) : undefined;
  if (cron === undefined || typeof cron === 'string') return undefined;
  let days = 0;
  const start = Date.UTC(year, 0, 1);
  const end = Date.UTC(year + CYCLE_YEARS, 0, 1);
  for (let t = start; t < end; t += DAY_MILLIS) {
    const day = new Date(t);
    if (cron.years.has(day.getUTCFullYear()) && cron.months.has(day.getUTCMonth() + 1) && cron.matchesDay(day)) days++;
  }
  const perDay = cron.hours.size * cron.minutes.size;
  return {
    runs: days * perDay / CYCLE_MONTHS,
    how: `${expression}: ${count(days)} days in ${CYCLE_YEARS} years from ${year} x ${perDay} run(s) a day / ${CYCLE_MONTHS} months`,
  };
}

/**
 * A ScheduledJob: Scheduler invocations (one per run, counted from the schedule unless the load
 * gives perMonth; none while disabled), the function of a function target (requests and GB-s per
 * run, logs), idempotency writes, the SendMessage of an SqsWorker target (the worker itself is
 * priced with its own load, as is a state machine target), the dead-letter queue (idle: no
 * poller, no requests) and alarms.
 */
export function estimateScheduledJob(job: ScheduledJob, load: Load, ctx: EstimateContext): CostLine[] {
  const cfn = job.schedule.node.defaultChild as scheduler.CfnSchedule;
  const resolve = (v: unknown) => Stack.of(cfn).resolve(v);
  const counted = scheduleRuns(resolve(cfn.scheduleExpression), new Date().getUTCFullYear());
  const disabled = resolve(cfn.state) === 'DISABLED';
  const runs = disabled ? 0 : load.perMonthGiven || !counted ? load.perMonth : counted.runs;
  const how = disabled ? 'schedule disabled' : load.perMonthGiven ? 'expectedLoad.perMonth'
    : counted ? counted.how : 'the schedule is a token: give expectedLoad.perMonth';
  const sqsPrice = ctx.prices.sqsStandardRequestsPerMillion;
  const lines: CostLine[] = [schedulerInvocations(runs, how, ctx.prices)];
  if (job.function) lines.push(...functionLines(job.function, runs, runs, load, ctx));
  if (job.idempotencyTable) lines.push(idempotencyWrites(runs, IDEMPOTENCY_ITEM_BYTES, ctx.prices));
  // The ARN unresolved, so a queue of another stack is found (resolved, it is an import).
  const target = (Token.isUnresolved(cfn.target) ? resolve(cfn.target) : cfn.target) as { arn?: unknown } | undefined;
  if (ownerOfReference(cfn, target?.arn) instanceof sqs.Queue) {
    const n = chunks(load.payloadBytes);
    lines.push(line('SQS', 'SendMessage (to the target queue)', runs * n, 'requests', sqsPrice / 1e6,
      `${count(runs)} runs x ${n} chunk(s) of 64 KB x ${money(sqsPrice)} per million`));
  }
  lines.push(line('SQS', 'dead-letter queue (idle)', 0, 'requests', sqsPrice / 1e6,
    'no poller reads it, so it makes no requests until a run fails (failed runs are not priced)'));
  lines.push(...alarmLines(job.alarms, ctx));
  return lines;
}
