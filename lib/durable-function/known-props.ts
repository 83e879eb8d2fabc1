import { PATTERN_ALARM_PROPS, type KnownProps } from '../core/known-props';
import { PATTERN_FUNCTION_PROPS } from '../serverless-function/known-props';
import type { DurableFunctionProps } from './props';

/** The keys of `DurableFunctionProps`. */
export const DURABLE_FUNCTION_PROPS: KnownProps<DurableFunctionProps> = {
  ...PATTERN_FUNCTION_PROPS, ...PATTERN_ALARM_PROPS, handler: true, timeout: true, reservedConcurrency: true,
  executionTimeout: true, retentionPeriod: true, executionDataKey: true, aliasName: true, retryAttempts: true,
  maxEventAge: true, onFailure: true, onSuccess: true, expectedLoad: true, workload: true,
};
