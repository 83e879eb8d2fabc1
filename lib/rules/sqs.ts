import { Duration } from 'aws-cdk-lib';
import { GuardrailRule, GuardrailSeverity } from './ids';
import { defineRule } from './rule';

/** What the SQS visibility rule judges: one queue consumed by one function. Seconds; undefined = unknown. */
export interface SqsVisibilityFacts {
  readonly visibilityTimeoutSeconds?: number;
  readonly functionTimeoutSeconds?: number;
  /** Batching window of the mapping; 0 when none. */
  readonly batchingWindowSeconds?: number;
  /** The queue, to name it in the message (guardrails: its path). */
  readonly queue?: string;
  /** The function, to name it in the message. */
  readonly function?: string;
}

/** 6 x function timeout + batching window, in seconds: the AWS rule for a Lambda SQS source. */
export function minimumVisibilitySeconds(functionTimeoutSeconds: number, batchingWindowSeconds = 0): number {
  return functionTimeoutSeconds * 6 + batchingWindowSeconds;
}

/** The same minimum as a Duration, for constructs deriving a queue's visibility timeout (a token window counts as 0). */
export function minimumVisibilityTimeout(timeout: Duration, window?: Duration): Duration {
  const windowSeconds = window && !window.isUnresolved() ? window.toSeconds() : 0;
  return Duration.seconds(minimumVisibilitySeconds(timeout.toSeconds(), windowSeconds));
}

/**
 * Visibility timeout of a Lambda SQS source >= 6 x function timeout + batching window.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
 */
export const sqsVisibilityRule = defineRule<SqsVisibilityFacts>({
  id: GuardrailRule.SQS_VISIBILITY_TIMEOUT,
  defaultSeverity: GuardrailSeverity.ERROR,
  summary: 'the visibility timeout of a queue Lambda consumes is at least 6 x the function timeout + the batching window',
  check: ({ visibilityTimeoutSeconds: visibility, functionTimeoutSeconds: timeout, batchingWindowSeconds: window = 0, ...names }) => {
    if (visibility === undefined || timeout === undefined) return undefined;
    const minimum = minimumVisibilitySeconds(timeout, window);
    if (visibility >= minimum) return undefined;
    return {
      rule: GuardrailRule.SQS_VISIBILITY_TIMEOUT,
      message: `the visibility timeout${names.queue ? ` of queue ${names.queue}` : ''} (${visibility} s) is below 6 x the `
        + `${names.function ? `timeout of function ${names.function}` : 'function timeout'} (${timeout} s) + the batching window `
        + `(${window} s) = ${minimum} s: messages still being processed become visible again and are processed twice`,
      fix: `set the queue's visibilityTimeout to at least Duration.seconds(${minimum}), or lower the function timeout`,
    };
  },
});

/** What the maxConcurrency rule judges: an SQS event source and its function. */
export interface SqsMaxConcurrencyFacts {
  /** `MaximumConcurrency` of the event source mapping. */
  readonly maxConcurrency?: number;
  /** Reserved concurrency of the function; undefined when unreserved or unknown. */
  readonly reservedConcurrency?: number;
  readonly function?: string;
}

/**
 * An SQS event source's maximum concurrency must not exceed its function's reserved concurrency.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html
 */
export const sqsMaxConcurrencyRule = defineRule<SqsMaxConcurrencyFacts>({
  id: GuardrailRule.SQS_MAX_CONCURRENCY,
  defaultSeverity: GuardrailSeverity.ERROR,
  summary: 'the maximum concurrency of an SQS event source is at most the reserved concurrency of its function',
  check: ({ maxConcurrency: max, reservedConcurrency: reserved, function: fn }) => {
    if (max === undefined || reserved === undefined || max <= reserved) return undefined;
    return {
      rule: GuardrailRule.SQS_MAX_CONCURRENCY,
      message: `maximum concurrency ${max} of the SQS event source exceeds the reserved concurrency ${reserved}${fn ? ` of ${fn}` : ''}: `
        + 'the poller invokes beyond the reserve, gets throttled, and throttled batches count as receives that push healthy '
        + 'messages toward the dead-letter queue',
      fix: `lower maxConcurrency to ${reserved} or raise reservedConcurrency to ${max}`,
    };
  },
});

/** What the redrive rule judges: a queue Lambda consumes. */
export interface SqsSourceRedriveFacts {
  /** Whether the queue has a redrive policy (a dead-letter queue); undefined when it cannot be seen. */
  readonly hasRedrivePolicy?: boolean;
  /** The event source mappings (or constructs) consuming it, to name them. */
  readonly consumers?: string[];
}

/**
 * A queue consumed by Lambda has a redrive policy, so a record that always fails ends in a DLQ.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 */
export const sqsSourceRedriveRule = defineRule<SqsSourceRedriveFacts>({
  id: GuardrailRule.SQS_SOURCE_REDRIVE,
  defaultSeverity: GuardrailSeverity.ERROR,
  summary: 'a queue Lambda consumes has a redrive policy (dead-letter queue)',
  check: ({ hasRedrivePolicy, consumers }) => {
    if (hasRedrivePolicy !== false) return undefined;
    return {
      rule: GuardrailRule.SQS_SOURCE_REDRIVE,
      message: `this queue feeds Lambda${consumers && consumers.length > 0 ? ` (${consumers.join(', ')})` : ''} but has no redrive `
        + 'policy: a record that always fails is retried until the retention period ends and is then lost, blocking its batch each time',
      fix: 'give the queue a deadLetterQueue ({ queue: dlq, maxReceiveCount: 5 }), or let SqsWorker create the queue',
    };
  },
});

/** What the partial batch response rule judges: an SQS event source mapping. */
export interface SqsPartialBatchFacts {
  /** Whether `FunctionResponseTypes` includes `ReportBatchItemFailures`. */
  readonly reportBatchItemFailures?: boolean;
}

/**
 * An SQS event source reports batch item failures, so one bad record does not replay its batch.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting
 */
export const sqsPartialBatchRule = defineRule<SqsPartialBatchFacts>({
  id: GuardrailRule.SQS_PARTIAL_BATCH_RESPONSE,
  defaultSeverity: GuardrailSeverity.WARNING,
  summary: 'an SQS event source mapping reports batch item failures',
  check: ({ reportBatchItemFailures }) => {
    if (reportBatchItemFailures !== false) return undefined;
    return {
      rule: GuardrailRule.SQS_PARTIAL_BATCH_RESPONSE,
      message: 'the SQS event source mapping does not report batch item failures, so one failed record makes the whole batch '
        + 'visible again and every record in it is processed again',
      fix: 'set reportBatchItemFailures: true on the event source and return { batchItemFailures } from the handler (SqsWorker does both)',
    };
  },
});
