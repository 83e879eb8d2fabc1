import type { DynamoDBRecord, KinesisStreamRecord } from './types';

/**
 * A failure record Lambda writes for a discarded stream batch, read back for recovery.
 *
 * Shape (Kinesis: `KinesisBatchInfo`; DynamoDB: `DDBStreamBatchInfo`):
 * `{ version, timestamp, requestContext: { requestId, functionArn, condition, approximateInvokeCount },
 *    responseContext: { statusCode, executedVersion, functionError }, KinesisBatchInfo: { shardId,
 *    startSequenceNumber, endSequenceNumber, approximateArrivalOfFirstRecord,
 *    approximateArrivalOfLastRecord, batchSize, streamArn }, payload }` where `payload`, the whole
 * invocation event, is only written to S3 destinations (SQS and SNS get the rest).
 * @see https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html
 */
export interface StreamFailureRecord {
  readonly source: 'kinesis' | 'dynamodb';
  /** `RetryAttemptsExhausted` or `RecordAgeExceeded`. */
  readonly condition: string;
  readonly approximateInvokeCount?: number;
  readonly functionError?: string;
  readonly shardId: string;
  readonly startSequenceNumber: string;
  readonly endSequenceNumber: string;
  readonly batchSize: number;
  readonly streamArn: string;
  /** The discarded records in shard order, when the destination kept them (S3); undefined otherwise. */
  readonly records?: Array<KinesisStreamRecord | DynamoDBRecord>;
}

/** Thrown for a document that is not a stream failure record. */
export class NotAStreamFailureRecordError extends Error {
  constructor(reason: string) {
    super(`not a Lambda stream failure record: ${reason}`);
    this.name = 'NotAStreamFailureRecordError';
  }
}

/**
 * Reads a failure record (an S3 object's body, an SQS message body, or the parsed JSON).
 * `payload` may be the event as a JSON string or as an object; both are accepted.
 */
export function parseStreamFailureRecord(document: string | Record<string, unknown>): StreamFailureRecord {
  let doc: any;
  try {
    doc = typeof document === 'string' ? JSON.parse(document) : document;
  } catch (err) {
    throw new NotAStreamFailureRecordError(`not JSON (${(err as Error).message})`);
  }
  const kinesis = doc?.KinesisBatchInfo;
  const info = kinesis ?? doc?.DDBStreamBatchInfo;
  if (!info || typeof info.shardId !== 'string') throw new NotAStreamFailureRecordError('no KinesisBatchInfo or DDBStreamBatchInfo');
  let records: Array<KinesisStreamRecord | DynamoDBRecord> | undefined;
  if (doc.payload !== undefined) {
    const payload = typeof doc.payload === 'string' ? JSON.parse(doc.payload) : doc.payload;
    if (!Array.isArray(payload?.Records)) throw new NotAStreamFailureRecordError('payload has no Records');
    records = payload.Records;
  }
  return {
    source: kinesis ? 'kinesis' : 'dynamodb',
    condition: String(doc.requestContext?.condition ?? 'unknown'),
    approximateInvokeCount: doc.requestContext?.approximateInvokeCount,
    functionError: doc.responseContext?.functionError,
    shardId: info.shardId,
    startSequenceNumber: String(info.startSequenceNumber),
    endSequenceNumber: String(info.endSequenceNumber),
    batchSize: Number(info.batchSize),
    streamArn: String(info.streamArn),
    records,
  };
}
