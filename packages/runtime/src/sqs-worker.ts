import {
  BatchProcessor,
  EventType,
  FullBatchFailureError,
  SqsFifoPartialProcessorAsync,
  processPartialResponse,
} from '@aws-lambda-powertools/batch';
import { createIdempotentRunner } from './idempotency/runner';
import { runInvocation, withLogKeys } from './invocation';
import { logger } from './logger';
import type { LambdaContext, PersistenceLayerOption, SqsBatchResponse, SqsEvent, SqsRecord } from './types';

export type { LambdaContext, PersistenceLayerFactory, PersistenceLayerOption, SqsBatchResponse, SqsEvent, SqsMessageAttribute, SqsRecord, SqsRecordAttributes } from './types';

/** What the user's per-record function receives. */
export type SqsRecordFunction<TBody = unknown, TResult = unknown> = (
  body: TBody,
  record: SqsRecord,
  context: LambdaContext,
) => Promise<TResult> | TResult;

/** Idempotency settings; the SqsWorker construct passes them as environment variables. */
export interface SqsIdempotencyOptions {
  /**
   * DynamoDB table holding idempotency records.
   * @default - `IDEMPOTENCY_TABLE_NAME`; idempotency is off when neither is set
   */
  readonly tableName?: string;
  /**
   * JMESPath into the SQS record that identifies a message, e.g.
   * `powertools_json(body).orderId` for a business key.
   * @default - `IDEMPOTENCY_KEY_PATH`, else `messageId`
   */
  readonly eventKeyJmesPath?: string;
  /**
   * How long a processed record is remembered, in seconds.
   * @default - `IDEMPOTENCY_TTL_SECONDS`, else 3600
   */
  readonly expiresAfterSeconds?: number;
  /**
   * Which store writes the records: `http` is the runtime's `DynamoDBHttpPersistenceLayer`
   * (the same DynamoDB requests as Powertools' layer, sent by a small signed HTTP client, a few
   * ms of cold start); `sdk` is Powertools' `DynamoDBPersistenceLayer` on the AWS SDK v3 (about
   * 50 ms more cold start; the SDK's credential chain and configuration), available once the
   * handler imports `@cdk-serverless-patterns/runtime/idempotency/sdk`; or a factory
   * `(tableName) => BasePersistenceLayer` (that module's `sdkPersistenceLayer`, or your own).
   * @default - `IDEMPOTENCY_PERSISTENCE_LAYER`, else 'http'
   */
  readonly persistenceLayer?: PersistenceLayerOption;
}

export interface SqsWorkerHandlerOptions {
  /**
   * Process a FIFO queue: records run one after another in delivery order, and a failure stops
   * its message group (see `fifoFailureScope`).
   * @default - `SQS_WORKER_FIFO === 'true'`
   */
  readonly fifo?: boolean;
  /**
   * FIFO only: what a failed record stops. `group` (Powertools `skipGroupOnError`): the failed
   * record and every later record of the same message group are handed back; other groups keep
   * flowing. `batch`: every record after the first failure is handed back, whatever its group.
   * Both keep the order within a group.
   * @default 'group'
   */
  readonly fifoFailureScope?: 'group' | 'batch';
  /**
   * How the message body is handed to the record function. `json` parses it (a malformed body
   * fails that record only); `raw` passes the string through.
   * @default 'json'
   */
  readonly body?: 'json' | 'raw';
  /**
   * Idempotency: `false` turns it off even when the table variable is set.
   * @default - on when a table name is configured
   */
  readonly idempotency?: SqsIdempotencyOptions | false;
}

/** Thrown for a body that is not valid JSON; the record is reported as a batch item failure. */
export class MalformedMessageError extends Error {
  constructor(messageId: string, cause: unknown) {
    super(`message ${messageId} has a body that is not valid JSON: ${(cause as Error).message}`);
    this.name = 'MalformedMessageError';
  }
}

/**
 * Stands for a thrown value that is not an Error (`throw null`, `Promise.reject()`, a thrown
 * string): the record fails like any other, with this error and the value as `cause`.
 */
export class NonErrorThrownError extends Error {
  public readonly cause: unknown;

  constructor(value: unknown) {
    super(`the record function threw ${describeValue(value)}, not an Error`);
    this.name = 'NonErrorThrownError';
    this.cause = value;
  }
}

function describeValue(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  try {
    return `${typeof value} ${JSON.stringify(value)}`;
  } catch {
    return typeof value;
  }
}

/** Any thrown value as an Error (Powertools' batch processor reads `error.message`). */
export function toError(value: unknown): Error {
  return value instanceof Error ? value : new NonErrorThrownError(value);
}

const IN_PROGRESS = 'IdempotencyAlreadyInProgressError';

function parseBody(record: SqsRecord, mode: 'json' | 'raw'): unknown {
  if (mode === 'raw') return record.body;
  try {
    return JSON.parse(record.body);
  } catch (err) {
    throw new MalformedMessageError(record.messageId, err);
  }
}

/** The failures in the order SQS delivered the records (Powertools lists them as they settle). */
function inDeliveryOrder(records: SqsRecord[], failures: SqsBatchResponse['batchItemFailures']) {
  const position = new Map(records.map((r, i) => [r.messageId, i]));
  return [...failures].sort((a, b) => (position.get(a.itemIdentifier) ?? 0) - (position.get(b.itemIdentifier) ?? 0));
}

