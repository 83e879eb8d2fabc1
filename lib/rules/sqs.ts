import { GuardrailRule, GuardrailSeverity } from './ids';
import { defineRule } from './rule';

/** What the SQS visibility rule judges: one queue consumed by one function. Seconds; undefined = unknown. */
export interface SqsVisibilityFacts {
  readonly visibilityTimeoutSeconds?: number;
  readonly functionTimeoutSeconds?: number;
  /** Batching window of the mapping; 0 when none. */
  readonly batchingWindowSeconds?: number;
}

/** 6 x function timeout + batching window, in seconds: the AWS rule for a Lambda SQS source. */
export function minimumVisibilitySeconds(functionTimeoutSeconds: number, batchingWindowSeconds = 0): number {
  return functionTimeoutSeconds * 6 + batchingWindowSeconds;
}

/**
 * Visibility timeout of a Lambda SQS source >= 6 x function timeout + batching window.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
 */
export const sqsVisibilityRule = defineRule<SqsVisibilityFacts>({
  id: GuardrailRule.SQS_VISIBILITY_TIMEOUT,
  defaultSeverity: GuardrailSeverity.ERROR,
  summary: 'the visibility timeout of a queue Lambda consumes is at least 6 x the function timeout + the batching window',
  check: ({ visibilityTimeoutSeconds: visibility, functionTimeoutSeconds: timeout, batchingWindowSeconds: window = 0 }) => {
    if (visibility === undefined || timeout === undefined) return undefined;
    const minimum = minimumVisibilitySeconds(timeout, window);
    if (visibility >= minimum) return undefined;
    return {
      rule: GuardrailRule.SQS_VISIBILITY_TIMEOUT,
      message: `the visibility timeout (${visibility} s) is below 6 x the function timeout (${timeout} s) + the batching window `
        + `(${window} s) = ${minimum} s: messages still being processed become visible again and are processed twice`,
      fix: `set the queue's visibilityTimeout to at least Duration.seconds(${minimum}), or lower the function timeout`,
    };
  },
});
