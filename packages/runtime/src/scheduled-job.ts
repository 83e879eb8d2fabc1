import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { LambdaContext as Context } from './types';
import { createIdempotentRunner } from './idempotency/runner';
import { runInvocation, withLogKeys } from './invocation';
import { logger } from './logger';

/**
 * What a ScheduledJob delivers to its target: the occurrence's schedule and scheduled time, the
 * attempt's execution id and number (EventBridge Scheduler fills them in), beside the job's own
 * payload keys. An occurrence is identified by its schedule and scheduled time: Scheduler gives
 * each attempted invocation its own execution id.
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-context-attributes.html
 */
export interface ScheduledJobEvent {
  /** `<aws.scheduler.scheduled-time>`: the time the occurrence was due, e.g. `2027-03-28T00:30:00Z`. */
  readonly scheduledTime: string;
  /** `<aws.scheduler.schedule-arn>`: the schedule; with `scheduledTime`, what identifies the occurrence. */
  readonly scheduleArn: string;
  /** `<aws.scheduler.execution-id>`: the id of this attempted invocation, e.g. `d32c5kddcf5bb8c3` (logged, not a key). */
  readonly executionId?: string;
  /** `<aws.scheduler.attempt-number>`: Scheduler's delivery attempt, `"1"` first. */
  readonly attemptNumber?: string;
  /** The job's payload keys (`ScheduledJobProps.payload`). */
  readonly [key: string]: unknown;
}

export type { LambdaContext } from './types';

/** The user's job: runs once per occurrence. */
export type ScheduledJobFunction<TResult = unknown> = (event: ScheduledJobEvent, context: Context) => Promise<TResult> | TResult;

export interface ScheduledJobHandlerOptions {
  /**
   * Idempotency: `false` turns it off even when the table variable is set.
   * @default - on when `IDEMPOTENCY_TABLE_NAME` is set (the ScheduledJob construct sets it)
   */
  readonly idempotency?: false | {
    /** @default - `IDEMPOTENCY_TABLE_NAME` */
    readonly tableName?: string;
    /** How long an occurrence is remembered, in seconds. @default - `IDEMPOTENCY_TTL_SECONDS`, else 86400 */
    readonly expiresAfterSeconds?: number;
  };
  /**
   * Namespace of the success metric.
   * @default - `SCHEDULED_JOB_METRIC_NAMESPACE`, else 'cdk-serverless-patterns/ScheduledJob'
   */
  readonly metricNamespace?: string;
  /**
   * The job name: the `service` dimension of the success metric, which the construct's missed-run alarm watches.
   * @default - `SCHEDULED_JOB_NAME`, else `POWERTOOLS_SERVICE_NAME`
   */
  readonly jobName?: string;
}

/** Name of the metric emitted once per run of the job that succeeded (never for a replay or a skipped duplicate). */
export const SUCCESS_METRIC_NAME = 'ScheduledJobSucceeded';
const DEFAULT_NAMESPACE = 'cdk-serverless-patterns/ScheduledJob';
/** What identifies an occurrence: its schedule and the time it was due. */
const OCCURRENCE_KEY = '[scheduleArn, scheduledTime]';
const IN_PROGRESS = 'IdempotencyAlreadyInProgressError';

/** Thrown for an event without the Scheduler fields: retrying cannot help; the event ends in the DLQ. */
export class MalformedScheduledEventError extends Error {
  constructor(missing: string) {
    super(`the event has no ${missing}: it did not come from a ScheduledJob schedule (its payload carries `
      + '<aws.scheduler.schedule-arn> and <aws.scheduler.scheduled-time>)');
    this.name = 'MalformedScheduledEventError';
  }
}

function checkEvent(event: unknown): ScheduledJobEvent {
  const e = (event ?? {}) as Partial<ScheduledJobEvent>;
  for (const key of ['scheduleArn', 'scheduledTime'] as const) {
    if (typeof e[key] !== 'string' || e[key]!.length === 0 || e[key]!.startsWith('<aws.scheduler.')) {
      throw new MalformedScheduledEventError(key);
    }
  }
  return e as ScheduledJobEvent;
}

