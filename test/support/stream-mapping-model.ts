import type { Context, DynamoDBRecord, KinesisStreamRecord } from 'aws-lambda';
import { lambdaContext } from './lambda';

/**
 * A model of what the Lambda event source mapping does with one shard of a Kinesis or DynamoDB
 * stream, used to drive the real (bundled) handler. Derived from AWS's documented behaviour, and
 * only that:
 * - a batch holds up to `batchSize` records of one shard, from the checkpoint on, in order
 *   ("Lambda reads records in batches ... from each shard", with-kinesis.html);
 * - a response with no failures checkpoints the whole batch; `batchItemFailures` checkpoints the
 *   records before the **lowest** reported sequence number and retries from it; an empty, null or
 *   unknown `itemIdentifier` makes the batch a complete failure
 *   (services-kinesis-batchfailurereporting.html, "Success and failure conditions");
 * - with `BisectBatchOnFunctionError`, a function error splits the batch in two and retries each
 *   half; a partial failure splits it at the returned sequence number and retries only the
 *   remaining records (same page, "Bisecting a batch");
 * - after `MaximumRetryAttempts` retries, or once records are older than
 *   `MaximumRecordAgeInSeconds`, the batch is discarded: Lambda writes a failure record to the
 *   on-failure destination and continues with the next records (kinesis-on-failure-destination.html);
 *   an S3 destination also gets the whole invocation payload.
 *
 * Assumptions where the docs are silent, chosen as the stricter case for the guarantees the tests
 * assert: the halves of a bisected batch inherit its attempt count (so bisections use up retries),
 * a partial failure counts as an attempt like an error, and a retry without bisect re-reads a full
 * batch from the checkpoint.
 */
export type StreamRecord = KinesisStreamRecord | DynamoDBRecord;
export type StreamHandler = (event: { Records: StreamRecord[] }, context: Context) => Promise<unknown>;

export interface StreamMappingModelOptions {
  readonly source: 'kinesis' | 'dynamodb';
  readonly streamArn: string;
  readonly batchSize: number;
  readonly maxRetryAttempts: number;
  readonly bisectBatchOnFunctionError: boolean;
  /** Records older than this (by arrival) are discarded before an invocation. */
  readonly maxRecordAgeSeconds?: number;
  /** The model's clock, epoch milliseconds. */
  readonly now?: () => number;
  readonly functionArn?: string;
  readonly eventSourceMappingUuid?: string;
  /** Guard against a model or handler bug looping forever. */
  readonly maxInvocations?: number;
}

export interface ModelInvocation {
  readonly shardId: string;
  readonly sequenceNumbers: string[];
  readonly outcome: 'success' | 'partial' | 'error';
  /** Lowest reported sequence number of a partial failure. */
  readonly failedAt?: string;
  /** Failed attempts of this range before this invocation. */
  readonly attempt: number;
}

interface Range { start: number; end: number; attempts: number; lastError: boolean }

export function sequenceOf(record: StreamRecord): string {
  const kinesis = (record as KinesisStreamRecord).kinesis;
  return kinesis ? kinesis.sequenceNumber : (record as DynamoDBRecord).dynamodb!.SequenceNumber!;
}

function arrivalSecondsOf(record: StreamRecord): number {
  const kinesis = (record as KinesisStreamRecord).kinesis;
  return kinesis ? kinesis.approximateArrivalTimestamp : (record as DynamoDBRecord).dynamodb!.ApproximateCreationDateTime!;
}

/** The on-failure destination: an S3 bucket, object key -> body, in write order. */
export type ModelBucket = Map<string, string>;

export class StreamMappingModel {
  public readonly invocations: ModelInvocation[] = [];
  public readonly failureBucket: ModelBucket = new Map();
  private readonly now: () => number;

