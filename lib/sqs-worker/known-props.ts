import { PATTERN_ALARM_PROPS, type KnownProps } from '../core/known-props';
import { PATTERN_FUNCTION_PROPS } from '../serverless-function/known-props';
import type { SqsWorkerOptions, SqsWorkerProps } from './props';
import type { SqsWorkerAlarms } from './alarms';

/** The keys of `SqsWorkerOptions`. */
export const SQS_WORKER_OPTIONS: KnownProps<SqsWorkerOptions> = {
  alarms: true,
  ...PATTERN_FUNCTION_PROPS, ...PATTERN_ALARM_PROPS, encryptionKey: true, visibilityTimeout: true,
  maxReceiveCount: true, batchSize: true, maxBatchingWindow: true, maxConcurrency: true,
  reservedConcurrency: true, timeout: true, idempotency: true, expectedLoad: true, provisionedPollers: true,
};

/** The keys of `SqsWorkerProps`. */
export const SQS_WORKER_PROPS: KnownProps<SqsWorkerProps> = {
  ...SQS_WORKER_OPTIONS, handler: true, queue: true, deadLetterQueue: true, fifo: true,
  contentBasedDeduplication: true, deduplicationScope: true, fifoThroughputLimit: true,
};

/** The keys of `SqsWorkerAlarms`. */
export const SQS_WORKER_ALARMS: KnownProps<SqsWorkerAlarms> = {
  deadLetterQueue: true, messageAge: true, errors: true, throttles: true, recursiveInvocationsDropped: true,
};
