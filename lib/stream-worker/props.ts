import type { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { PatternAlarmProps } from '../core/alarms';
import type { ExpectedLoad } from '../core/load';
import type { PatternFunctionProps } from '../serverless-function/pattern-function';
import type { HandlerCode } from '../core/handler';
import type { StreamFailureDestination } from './failure-destination';
import type { StreamSource } from './stream-source';
import type { StreamWorkerAlarms } from './alarms';

/** Idempotency of a StreamWorker: a record delivered again (timeout, crash, replay) runs once. */
export interface StreamWorkerIdempotencyProps {
  /**
   * Turn idempotency on or off.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * An existing table with a string partition key `id` and TTL attribute `expiration`
   * (the Powertools layout).
   * @default - the stack's shared table (see `sharedTable`)
   */
  readonly table?: dynamodb.ITable;
  /**
   * Keep the records in the one idempotency table of the stack (`IdempotencyTable.forStack`),
   * shared by every worker of this library in the stack, under this worker's own key prefix
   * (`IDEMPOTENCY_KEY_PREFIX`) that its role alone may touch (`dynamodb:LeadingKeys`). `false`
   * creates a table for this worker alone (the 0.1 default), e.g. for a handler of your own that
   * keys records without that prefix. An error together with `table`.
   * @default true
   */
  readonly sharedTable?: boolean;
  /**
   * How long a processed record is remembered. Keep it above the time a record can be delivered
   * again: the stream's retention, or longer if you replay failure records later. Whole seconds,
   * 1 second to 365 days (the longest Kinesis keeps a record).
   * @default Duration.hours(24)
   */
  readonly ttl?: Duration;
  /**
   * JMESPath into the stream record that identifies it. `eventID` is unique per record for both
   * sources (`shardId-...:<sequence number>` for Kinesis); use e.g. `kinesis.sequenceNumber` or
   * `dynamodb.SequenceNumber`, or a business key such as `powertools_json(...)`.
   * @see https://docs.powertools.aws.dev/lambda/typescript/latest/features/idempotency/
   * @default 'eventID'
   */
  readonly eventKeyJmesPath?: string;
}

/** Properties of a StreamWorker. */
export interface StreamWorkerProps extends PatternFunctionProps, PatternAlarmProps {
  /**
   * Threshold, period, evaluation periods and datapoints of each alarm, or `enabled: false` to turn
   * one alarm off.
   * @default - every alarm on, with the defaults listed on `StreamWorkerAlarms`
   */
  readonly alarms?: StreamWorkerAlarms;
  /**
   * The worker code. Wrap your per-record function with `createStreamWorkerHandler` from
   * `@cdk-serverless-patterns/runtime/stream-worker`: it stops at the first failure of a batch and
   * reports it, as this worker's retry semantics assume.
   */
  readonly handler: HandlerCode;
  /**
   * The stream to consume: `StreamSource.kinesis(stream)`, `StreamSource.dynamoDb(table)` or
   * `StreamSource.newKinesisStream()`.
   * @default StreamSource.newKinesisStream(): on-demand, encrypted, 24-hour retention
   */
  readonly source?: StreamSource;
  /**
   * Records per invocation (1 to 10000). Batches hold records of one shard.
   * @see https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html#services-kinesis-batching
   * @default 100
   */
  readonly batchSize?: number;
  /**
   * How long to gather records before invoking (0 to 300 seconds, whole seconds).
   * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html#invocation-eventsourcemapping-batching
   * @default - no batching window
   */
  readonly maxBatchingWindow?: Duration;
  /**
   * Batches processed concurrently per shard (1 to 10). Order then holds per partition key
   * (Kinesis) or item (DynamoDB), not per shard. Concurrency = shards x this factor.
   * @see https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html#services-kinesis-parallelization
   * @default 1
   */
  readonly parallelizationFactor?: number;
  /**
   * Times Lambda retries a failing batch (0 to 10000) before it writes the batch to the
   * on-failure destination and moves on. The partial response at a poison record and each
   * bisection after it count as retries, so keep it at least ceil(log2(batchSize - 1)) + 1 (8 for
   * 100, 10 up to 513), or a poison record is discarded together with the good records still
   * batched with it (a warning says how many). -1 (unbounded) is an error.
   * @see https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html
   * @default 10
   */
  readonly maxRetryAttempts?: number;
  /**
   * Age after which Lambda stops retrying a record and writes it to the on-failure destination
   * (60 seconds to 7 days; below the stream's retention, or the stream deletes records first).
   * Also bounds retries of throttled invocations, which do not count as attempts.
   * @see https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html#lambda-CreateEventSourceMapping-request-MaximumRecordAgeInSeconds
   * @default Duration.hours(12)
   */
  readonly maxRecordAge?: Duration;
  /**
   * Where to start reading when the mapping is created. `AT_TIMESTAMP` (Kinesis only) needs
   * `startingPositionTimestamp`.
   * @default lambda.StartingPosition.TRIM_HORIZON: every record still in the stream
   */
  readonly startingPosition?: lambda.StartingPosition;
  /**
   * Unix time in seconds to start reading from, with `startingPosition` `AT_TIMESTAMP`.
   * @default - none
   */
  readonly startingPositionTimestamp?: number;
  /**
   * Tumbling window (0 to 900 seconds, whole seconds): Lambda passes state between invocations
   * of a window. Your handler must then return `state` itself (the bundled runtime does not).
   * @see https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-windows.html
   * @default - no tumbling window
   */
  readonly tumblingWindow?: Duration;
  /**
   * Event filters (at most 5, each `lambda.FilterCriteria.filter({...})`). Records that match
   * no filter are skipped and checkpointed, never delivered.
   * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html
   * @default - every record is delivered
   */
  readonly filters?: Array<{ [key: string]: any }>;
  /**
   * Where discarded batches go. A bucket keeps the records themselves; a queue or topic gets only
   * their sequence numbers (a warning says so).
   * @default - a created S3 bucket (SSE-S3, SSL enforced, objects expire after `failureRecordRetention`)
   */
  readonly onFailure?: StreamFailureDestination;
  /**
   * How long the created failure bucket keeps a failure record (1 day or more, whole days).
   * Only for the bucket the worker creates.
   * @default Duration.days(30)
   */
  readonly failureRecordRetention?: Duration;
  /**
   * Reserved concurrency of the function. Below shards x `parallelizationFactor` the shards wait
   * for each other: an error when the shard count is known, a warning otherwise.
   * @default - unreserved
   */
  readonly reservedConcurrency?: number;
  /**
   * Function timeout (1 second to 15 minutes).
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;
  /**
   * Idempotency settings.
   * @default - on, with a created table, a 24-hour TTL and the key `eventID`
   */
  readonly idempotency?: StreamWorkerIdempotencyProps;
  /**
   * Iterator age that raises the IteratorAgeAlarm: how far behind the newest record the worker
   * may fall.
   * @default - half of maxRecordAge (6 hours with the defaults)
   */
  readonly iteratorAgeAlarmThreshold?: Duration;
  /**
   * Traffic this worker expects, for the synth-time cost report (ServerlessCostReport): records
   * per month, average duration per record, records per invocation, payload size, failure rate.
   * @default - no estimate for this construct
   */
  readonly expectedLoad?: ExpectedLoad;
}
