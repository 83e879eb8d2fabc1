import { PATTERN_ALARM_PROPS, type KnownProps } from '../core/known-props';
import { PATTERN_FUNCTION_PROPS } from '../serverless-function/known-props';
import type { StreamWorkerProps } from './props';
import type { StreamWorkerAlarms } from './alarms';

/** The keys of `StreamWorkerProps`. */
export const STREAM_WORKER_PROPS: KnownProps<StreamWorkerProps> = {
  alarms: true,
  ...PATTERN_FUNCTION_PROPS, ...PATTERN_ALARM_PROPS, handler: true, source: true, batchSize: true,
  maxBatchingWindow: true, parallelizationFactor: true, maxRetryAttempts: true, maxRecordAge: true,
  startingPosition: true, startingPositionTimestamp: true, tumblingWindow: true, filters: true,
  onFailure: true, failureRecordRetention: true, reservedConcurrency: true, timeout: true,
  idempotency: true, iteratorAgeAlarmThreshold: true, expectedLoad: true,
};

/** The keys of `StreamWorkerAlarms`. */
export const STREAM_WORKER_ALARMS: KnownProps<StreamWorkerAlarms> = {
  iteratorAge: true, onFailureRecords: true, destinationDeliveryFailures: true, errors: true, throttles: true, recursiveInvocationsDropped: true,
};
