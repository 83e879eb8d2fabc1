import type { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { PatternAlarmProps } from '../core/alarms';
import type { PatternFunctionProps } from '../serverless-function/pattern-function';
import type { HandlerCode } from '../core/handler';
import type { ExpectedLoad } from '../core/load';
import type { SqsWorkerAlarms } from './alarms';

/** Idempotency of an SqsWorker: each message is processed once even when delivered twice. */
export interface SqsWorkerIdempotencyProps {
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
   * Keep the records in the one idempotency table of the stack (`IdempotencyTable.forStack`:
   * on-demand, TTL, point-in-time recovery, AWS-managed encryption), shared by every worker of
   * this library in the stack. The worker's records carry its own key prefix
   * (`IDEMPOTENCY_KEY_PREFIX`, which the runtime helper uses) and its role may touch only those
   * (`dynamodb:LeadingKeys`). `false` creates a table for this worker alone, the 0.1 default: pick
   * it for a handler of your own that keys records without that prefix, or for a table of its own
   * settings. An error together with `table`.
   * @default true
   */
  readonly sharedTable?: boolean;
  /**
   * How long a processed message is remembered. Must exceed the time a message can be
   * redelivered (the queue's retention) if duplicates may arrive that late. Whole seconds, 1 second
   * to 14 days (the longest SQS keeps a message, so no redelivery comes later).
   * @default Duration.hours(1)
   */
  readonly ttl?: Duration;
  /**
   * JMESPath into the SQS record that identifies a message, e.g.
   * `powertools_json(body).orderId` to deduplicate on a business key.
   * @see https://docs.powertools.aws.dev/lambda/typescript/latest/features/idempotency/
   * @default 'messageId'
   */
  readonly eventKeyJmesPath?: string;
}

/**
 * Provisioned mode of an SQS event source mapping: dedicated event pollers, kept between a minimum
 * and a maximum, that scale by up to 1,000 concurrency a minute to up to 20,000 concurrency. Billed
 * per event poller unit (EPU) hour, the minimum around the clock. Excludes `maxConcurrency`.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html
 */
export interface SqsProvisionedPollers {
  /**
   * Event pollers kept at all times (2 to 200, at most `maximumPollers`).
   * @default 2
   */
  readonly minimumPollers?: number;
  /**
   * Most event pollers the mapping scales to (2 to 2000, at least `minimumPollers`).
   * @default 200
   */
  readonly maximumPollers?: number;
}

/**
 * Settings of an SqsWorker other than its code and its queue; FanOutPipeline consumers take
 * these too.
 */
export interface SqsWorkerOptions extends PatternFunctionProps, PatternAlarmProps {
  /**
   * Threshold, period, evaluation periods and datapoints of each alarm, or `enabled: false` to turn
   * one alarm off.
   * @default - every alarm on, with the defaults listed on `SqsWorkerAlarms`
   */
  readonly alarms?: SqsWorkerAlarms;
  /**
   * KMS key for the queues SqsWorker creates (an error together with an existing `queue`).
   * @default - SQS-managed server-side encryption (SSE-SQS)
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Visibility timeout of the source queue. Must be at least 6 x `timeout` + `maxBatchingWindow`,
   * or in-flight messages reappear and are processed twice. Applies to the queue SqsWorker
   * creates (an error together with an existing `queue`).
   * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
   * @default - 6 x timeout + maxBatchingWindow
   */
  readonly visibilityTimeout?: Duration;
  /**
   * Receives before a message moves to the dead-letter queue (1 to 1000).
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * Records per invocation (1 to 10000; at most 10 for FIFO; above 10 needs `maxBatchingWindow`).
   * @default 10
   */
  readonly batchSize?: number;
  /**
   * How long to gather records before invoking (0 to 5 minutes, whole seconds). Not supported
   * on FIFO queues.
   * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html
   * @default - no batching window
   */
  readonly maxBatchingWindow?: Duration;
  /**
   * Most concurrent invocations the SQS poller starts (2 to 1000). Prefer this to reserved
   * concurrency: throttled SQS invocations count as receives and push healthy messages to the DLQ.
   * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html
   * @default - no limit beyond account concurrency
   */
  readonly maxConcurrency?: number;
  /**
   * Provisioned mode of the event source mapping: dedicated pollers between `minimumPollers` and
   * `maximumPollers`, for spiky queues that must drain fast (scales 3x faster, to 20,000
   * concurrency). Billed per event poller unit around the clock (the cost report prices the
   * minimum). An error together with `maxConcurrency` (AWS accepts only one of them): bound the
   * function with `reservedConcurrency` instead.
   * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html
   * @default - on-demand polling (Lambda scales the pollers itself)
   */
  readonly provisionedPollers?: SqsProvisionedPollers;
  /**
   * Reserved concurrency of the function. Must be >= `maxConcurrency` when both are set.
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
   * @default - on, with a created table and a one-hour TTL
   */
  readonly idempotency?: SqsWorkerIdempotencyProps;
  /**
   * Traffic this construct expects, for the synth-time cost report (ServerlessCostReport).
   * @default - no estimate for this construct
   */
  readonly expectedLoad?: ExpectedLoad;
}

/** Properties of an SqsWorker. */
export interface SqsWorkerProps extends SqsWorkerOptions {
  /**
   * The worker code. Wrap your per-record function with `createSqsWorkerHandler` from
   * `@cdk-serverless-patterns/runtime/sqs-worker` so it returns partial batch responses.
   */
  readonly handler: HandlerCode;
  /**
   * An existing source queue. Give it a dead-letter queue yourself; the worker warns if it has none.
   * @default - a queue is created with a dead-letter queue, encryption and SSL enforced
   */
  readonly queue?: sqs.IQueue;
  /**
   * The dead-letter queue of an existing `queue` whose redrive policy the worker cannot read (an
   * imported queue): the worker then alarms on it, and ScheduledJob accepts the worker as a target.
   * Only with `queue`; a queue of this app with a different dead-letter queue is an error.
   * @default - the given queue's own dead-letter queue when it is a queue of this app, else none known
   */
  readonly deadLetterQueue?: sqs.IQueue;
  /**
   * Create FIFO queues (source and dead-letter). Processing then stops at the first failed
   * record of a batch so message-group order holds. With an existing `queue`, it must match
   * the queue's type.
   * @default - the given queue's type (`queue.fifo`), else false
   */
  readonly fifo?: boolean;
  /**
   * Content-based deduplication on the FIFO source queue SqsWorker creates: SQS derives the
   * deduplication id from a SHA-256 of the body, so producers need not send
   * `MessageDeduplicationId`. Without it every `SendMessage` must carry one. Only with
   * `fifo: true` (an error on a standard queue or with an existing `queue`).
   * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/using-messagededuplicationid-property.html
   * @default false
   */
  readonly contentBasedDeduplication?: boolean;
  /**
   * Whether the FIFO source queue deduplicates per message group or per queue. High-throughput
   * FIFO needs `sqs.DeduplicationScope.MESSAGE_GROUP` together with
   * `fifoThroughputLimit: sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID`. Only with `fifo: true`
   * (an error on a standard queue or with an existing `queue`).
   * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/high-throughput-fifo.html
   * @default sqs.DeduplicationScope.QUEUE
   */
  readonly deduplicationScope?: sqs.DeduplicationScope;
  /**
   * Whether the FIFO source queue's throughput quota applies per queue or per message group id.
   * `PER_MESSAGE_GROUP_ID` (high-throughput FIFO) requires
   * `deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP` (AWS rejects it otherwise). Only
   * with `fifo: true` (an error on a standard queue or with an existing `queue`).
   * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
   * @default sqs.FifoThroughputLimit.PER_QUEUE
   */
  readonly fifoThroughputLimit?: sqs.FifoThroughputLimit;
}