  constructor(private readonly options: StreamMappingModelOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Invocations of one shard. */
  public invocationsOf(shardId: string): ModelInvocation[] {
    return this.invocations.filter((i) => i.shardId === shardId);
  }

  /** Drives `handler` over every record of the shard until each is checkpointed or discarded. */
  public async drainShard(shardId: string, records: StreamRecord[], handler: StreamHandler): Promise<void> {
    const { batchSize, maxRetryAttempts, bisectBatchOnFunctionError: bisect } = this.options;
    const n = records.length;
    let checkpoint = 0;
    const pending: Range[] = [];
    let guard = 0;
    while (checkpoint < n) {
      if (++guard > (this.options.maxInvocations ?? 10_000)) throw new Error(`shard ${shardId} did not drain`);
      const range = pending.shift() ?? { start: checkpoint, end: Math.min(checkpoint + batchSize, n), attempts: 0, lastError: false };
      if (range.start !== checkpoint) throw new Error(`model bug: range starts at ${range.start}, checkpoint is ${checkpoint}`);
      range.start = this.discardExpired(shardId, records, range);
      checkpoint = range.start;
      if (range.start >= range.end) continue;

      const batch = records.slice(range.start, range.end);
      const sequences = batch.map(sequenceOf);
      const result = await this.invoke(handler, batch);
      const attempt = range.attempts;
      if (result.kind === 'success') {
        this.invocations.push({ shardId, sequenceNumbers: sequences, outcome: 'success', attempt });
        checkpoint = range.end;
        continue;
      }
      const attempts = range.attempts + 1;
      if (result.kind === 'partial') {
        const failed = range.start + result.index;
        this.invocations.push({ shardId, sequenceNumbers: sequences, outcome: 'partial', failedAt: sequences[result.index], attempt });
        checkpoint = failed;
        const rest: Range = { start: failed, end: bisect ? range.end : Math.min(failed + batchSize, n), attempts, lastError: false };
        if (attempts > maxRetryAttempts) {
          this.discard(shardId, records.slice(rest.start, range.end), 'RetryAttemptsExhausted', attempts, false);
          checkpoint = range.end;
        } else {
          pending.unshift(rest);
        }
        continue;
      }
      this.invocations.push({ shardId, sequenceNumbers: sequences, outcome: 'error', attempt });
      if (attempts > maxRetryAttempts) {
        this.discard(shardId, batch, 'RetryAttemptsExhausted', attempts, true);
        checkpoint = range.end;
      } else if (bisect && batch.length > 1) {
        const mid = range.start + Math.ceil(batch.length / 2);
        pending.unshift({ start: range.start, end: mid, attempts, lastError: true }, { start: mid, end: range.end, attempts, lastError: true });
      } else {
        pending.unshift({ ...range, attempts, lastError: true });
      }
    }
  }

  /** Discards the leading records older than the maximum record age; returns the new range start. */
  private discardExpired(shardId: string, records: StreamRecord[], range: Range): number {
    const maxAge = this.options.maxRecordAgeSeconds;
    if (maxAge === undefined) return range.start;
    let i = range.start;
    while (i < range.end && this.now() / 1000 - arrivalSecondsOf(records[i]) > maxAge) i++;
    if (i > range.start) this.discard(shardId, records.slice(range.start, i), 'RecordAgeExceeded', range.attempts, range.lastError);
    return i;
  }

  private async invoke(handler: StreamHandler, batch: StreamRecord[]):
  Promise<{ kind: 'success' } | { kind: 'partial'; index: number } | { kind: 'error' }> {
    let response: unknown;
    try {
      response = await handler({ Records: batch }, lambdaContext());
    } catch {
      return { kind: 'error' };
    }
    const failures = (response as { batchItemFailures?: Array<{ itemIdentifier?: unknown }> } | null | undefined)?.batchItemFailures;
    if (!failures || failures.length === 0) return { kind: 'success' };
    const sequences = batch.map(sequenceOf);
    const indexes = failures.map((f) => (typeof f?.itemIdentifier === 'string' ? sequences.indexOf(f.itemIdentifier) : -1));
    // An empty, null or unknown identifier makes the whole batch a failure.
    if (indexes.some((i) => i < 0)) return { kind: 'error' };
    const lowest = indexes.reduce((a, b) => (BigInt(sequences[b]) < BigInt(sequences[a]) ? b : a));
    return { kind: 'partial', index: lowest };
  }

  /** Writes the failure record (with the payload, as Lambda does for S3 destinations). */
  private discard(shardId: string, batch: StreamRecord[], condition: string, attempts: number, functionError: boolean): void {
    const timestamp = new Date(this.now()).toISOString();
    const arrivals = batch.map((r) => new Date(arrivalSecondsOf(r) * 1000).toISOString());
    const batchInfo = {
      shardId,
      startSequenceNumber: sequenceOf(batch[0]),
      endSequenceNumber: sequenceOf(batch[batch.length - 1]),
      approximateArrivalOfFirstRecord: arrivals[0],
      approximateArrivalOfLastRecord: arrivals[arrivals.length - 1],
      batchSize: batch.length,
      streamArn: this.options.streamArn,
    };
    const document = {
      requestContext: {
        requestId: `model-${this.failureBucket.size + 1}`,
        functionArn: this.options.functionArn ?? 'arn:aws:lambda:us-east-1:123456789012:function:worker',
        condition,
        approximateInvokeCount: attempts,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', ...(functionError ? { functionError: 'Unhandled' } : {}) },
      version: '1.0',
      timestamp,
      [this.options.source === 'kinesis' ? 'KinesisBatchInfo' : 'DDBStreamBatchInfo']: batchInfo,
      payload: JSON.stringify({ Records: batch }),
    };
    const day = timestamp.slice(0, 10).replace(/-/g, '/');
    const key = `aws/lambda/${this.options.eventSourceMappingUuid ?? 'model-esm'}/${shardId}/${day}/${timestamp}-${this.failureBucket.size + 1}`;
    this.failureBucket.set(key, JSON.stringify(document));
  }
}
