import { PATTERN_ALARM_PROPS, type KnownProps } from '../core/known-props';
import { PATTERN_FUNCTION_PROPS } from '../serverless-function/known-props';
import type { AsyncFunctionProps } from './props';
import type { AsyncFunctionAlarms } from './alarms';

/** The keys of `AsyncFunctionProps`. */
export const ASYNC_FUNCTION_PROPS: KnownProps<AsyncFunctionProps> = {
  alarms: true,
  ...PATTERN_FUNCTION_PROPS, ...PATTERN_ALARM_PROPS, handler: true, timeout: true,
  reservedConcurrency: true, retryAttempts: true, maxEventAge: true, onFailure: true, onSuccess: true,
  redrive: true, redriveEnabled: true, expectedLoad: true,
};

/** The keys of `AsyncFunctionAlarms`. */
export const ASYNC_FUNCTION_ALARMS: KnownProps<AsyncFunctionAlarms> = {
  errors: true, throttles: true, destinationDeliveryFailures: true, failureQueue: true, asyncEventsDropped: true, redriveDeadLetterQueue: true, deadLetterErrors: true, recursiveInvocationsDropped: true, redriveRecursiveInvocationsDropped: true,
};
