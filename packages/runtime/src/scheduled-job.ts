import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { logger } from './logger';
import { createPersistenceLayer, resolveIdempotency } from './idempotency';

/**
 * What a ScheduledJob delivers to its target: the occurrence's scheduled time and execution id
 * (EventBridge Scheduler fills them in), beside the job's own payload keys.
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-context-attributes.html
 */
export interface ScheduledJobEvent {
  /** `<aws.scheduler.scheduled-time>`: the time the occurrence was due, e.g. `2027-03-28T00:30:00Z`. */
  readonly scheduledTime: string;
  /** `<aws.scheduler.execution-id>`: the id of this occurrence's invocation, e.g. `d32c5kddcf5bb8c3`. */
  readonly executionId: string;
  /** `<aws.scheduler.attempt-number>`: Scheduler's delivery attempt, `"1"` first. */
  readonly attemptNumber?: string;
  /** `<aws.scheduler.schedule-arn>`. */
  readonly scheduleArn?: string;
  /** The job's payload keys (`ScheduledJobProps.payload`). */
  readonly [key: string]: unknown;
}

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

/** Name of the metric emitted once per successful occurrence. */
export const SUCCESS_METRIC_NAME = 'ScheduledJobSucceeded';
const DEFAULT_NAMESPACE = 'cdk-serverless-patterns/ScheduledJob';

/** Thrown for an event without the Scheduler fields: retrying cannot help; the event ends in the DLQ. */
export class MalformedScheduledEventError extends Error {
  constructor(missing: string) {
    super(`the event has no ${missing}: it did not come from a ScheduledJob schedule (its payload carries `
      + '<aws.scheduler.scheduled-time> and <aws.scheduler.execution-id>)');
    this.name = 'MalformedScheduledEventError';
  }
}

function checkEvent(event: unknown): ScheduledJobEvent {
  const e = (event ?? {}) as Partial<ScheduledJobEvent>;
  for (const key of ['executionId', 'scheduledTime'] as const) {
    if (typeof e[key] !== 'string' || e[key]!.length === 0 || e[key]!.startsWith('<aws.scheduler.')) {
      throw new MalformedScheduledEventError(key);
    }
  }
  return e as ScheduledJobEvent;
}

/**
 * Wraps a job into the Lambda handler of a ScheduledJob:
 *
 * - reads the scheduled time and execution id from the Scheduler payload and logs them (and adds
 *   them to every log line of the occurrence);
 * - runs the job once per occurrence: Powertools idempotency keyed on the execution id, so an
 *   occurrence delivered twice (Scheduler and Lambda deliver at least once, Lambda retries a
 *   failed asynchronous invocation) runs the job once and returns the stored result;
 * - emits `ScheduledJobSucceeded` = 1 (EMF, through Powertools metrics) after the job succeeded:
 *   the construct's missed-run alarm fires when it is absent for a whole period;
 * - a job that throws is not counted: Lambda retries it, then sends it to the job's DLQ.
 *
 * Call it once at module scope: the persistence layer and its DynamoDB client are created once per cold start.
 */
export function createScheduledJobHandler<TResult = unknown>(
  job: ScheduledJobFunction<TResult>,
  options: ScheduledJobHandlerOptions = {},
): (event: ScheduledJobEvent, context: Context) => Promise<TResult> {
  const jobName = options.jobName ?? process.env.SCHEDULED_JOB_NAME ?? process.env.POWERTOOLS_SERVICE_NAME ?? 'scheduled-job';
  const metrics = new Metrics({
    namespace: options.metricNamespace ?? process.env.SCHEDULED_JOB_METRIC_NAMESPACE ?? DEFAULT_NAMESPACE,
    serviceName: jobName,
  });
  // The key is always the occurrence's execution id.
  const idempotency = resolveIdempotency(options.idempotency, { eventKeyJmesPath: 'executionId', expiresAfterSeconds: 86_400 });
  const run = async (event: ScheduledJobEvent, context: Context) => job(event, context);

  let config: IdempotencyConfig | undefined;
  let runOnce = run;
  if (idempotency) {
    config = new IdempotencyConfig({
      eventKeyJmesPath: 'executionId',
      expiresAfterSeconds: idempotency.expiresAfterSeconds,
      throwOnNoIdempotencyKey: true,
    });
    const idempotencyConfig = config;
    // Loaded only when idempotency is on; the store is the runtime's one choice (http or sdk).
    const idempotent = createPersistenceLayer(idempotency.tableName, idempotency.persistenceLayer).then((persistenceStore) =>
      makeIdempotent(run, {
        persistenceStore,
        config: idempotencyConfig,
        keyPrefix: idempotency.keyPrefix,
      }));
    runOnce = async (event, context) => (await idempotent)(event, context);
  }

  return async (rawEvent: ScheduledJobEvent, context: Context): Promise<TResult> => {
    logger.addContext(context);
    const event = checkEvent(rawEvent);
    config?.registerLambdaContext(context);
    const occurrence = { scheduledTime: event.scheduledTime, executionId: event.executionId, attemptNumber: event.attemptNumber };
    logger.appendKeys(occurrence);
    try {
      logger.info('scheduled job started');
      const result = await runOnce(event, context);
      metrics.addMetric(SUCCESS_METRIC_NAME, MetricUnit.Count, 1);
      metrics.publishStoredMetrics();
      logger.info('scheduled job succeeded');
      return result;
    } catch (err) {
      logger.error('scheduled job failed', { error: err as Error });
      throw err;
    } finally {
      logger.removeKeys(Object.keys(occurrence));
    }
  };
}
