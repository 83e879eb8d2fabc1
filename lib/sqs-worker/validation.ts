import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { Defaults } from '../core/defaults';
import {
  areResolved, invalidProp, validateDurationRange, validateIdempotencyTtl, validateIntegerRange, warn,
} from '../core/validation';
import { AWS_LIMITS, SQS_PROVISIONED_POLLERS } from '../rules/limits';
import { enforce } from '../rules/rule';
import { sqsMaxConcurrencyRule, sqsVisibilityRule } from '../rules/sqs';
import type { SqsWorkerProps } from './props';

/** SQS source queue limits. */
const MAX_VISIBILITY_TIMEOUT = Duration.seconds(AWS_LIMITS.sqsVisibilityTimeout.max);
/** Longest message retention SQS allows. */
const MAX_SQS_RETENTION = Duration.seconds(AWS_LIMITS.sqsRetention.max);
const FIFO_MAX_BATCH = AWS_LIMITS.sqsFifoBatchSize.max;
const MAX_BATCH_WITHOUT_WINDOW = AWS_LIMITS.sqsBatchSizeWithoutWindow.max;

/** Seconds of a duration, or undefined when it is a token (the rules then cannot tell). */
export function knownSeconds(duration: Duration | undefined): number | undefined {
  return duration && !duration.isUnresolved() ? duration.toSeconds() : undefined;
}

/** Validates an SqsWorker's props, once, before anything is created. */
export function validateSqsWorker(scope: Construct, props: SqsWorkerProps, fifo: boolean, batchSize: number, maxReceiveCount: number): void {
  validateQueueProps(scope, props);
  validateIdempotencyTtl(scope, 'idempotency.ttl', props.idempotency?.ttl, MAX_SQS_RETENTION,
    `SQS keeps a message at most ${MAX_SQS_RETENTION.toHumanString()}, so no delivery of it comes later and a longer TTL only keeps `
      + 'records nobody reads');
  validateFifoQueue(scope, props, fifo);
  const { sqsMaxReceiveCount: receives, sqsBatchSize: batch, sqsMaxConcurrency: concurrency, lambdaReservedConcurrency: reserved } = AWS_LIMITS;
  validateIntegerRange(scope, 'maxReceiveCount', maxReceiveCount, receives.min, receives.max,
    `set maxReceiveCount between ${receives.min} and ${receives.max}; AWS advises at least 5 for Lambda sources`);
  validateIntegerRange(scope, 'batchSize', batchSize, batch.min, batch.max);
  validateIntegerRange(scope, 'maxConcurrency', props.maxConcurrency, concurrency.min, concurrency.max);
  validateIntegerRange(scope, 'reservedConcurrency', props.reservedConcurrency, reserved.min, reserved.max);
  validateDurationRange(scope, 'maxBatchingWindow', props.maxBatchingWindow, Duration.seconds(AWS_LIMITS.batchingWindow.min),
    Duration.seconds(AWS_LIMITS.batchingWindow.max));
  validateDurationRange(scope, 'visibilityTimeout', props.visibilityTimeout, Duration.seconds(0), MAX_VISIBILITY_TIMEOUT);
  validateBatching(scope, props, fifo, batchSize);
  validateConcurrency(scope, props);
  validateProvisionedPollers(scope, props);

  // A function passed with HandlerCode.fromFunction() brings its own timeout; check against it.
  const existing = props.handler.existingFunction;
  const timeout = props.timeout
    ?? (existing ? (existing instanceof lambda.Function ? existing.timeout : undefined) : Defaults.timeouts.sqsWorker);
  if (timeout?.isUnresolved() && !props.visibilityTimeout && !props.queue) {
    invalidProp(scope, 'visibilityTimeout', 'must be given when \'timeout\' is a token: the queue\'s visibility timeout is '
      + 'derived as 6 x timeout + maxBatchingWindow, which cannot be computed from a value known only at deploy time',
    'set visibilityTimeout to at least 6 x the largest timeout you deploy plus maxBatchingWindow (e.g. Duration.minutes(6) '
      + 'for timeouts up to 1 minute), or pass a concrete timeout');
  }
  enforce(scope, 'visibilityTimeout', sqsVisibilityRule.check({
    visibilityTimeoutSeconds: knownSeconds(props.visibilityTimeout),
    functionTimeoutSeconds: knownSeconds(timeout),
    batchingWindowSeconds: knownSeconds(props.maxBatchingWindow) ?? 0,
  }));
}

function validateQueueProps(scope: Construct, props: SqsWorkerProps): void {
  if (!props.queue) {
    if (props.deadLetterQueue) {
      invalidProp(scope, 'deadLetterQueue', 'names the dead-letter queue of an existing queue, and no queue was given',
        'leave deadLetterQueue unset (the worker creates the queue with its dead-letter queue), or pass queue too');
    }
    return;
  }
  const known = props.queue instanceof sqs.Queue ? props.queue.deadLetterQueue?.queue : undefined;
  if (props.deadLetterQueue && known && known !== props.deadLetterQueue) {
    invalidProp(scope, 'deadLetterQueue', `is not the dead-letter queue of the given queue (its redrive policy names ${known.node.path})`,
      'leave deadLetterQueue unset for a queue of this app: the worker reads it from the queue');
  }
  const queueProps = (['visibilityTimeout', 'encryptionKey', ...FIFO_QUEUE_PROPS] as const).filter((name) => props[name] !== undefined);
  if (queueProps.length > 0) {
    invalidProp(scope, queueProps[0], 'configures the queue SqsWorker creates, and an existing queue was given, so it would be ignored',
      `set ${queueProps.join(', ')} on your own queue, or leave queue unset`);
  }
  if (props.fifo !== undefined && props.fifo !== props.queue.fifo) {
    invalidProp(scope, 'fifo', `is ${props.fifo}, but the given queue is ${props.queue.fifo ? 'a FIFO' : 'a standard'} queue`,
      'leave fifo unset to follow the given queue, or pass a queue of the matching type');
  }
}

