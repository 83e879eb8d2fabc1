import {
  BatchProcessor,
  EventType,
  SqsFifoPartialProcessorAsync,
  processPartialResponse,
} from '@aws-lambda-powertools/batch';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from './logger';

/** What the user's per-record function receives. */
export type SqsRecordFunction<TBody = unknown, TResult = unknown> = (
  body: TBody,
  record: SQSRecord,
  context: Context,
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
}

export interface SqsWorkerHandlerOptions {
  /**
   * Process a FIFO queue: stop at the first failed record and report it and every later record
   * as failed, so message-group order is kept.
   * @default - `SQS_WORKER_FIFO === 'true'`
   */
  readonly fifo?: boolean;
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

function parseBody(record: SQSRecord, mode: 'json' | 'raw'): unknown {
  if (mode === 'raw') return record.body;
  try {
    return JSON.parse(record.body);
  } catch (err) {
    throw new MalformedMessageError(record.messageId, err);
  }
}

function resolveIdempotency(option: SqsWorkerHandlerOptions['idempotency']) {
  if (option === false) return undefined;
  const tableName = option?.tableName ?? process.env.IDEMPOTENCY_TABLE_NAME;
  if (!tableName) return undefined;
  const ttlFromEnv = Number(process.env.IDEMPOTENCY_TTL_SECONDS);
  return {
    tableName,
    eventKeyJmesPath: option?.eventKeyJmesPath ?? process.env.IDEMPOTENCY_KEY_PATH ?? 'messageId',
    expiresAfterSeconds: option?.expiresAfterSeconds ?? (Number.isFinite(ttlFromEnv) && ttlFromEnv > 0 ? ttlFromEnv : 3600),
  };
}

/**
 * Wraps a per-record function into an SQS Lambda handler that returns a partial batch response.
 *
 * - Each record is processed on its own; a throwing record (or a body that is not JSON) is
 *   returned in `batchItemFailures`, so SQS retries only that record and, after
 *   `maxReceiveCount`, moves it to the dead-letter queue.
 * - FIFO: processing stops at the first failure and the rest of the batch is reported failed.
 * - Idempotency (Powertools + DynamoDB): a message delivered twice runs the function once; the
 *   second delivery returns the stored result.
 *
 * Call it once at module scope: the persistence layer and its DynamoDB client are created here,
 * once per cold start.
 */
export function createSqsWorkerHandler<TBody = unknown, TResult = unknown>(
  recordFunction: SqsRecordFunction<TBody, TResult>,
  options: SqsWorkerHandlerOptions = {},
): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  const fifo = options.fifo ?? process.env.SQS_WORKER_FIFO === 'true';
  const bodyMode = options.body ?? 'json';
  const idempotency = resolveIdempotency(options.idempotency);

  const run = async (record: SQSRecord, body: unknown, context: Context) =>
    recordFunction(body as TBody, record, context);

  let idempotencyConfig: IdempotencyConfig | undefined;
  let processBody = run;
  if (idempotency) {
    idempotencyConfig = new IdempotencyConfig({
      eventKeyJmesPath: idempotency.eventKeyJmesPath,
      expiresAfterSeconds: idempotency.expiresAfterSeconds,
      throwOnNoIdempotencyKey: true,
    });
    const config = idempotencyConfig;
    const tableName = idempotency.tableName;
    // Loaded only when idempotency is on: the DynamoDB client costs ~50 ms of cold start
    // (npm run bench), which a worker without idempotency should not pay. import(), not
    // require(): esbuild keeps the ESM build, so the bundle does not grow.
    const idempotent = import('@aws-lambda-powertools/idempotency/dynamodb').then(({ DynamoDBPersistenceLayer }) =>
      makeIdempotent(run, {
        persistenceStore: new DynamoDBPersistenceLayer({ tableName }),
        config,
        // Hash the SQS record (argument 0), not the parsed body or the context.
        dataIndexArgument: 0,
      }));
    processBody = async (record, body, context) => (await idempotent)(record, body, context);
  }

  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    logger.addContext(context);
    idempotencyConfig?.registerLambdaContext(context);
    const processor = fifo ? new SqsFifoPartialProcessorAsync() : new BatchProcessor(EventType.SQS);
    const handleRecord = async (record: SQSRecord) => {
      try {
        return await processBody(record, parseBody(record, bodyMode), context);
      } catch (err) {
        logger.error('record failed', { messageId: record.messageId, error: err as Error });
        throw err;
      }
    };
    const response = await processPartialResponse(event, handleRecord, processor, { context });
    if (response.batchItemFailures.length > 0) {
      logger.warn('batch finished with failures', {
        records: event.Records.length,
        failed: response.batchItemFailures.length,
      });
    }
    return response;
  };
}