/**
 * Wraps a per-record function into an SQS Lambda handler that returns a partial batch response.
 *
 * - Each record is processed on its own; a throwing record (or a body that is not JSON) is
 *   returned in `batchItemFailures`, in delivery order, so SQS retries only that record and,
 *   after `maxReceiveCount`, moves it to the dead-letter queue. Any thrown value counts, also
 *   `null` or a rejection without a reason.
 * - FIFO: a failure hands back the rest of its message group; other groups keep flowing
 *   (`fifoFailureScope`).
 * - Idempotency (Powertools + DynamoDB): a message delivered twice runs the function once; the
 *   second delivery returns the stored result. A duplicate that arrives while the first delivery
 *   still runs is handed back to SQS (a batch item failure) without failing the invocation.
 * - A batch in which every record fails for a real error fails the invocation
 *   (`FullBatchFailureError`), so the function's Errors alarm sees it.
 * - Every log line of a record (the runtime's and those of `logger` in the record function) carries
 *   its `messageId` and, when the producer set a `MessageGroupId`, `tenantId` on a standard queue
 *   (an SQS fair queue's tenant) or `messageGroupId` on a FIFO queue.
 *
 * Call it once at module scope: the persistence layer and its client are created here, once
 * per cold start.
 */
export function createSqsWorkerHandler<TBody = unknown, TResult = unknown>(
  recordFunction: SqsRecordFunction<TBody, TResult>,
  options: SqsWorkerHandlerOptions = {},
): (event: SqsEvent, context: LambdaContext) => Promise<SqsBatchResponse> {
  const fifo = options.fifo ?? process.env.SQS_WORKER_FIFO === 'true';
  const skipGroupOnError = (options.fifoFailureScope ?? 'group') === 'group';
  const bodyMode = options.body ?? 'json';
  const idempotency = createIdempotentRunner(options.idempotency, { eventKeyJmesPath: 'messageId', expiresAfterSeconds: 3600 });

  const run = async (body: unknown, record: SqsRecord, context: LambdaContext) => {
    try {
      return await recordFunction(body as TBody, record, context);
    } catch (thrown) {
      throw toError(thrown);
    }
  };

  const processBatch = async (event: SqsEvent, context: LambdaContext): Promise<SqsBatchResponse> => {
    // A bad idempotency configuration fails the invocation here, before any record runs.
    const once = await idempotency?.forInvocation(context);
    const errors: Error[] = [];
    let inProgress = 0;
    const handleRecord = (record: SqsRecord) => withLogKeys(recordLogKeys(record, fifo), async () => {
      try {
        const body = parseBody(record, bodyMode);
        // The SQS record is what the key is read from; the body reaches the function through the closure only.
        return once ? await once(record, () => run(body, record, context)) : await run(body, record, context);
      } catch (thrown) {
        const error = toError(thrown);
        if (error.name === IN_PROGRESS) {
          inProgress++;
          logger.info('duplicate delivery while the first is still in progress; handed back to SQS');
        } else {
          errors.push(error);
          logger.error('record failed', { error });
        }
        throw error;
      }
    });
    const records = event.Records as Parameters<typeof processPartialResponse>[0]['Records'];
    const batch = { Records: records };
    // throwOnFullBatchFailure off: this function decides below, knowing why each record failed.
    const response = fifo
      ? await processPartialResponse(batch, handleRecord, new SqsFifoPartialProcessorAsync(),
        { context: context as never, skipGroupOnError, throwOnFullBatchFailure: false })
      : await processPartialResponse(batch, handleRecord, new BatchProcessor(EventType.SQS),
        { context: context as never, throwOnFullBatchFailure: false });
    const batchItemFailures = inDeliveryOrder(event.Records, response.batchItemFailures);
    if (batchItemFailures.length > 0) {
      logger.warn('batch finished with failures', {
        records: event.Records.length, failed: batchItemFailures.length, inProgressDuplicates: inProgress,
      });
    }
    // Every record failed and at least one for a real error: fail the invocation (Errors alarm,
    // SQS retries the batch). Records handed back only as in-progress duplicates (or skipped
    // behind one in their FIFO group) are expected at-least-once traffic, not an error.
    if (event.Records.length > 0 && batchItemFailures.length === event.Records.length && errors.length > 0) {
      throw new FullBatchFailureError(errors);
    }
    return { batchItemFailures };
  };

  return (event, context) => runInvocation(context, () => processBatch(event, context));
}

/**
 * The keys on every log line of a record: its `messageId`, and its message group. On a standard
 * queue a `MessageGroupId` marks the tenant of an SQS fair queue (`tenantId`); on a FIFO queue it
 * is the ordering group (`messageGroupId`).
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-fair-queues.html
 */
function recordLogKeys(record: SqsRecord, fifo: boolean): Record<string, unknown> {
  const group = record.attributes?.MessageGroupId;
  if (group === undefined) return { messageId: record.messageId };
  return fifo ? { messageId: record.messageId, messageGroupId: group } : { messageId: record.messageId, tenantId: group };
}
