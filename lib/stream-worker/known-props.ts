import { PATTERN_ALARM_PROPS, type KnownProps } from '../core/known-props';
import { PATTERN_FUNCTION_PROPS } from '../serverless-function/known-props';
import type { StreamWorkerProps } from './props';

/** The keys of `StreamWorkerProps`. */
export const STREAM_WORKER_PROPS: KnownProps<StreamWorkerProps> = {
  ...PATTERN_FUNCTION_PROPS, ...PATTERN_ALARM_PROPS, handler: true, source: true, batchSize: true,
  maxBatchingWindow: true, parallelizationFactor: true, maxRetryAttempts: true, maxRecordAge: true,
  startingPosition: true, startingPositionTimestamp: true, tumblingWindow: true, filters: true,
  onFailure: true, failureRecordRetention: true, reservedConcurrency: true, timeout: true,
  idempotency: true, iteratorAgeAlarmThreshold: true, expectedLoad: true,
};
