import { PATTERN_ALARM_PROPS, type KnownProps } from '../core/known-props';
import { PATTERN_FUNCTION_PROPS } from '../serverless-function/known-props';
import type { DurableFunctionProps } from './props';
import type { DurableFunctionAlarms } from './alarms';

/** The keys of `DurableFunctionProps`. */
export const DURABLE_FUNCTION_PROPS: KnownProps<DurableFunctionProps> = {
  alarms: true,
  ...PATTERN_FUNCTION_PROPS, ...PATTERN_ALARM_PROPS, handler: true, timeout: true, reservedConcurrency: true,
  executionTimeout: true, retentionPeriod: true, executionDataKey: true, aliasName: true, retryAttempts: true,
  maxEventAge: true, onFailure: true, onSuccess: true, expectedLoad: true, workload: true,
};

/** The keys of `DurableFunctionAlarms`. */
export const DURABLE_FUNCTION_ALARMS: KnownProps<DurableFunctionAlarms> = {
  executionsFailed: true, executionsTimedOut: true, compensationFailed: true, failureQueue: true, throttles: true,
};