/** Settings of the FIFO source queue SqsWorker creates. */
const FIFO_QUEUE_PROPS = ['contentBasedDeduplication', 'deduplicationScope', 'fifoThroughputLimit'] as const;

/**
 * The FIFO settings apply to a FIFO queue only; per-message-group throughput needs per-group
 * deduplication ("The perMessageGroupId value is allowed only when the value for
 * DeduplicationScope is messageGroup").
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
 */
function validateFifoQueue(scope: Construct, props: SqsWorkerProps, fifo: boolean): void {
  const given = FIFO_QUEUE_PROPS.filter((name) => props[name] !== undefined);
  if (given.length > 0 && !fifo) {
    invalidProp(scope, given[0], 'applies to FIFO queues only, and this worker creates a standard queue',
      `set fifo: true, or remove ${given.join(', ')}`);
  }
  if (props.fifoThroughputLimit === sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID
    && props.deduplicationScope !== sqs.DeduplicationScope.MESSAGE_GROUP) {
    invalidProp(scope, 'fifoThroughputLimit',
      `PER_MESSAGE_GROUP_ID needs deduplication per message group (given deduplicationScope ${props.deduplicationScope ?? 'QUEUE (the default)'})`,
      'set deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP (high-throughput FIFO), or fifoThroughputLimit: sqs.FifoThroughputLimit.PER_QUEUE');
  }
}

function validateBatching(scope: Construct, props: SqsWorkerProps, fifo: boolean, batchSize: number): void {
  const window = props.maxBatchingWindow;
  if (window && !window.isUnresolved() && window.toMilliseconds() % 1000 !== 0) {
    invalidProp(scope, 'maxBatchingWindow', `must be a whole number of seconds (given ${window.toHumanString()})`,
      'round maxBatchingWindow to whole seconds, e.g. Duration.seconds(1)');
  }
  if (areResolved(batchSize)) {
    if (fifo && batchSize > FIFO_MAX_BATCH) {
      invalidProp(scope, 'batchSize', `FIFO queues deliver at most ${FIFO_MAX_BATCH} records per batch (given ${batchSize})`,
        `set batchSize to ${FIFO_MAX_BATCH} or less, or use a standard queue`);
    }
    const windowSeconds = window?.isUnresolved() ? 1 : window?.toSeconds() ?? 0;
    if (batchSize > MAX_BATCH_WITHOUT_WINDOW && windowSeconds === 0) {
      invalidProp(scope, 'batchSize', `a batch size above ${MAX_BATCH_WITHOUT_WINDOW} needs a batching window (given ${batchSize} without maxBatchingWindow)`,
        `set maxBatchingWindow (e.g. Duration.seconds(1)), or lower batchSize to ${MAX_BATCH_WITHOUT_WINDOW}`);
    }
  }
  if (fifo && window && !window.isUnresolved()) {
    invalidProp(scope, 'maxBatchingWindow', `FIFO queues do not support a batching window (given ${window.toHumanString()})`,
      `remove maxBatchingWindow (and keep batchSize at ${FIFO_MAX_BATCH} or less), or use a standard queue`);
  }
}

function validateConcurrency(scope: Construct, props: SqsWorkerProps): void {
  const known = (n: number | undefined) => (areResolved(n) ? n : undefined);
  enforce(scope, 'maxConcurrency', sqsMaxConcurrencyRule.check({
    maxConcurrency: known(props.maxConcurrency),
    reservedConcurrency: known(props.reservedConcurrency),
  }));
  if (areResolved(props.reservedConcurrency) && props.reservedConcurrency! < 5) {
    warn(scope, 'SqsWorker.lowReservedConcurrency',
      `reservedConcurrency ${props.reservedConcurrency} is below 5: the SQS event source starts with 5 concurrent pollers, `
      + 'so invocations will be throttled and messages returned to the queue (and toward the DLQ). '
      + 'Limit concurrency with maxConcurrency instead, or reserve at least 5.');
  }
}

/** Provisioned mode: pollers in AWS's ranges, minimum <= maximum, never with maxConcurrency. Tokens are skipped. */
function validateProvisionedPollers(scope: Construct, props: SqsWorkerProps): void {
  const pollers = props.provisionedPollers;
  if (!pollers) return;
  if (props.maxConcurrency !== undefined) {
    invalidProp(scope, 'provisionedPollers', 'cannot be combined with maxConcurrency: an SQS event source mapping in provisioned '
      + 'mode scales its own pollers and AWS rejects MaximumConcurrency next to ProvisionedPollerConfig',
    'remove maxConcurrency and bound the function with reservedConcurrency (the pollers stop scaling when it throttles), '
    + 'or remove provisionedPollers to keep on-demand polling with maxConcurrency');
  }
  const { minimumPollers: min, maximumPollers: max } = SQS_PROVISIONED_POLLERS;
  validateIntegerRange(scope, 'provisionedPollers.minimumPollers', pollers.minimumPollers, min.min, min.max);
  validateIntegerRange(scope, 'provisionedPollers.maximumPollers', pollers.maximumPollers, max.min, max.max);
  const lowest = pollers.minimumPollers ?? min.default;
  const highest = pollers.maximumPollers ?? max.default;
  if (areResolved(lowest, highest) && lowest > highest) {
    invalidProp(scope, 'provisionedPollers', `minimumPollers (${lowest}) must not exceed maximumPollers (${highest})`,
      `raise maximumPollers to at least ${lowest}, or lower minimumPollers to at most ${highest}`);
  }
}
