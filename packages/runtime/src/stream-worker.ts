import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type {
  DynamoDBRecord, DynamoDBStreamEvent, KinesisStreamEvent, KinesisStreamRecord, LambdaContext as Context,
} from './types';
import { AttributeValue, unmarshallImage } from './dynamodb-image';
import { createIdempotentRunner } from './idempotency/runner';
import { runInvocation, withLogKeys } from './invocation';
import { logger } from './logger';

export { parseStreamFailureRecord, NotAStreamFailureRecordError } from './stream-failure-record';
export type { StreamFailureRecord } from './stream-failure-record';

/** A Kinesis record as the record function sees it: the data decoded. */
export interface KinesisItem<TData = unknown> {
  readonly source: 'kinesis';
  /** `shardId-...:<sequence number>`. */
  readonly eventId: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  /** The data: parsed JSON (default), the UTF-8 text, or the bytes (see `data` option). */
  readonly data: TData;
  /** When Kinesis received the record, in epoch milliseconds. */
  readonly arrivedAt: number;
}

/** A DynamoDB stream record as the record function sees it: images as plain objects. */
export interface DynamoDbChange<TItem = Record<string, unknown>> {
  readonly source: 'dynamodb';
  readonly eventId: string;
  readonly sequenceNumber: string;
  readonly eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  /** The key attributes of the item. */
  readonly keys: Record<string, unknown>;
  /** The item after the change (INSERT, MODIFY; with view type NEW_IMAGE or NEW_AND_OLD_IMAGES). */
  readonly newImage?: TItem;
  /** The item before the change (MODIFY, REMOVE; with view type OLD_IMAGE or NEW_AND_OLD_IMAGES). */
  readonly oldImage?: TItem;
}

export type StreamItem<TData = unknown> = KinesisItem<TData> | DynamoDbChange<TData extends Record<string, unknown> ? TData : Record<string, unknown>>;
export type StreamRecord = KinesisStreamRecord | DynamoDBRecord;
export type { DynamoDBRecord, DynamoDBStreamEvent, KinesisStreamEvent, KinesisStreamRecord, LambdaContext } from './types';

/** What the user's per-record function receives. */
export type StreamRecordFunction<TData = unknown, TResult = unknown> = (
  item: StreamItem<TData>,
  record: StreamRecord,
  context: Context,
) => Promise<TResult> | TResult;

/** Idempotency settings; the StreamWorker construct passes them as environment variables. */
export interface StreamIdempotencyOptions {
  /** @default - `IDEMPOTENCY_TABLE_NAME`; idempotency is off when neither is set */
  readonly tableName?: string;
  /** JMESPath into the stream record. @default - `IDEMPOTENCY_KEY_PATH`, else `eventID` */
  readonly eventKeyJmesPath?: string;
  /** @default - `IDEMPOTENCY_TTL_SECONDS`, else 86400 */
  readonly expiresAfterSeconds?: number;
}

export interface StreamWorkerHandlerOptions {
  /**
   * How Kinesis data is handed over after base64 decoding: `json` parses it (data that is not
   * JSON fails that record only), `text` passes the UTF-8 string, `binary` the Buffer.
   * @default 'json'
   */
  readonly data?: 'json' | 'text' | 'binary';
  /** `false` turns idempotency off even when the table variable is set. @default - on when a table name is configured */
  readonly idempotency?: StreamIdempotencyOptions | false;
}

/** The partial batch response of a stream consumer. */
export interface StreamBatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

/** Kinesis data that is not valid JSON. */
export class MalformedRecordError extends Error {
  constructor(eventId: string, cause: unknown) {
    super(`record ${eventId} has data that is not valid JSON: ${(cause as Error).message}`);
    this.name = 'MalformedRecordError';
  }
}

/** The record function threw something that is not an Error (a string, null, undefined, ...). */
export class RecordFailedError extends Error {
  constructor(public readonly thrown: unknown) {
    super(`record function threw a non-Error value: ${describeThrown(thrown)}`);
    this.name = 'RecordFailedError';
  }
}

/** A record after the first failure of its batch: not run, so the shard's order holds. */
export class SkippedAfterFailureError extends Error {
  constructor(eventId: string, firstFailed: string) {
    super(`record ${eventId} not processed: ${firstFailed} failed before it in this shard`);
    this.name = 'SkippedAfterFailureError';
  }
}

function describeThrown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function toError(value: unknown): Error {
  return value instanceof Error ? value : new RecordFailedError(value);
}

function isKinesis(record: StreamRecord): record is KinesisStreamRecord {
  return (record as KinesisStreamRecord).kinesis !== undefined;
}

function eventIdOf(record: StreamRecord): string {
  return record.eventID ?? (isKinesis(record) ? record.kinesis.sequenceNumber : record.dynamodb?.SequenceNumber ?? '');
}

