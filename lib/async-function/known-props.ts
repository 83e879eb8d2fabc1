import { PATTERN_ALARM_PROPS, type KnownProps } from '../core/known-props';
import { PATTERN_FUNCTION_PROPS } from '../serverless-function/known-props';
import type { AsyncFunctionProps } from './props';

/** The keys of `AsyncFunctionProps`. */
export const ASYNC_FUNCTION_PROPS: KnownProps<AsyncFunctionProps> = {
  ...PATTERN_FUNCTION_PROPS, ...PATTERN_ALARM_PROPS, handler: true, timeout: true,
  reservedConcurrency: true, retryAttempts: true, maxEventAge: true, onFailure: true, onSuccess: true,
  redrive: true, redriveEnabled: true, expectedLoad: true,
};