/**
 * Wraps a job into the Lambda handler of a ScheduledJob:
 *
 * - reads the occurrence from the Scheduler payload and adds `scheduleArn`, `scheduledTime`,
 *   `executionId` and `attemptNumber` to every log line of the occurrence;
 * - runs the job once per occurrence: Powertools idempotency keyed on the schedule and the
 *   scheduled time (`[scheduleArn, scheduledTime]`), not on the execution id, which Scheduler
 *   assigns per attempted invocation. An occurrence delivered again (a Scheduler retry with a new
 *   execution id, a Lambda retry of the asynchronous invocation, an at-least-once duplicate) returns
 *   the stored result without running the job;
 * - a delivery that arrives while the same occurrence still runs elsewhere ends without running the
 *   job and without an error (logged at INFO, result `undefined`): the run in progress owns the
 *   occurrence (its failure is retried by Lambda, then goes to the DLQ; a run that dies leaves an
 *   in-progress record that expires with its invocation's deadline, so its retry runs the job).
 *   An error would count toward the Errors alarm and send a copy of a healthy occurrence to the DLQ;
 * - emits `ScheduledJobSucceeded` = 1 (EMF, through Powertools metrics) when the job ran in this
 *   invocation and succeeded, never for a replay or a skipped duplicate: one per occurrence that
 *   ran, which the construct's missed-run alarm expects at least once per period;
 * - a job that throws is not counted: Lambda retries it, then sends it to the job's DLQ.
 *
 * Call it once at module scope: the persistence layer and its DynamoDB client are created once per cold start.
 */
export function createScheduledJobHandler<TResult = unknown>(
  job: ScheduledJobFunction<TResult>,
  options: ScheduledJobHandlerOptions = {},
): (event: ScheduledJobEvent, context: Context) => Promise<TResult | undefined> {
  const jobName = options.jobName ?? process.env.SCHEDULED_JOB_NAME ?? process.env.POWERTOOLS_SERVICE_NAME ?? 'scheduled-job';
  const metrics = new Metrics({
    namespace: options.metricNamespace ?? process.env.SCHEDULED_JOB_METRIC_NAMESPACE ?? DEFAULT_NAMESPACE,
    serviceName: jobName,
  });
  // The key is always the occurrence (schedule + scheduled time), whatever IDEMPOTENCY_KEY_PATH says.
  const idempotency = createIdempotentRunner(options.idempotency === false ? false : { ...options.idempotency, eventKeyJmesPath: OCCURRENCE_KEY },
    { eventKeyJmesPath: OCCURRENCE_KEY, expiresAfterSeconds: 86_400 });

  const runOccurrence = async (event: ScheduledJobEvent, context: Context): Promise<TResult | undefined> => {
    const once = await idempotency?.forInvocation(context);
    logger.info('scheduled job started');
    let ran = false;
    const run = async () => {
      ran = true;
      return job(event, context);
    };
    let result: TResult;
    try {
      result = once ? await once(event, run) : await run();
    } catch (err) {
      if ((err as Error)?.name === IN_PROGRESS) {
        logger.info('this occurrence is already running in another invocation: this delivery ends without running the job');
        return undefined;
      }
      logger.error('scheduled job failed', { error: err as Error });
      throw err;
    }
    if (!ran) {
      logger.info('this occurrence already ran: its stored result is returned and the job does not run again', { replayed: true });
      return result;
    }
    metrics.addMetric(SUCCESS_METRIC_NAME, MetricUnit.Count, 1);
    metrics.publishStoredMetrics();
    logger.info('scheduled job succeeded');
    return result;
  };

  return (rawEvent, context) => runInvocation(context, async () => {
    const event = checkEvent(rawEvent);
    const occurrence = {
      scheduleArn: event.scheduleArn, scheduledTime: event.scheduledTime, executionId: event.executionId, attemptNumber: event.attemptNumber,
    };
    return withLogKeys(occurrence, () => runOccurrence(event, context));
  });
}