function decodeKinesis(record: KinesisStreamRecord, mode: 'json' | 'text' | 'binary'): KinesisItem {
  const bytes = Buffer.from(record.kinesis.data, 'base64');
  let data: unknown = bytes;
  if (mode !== 'binary') {
    const text = bytes.toString('utf8');
    if (mode === 'text') {
      data = text;
    } else {
      try {
        data = JSON.parse(text);
      } catch (err) {
        throw new MalformedRecordError(eventIdOf(record), err);
      }
    }
  }
  return {
    source: 'kinesis',
    eventId: eventIdOf(record),
    sequenceNumber: record.kinesis.sequenceNumber,
    partitionKey: record.kinesis.partitionKey,
    data,
    arrivedAt: Math.round(record.kinesis.approximateArrivalTimestamp * 1000),
  };
}

type Image = { [name: string]: AttributeValue };

function decodeDynamoDb(record: DynamoDBRecord): DynamoDbChange {
  const change = record.dynamodb ?? {};
  return {
    source: 'dynamodb',
    eventId: eventIdOf(record),
    sequenceNumber: change.SequenceNumber ?? '',
    eventName: record.eventName as DynamoDbChange['eventName'],
    keys: unmarshallImage((change.Keys ?? {}) as Image),
    newImage: change.NewImage ? unmarshallImage(change.NewImage as Image) : undefined,
    oldImage: change.OldImage ? unmarshallImage(change.OldImage as Image) : undefined,
  };
}

/**
 * Wraps a per-record function into a Kinesis / DynamoDB Streams handler for a mapping with
 * `ReportBatchItemFailures` and `BisectBatchOnFunctionError` (what StreamWorker configures).
 *
 * Semantics, per invocation (one batch = records of one shard, in sequence order):
 * - records run one at a time, in order; the first record that fails (throws anything, or has
 *   Kinesis data that is not JSON) is reported in `batchItemFailures`, and so is every record
 *   after it, **without running them**: nothing later in the shard runs before an earlier record
 *   has succeeded. Lambda checkpoints the records before the failure and retries from it.
 * - when the **first** record fails, every record is reported, so the invocation fails
 *   (Powertools' full batch failure): Lambda then bisects the batch, until the failing record is
 *   alone, retries it up to `maxRetryAttempts` and writes it to the on-failure destination.
 * - with idempotency (Powertools + DynamoDB, on `eventID`), a record that succeeded once returns its
 *   stored result when delivered again (a timeout or crash mid-batch, a replay from the failure
 *   bucket), so it runs once.
 *
 * Call it once at module scope: the persistence layer is created here, once per cold start.
 */
export function createStreamWorkerHandler<TData = unknown, TResult = unknown>(
  recordFunction: StreamRecordFunction<TData, TResult>,
  options: StreamWorkerHandlerOptions = {},
): (event: KinesisStreamEvent | DynamoDBStreamEvent, context: Context) => Promise<StreamBatchResponse> {
  const dataMode = options.data ?? 'json';
  const idempotency = createIdempotentRunner(options.idempotency, { eventKeyJmesPath: 'eventID', expiresAfterSeconds: 86400 });

  const processBatch = async (event: KinesisStreamEvent | DynamoDBStreamEvent, context: Context): Promise<StreamBatchResponse> => {
    // A bad idempotency configuration fails the invocation here, before any record runs.
    const once = await idempotency?.forInvocation(context);
    const records = (event.Records ?? []) as StreamRecord[];
    if (records.length === 0) return { batchItemFailures: [] };
    const kinesis = isKinesis(records[0]);
    let firstFailed: string | undefined;

    const handleRecord = (record: StreamRecord) => withLogKeys({ eventId: eventIdOf(record) }, async () => {
      const eventId = eventIdOf(record);
      if (firstFailed !== undefined) throw new SkippedAfterFailureError(eventId, firstFailed);
      try {
        const item = (isKinesis(record) ? decodeKinesis(record, dataMode) : decodeDynamoDb(record)) as StreamItem<TData>;
        // The stream record is what the key is read from; the decoded item reaches the function through the closure only.
        const run = async () => recordFunction(item, record, context);
        return once ? await once(record, run) : await run();
      } catch (thrown) {
        firstFailed = eventId;
        const error = toError(thrown);
        logger.error('record failed; the rest of the batch waits for it', { error });
        throw error;
      }
    });

    const processor = new BatchProcessor(kinesis ? EventType.KinesisDataStreams : EventType.DynamoDBStreams);
    try {
      // Powertools types the event and context with @types/aws-lambda; these are subsets of those shapes.
      const response = await processPartialResponse(event as never, handleRecord as never, processor, { context: context as never, processInParallel: false });
      if (response.batchItemFailures.length > 0) {
        logger.warn('batch stopped at a failed record', {
          records: records.length, processed: records.length - response.batchItemFailures.length, firstFailed,
        });
      }
      return response as StreamBatchResponse;
    } catch (err) {
      logger.warn('the first record of the batch failed: failing the invocation so Lambda bisects the batch', {
        records: records.length, firstFailed,
      });
      throw err;
    }
  };

  return (event, context) => runInvocation(context, () => processBatch(event, context));
}
