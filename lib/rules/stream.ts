import { GuardrailRule, GuardrailSeverity } from './ids';
import { AWS_LIMITS, durationCode } from './limits';
import { defineRule, RuleViolation } from './rule';

/**
 * The rules of a Kinesis or DynamoDB Streams event source mapping. StreamWorker enforces them on
 * the mapping it is about to create; the guardrails check any stream mapping of the app with them.
 *
 * Lambda's behaviour they protect against:
 * - a function error (or a partial batch response) retries the batch; retries are unbounded
 *   (`MaximumRetryAttempts` -1) and records never age out (`MaximumRecordAgeInSeconds` -1) unless
 *   set, so one poison record blocks its shard until the stream's retention drops it;
 * - without `BisectBatchOnFunctionError` a bounded retry count discards the good records batched
 *   with a poison one;
 * - without an on-failure destination the discarded batch leaves no trace;
 * - without `ReportBatchItemFailures` every failure replays the whole batch.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html
 */

/** Lambda's "infinite" value of `MaximumRetryAttempts` and `MaximumRecordAgeInSeconds`. */
export const STREAM_UNBOUNDED = AWS_LIMITS.streamRetryAttempts.default;
/** AWS range of `MaximumRecordAgeInSeconds` (besides -1). */
export const STREAM_RECORD_AGE_RANGE_SECONDS = { min: AWS_LIMITS.streamRecordAge.min, max: AWS_LIMITS.streamRecordAge.max } as const;
/** Retention of a DynamoDB stream (fixed) and the default retention of a Kinesis stream. */
export const DEFAULT_STREAM_RETENTION_SECONDS = AWS_LIMITS.streamRetention.default;

/** What the stream rules judge: one mapping as synthesized. undefined = unknown (no finding). */
export interface StreamMappingFacts {
  readonly bisectBatchOnFunctionError?: boolean;
  /** -1 = unbounded (also what an absent property means). */
  readonly maximumRetryAttempts?: number;
  /** -1 = unbounded (also what an absent property means). */
  readonly maximumRecordAgeSeconds?: number;
  /** Retention of the source stream in seconds, when known. */
  readonly streamRetentionSeconds?: number;
  readonly hasOnFailureDestination?: boolean;
  readonly reportBatchItemFailures?: boolean;
}

/** A failing batch is split in two until the poison record is alone. */
export const streamBisectRule = defineRule<StreamMappingFacts>({
  id: GuardrailRule.STREAM_BISECT,
  defaultSeverity: GuardrailSeverity.WARNING,
  summary: 'a stream mapping splits a failing batch (BisectBatchOnFunctionError) so a poison record is isolated',
  check: ({ bisectBatchOnFunctionError: bisect }) => (bisect !== false ? undefined : {
    rule: GuardrailRule.STREAM_BISECT,
    message: 'the stream mapping does not bisect a failing batch: when the retries run out, the good records batched '
      + 'with a poison record are discarded together with it',
    fix: 'set bisectBatchOnError: true on the event source (StreamWorker does)',
  }),
});

/** Retries are bounded, so a poison record cannot block its shard until the stream drops it. */
export const streamRetriesRule = defineRule<StreamMappingFacts>({
  id: GuardrailRule.STREAM_RETRIES,
  defaultSeverity: GuardrailSeverity.ERROR,
  summary: 'a stream mapping bounds its retries (MaximumRetryAttempts 0..10000, not -1)',
  check: ({ maximumRetryAttempts: retries }) => (retries !== STREAM_UNBOUNDED ? undefined : {
    rule: GuardrailRule.STREAM_RETRIES,
    message: 'the stream mapping retries a failing batch without limit (MaximumRetryAttempts -1, the default): one poison '
      + 'record blocks its shard until the stream\'s retention drops it, and every record behind it waits',
    fix: 'set retryAttempts (e.g. 10) and bisectBatchOnError: true on the event source, with an onFailure destination',
  }),
});

/**
 * Records age out before the stream drops them: with -1 a throttled or lagging shard waits up to the
 * retention, and a record the stream trims first never reaches the on-failure destination.
 */
export const streamRecordAgeRule = defineRule<StreamMappingFacts>({
  id: GuardrailRule.STREAM_RECORD_AGE,
  defaultSeverity: GuardrailSeverity.WARNING,
  summary: 'a stream mapping bounds the record age (MaximumRecordAgeInSeconds), below the stream\'s retention',
  check: ({ maximumRecordAgeSeconds: age, streamRetentionSeconds: retention }): RuleViolation | undefined => {
    if (age === STREAM_UNBOUNDED) {
      return {
        rule: GuardrailRule.STREAM_RECORD_AGE,
        message: 'the stream mapping never ages records out (MaximumRecordAgeInSeconds -1, the default): while the function '
          + 'is throttled Lambda retries without counting attempts, so the shard waits until the stream\'s retention '
          + 'deletes the records, which then reach no on-failure destination',
        fix: `set maxRecordAge below the stream's retention (e.g. ${durationCode(DEFAULT_STREAM_RETENTION_SECONDS / 2, 'hours')} `
          + `for a ${DEFAULT_STREAM_RETENTION_SECONDS / 3600}-hour stream)`,
      };
    }
    if (age === undefined || retention === undefined || age < retention) return undefined;
    return {
      rule: GuardrailRule.STREAM_RECORD_AGE,
      message: `the maximum record age (${age} s) is not below the stream's retention (${retention} s): the stream deletes `
        + 'a blocked record before Lambda discards it, so it never reaches the on-failure destination',
      fix: `set maxRecordAge below Duration.seconds(${retention}), or raise the stream's retention`,
    };
  },
});

/** A discarded batch is written somewhere. */
export const streamOnFailureRule = defineRule<StreamMappingFacts>({
  id: GuardrailRule.STREAM_ON_FAILURE,
  defaultSeverity: GuardrailSeverity.ERROR,
  summary: 'a stream mapping has an on-failure destination for the batches it discards',
  check: ({ hasOnFailureDestination: has }) => (has !== false ? undefined : {
    rule: GuardrailRule.STREAM_ON_FAILURE,
    message: 'the stream mapping has no on-failure destination: a batch discarded after its retries or record age is '
      + 'dropped without a trace',
    fix: 'set onFailure (an S3 bucket keeps the records themselves: new S3OnFailureDestination(bucket); an SQS queue '
      + 'or SNS topic receives only their shard and sequence numbers), as StreamWorker does',
  }),
});

/** Failures are reported per record, so the good records before a failure are checkpointed. */
export const streamPartialBatchRule = defineRule<StreamMappingFacts>({
  id: GuardrailRule.STREAM_PARTIAL_BATCH_RESPONSE,
  defaultSeverity: GuardrailSeverity.WARNING,
  summary: 'a stream mapping reports batch item failures (FunctionResponseTypes ReportBatchItemFailures)',
  check: ({ reportBatchItemFailures: report }) => (report !== false ? undefined : {
    rule: GuardrailRule.STREAM_PARTIAL_BATCH_RESPONSE,
    message: 'the stream mapping does not report batch item failures: one failed record replays the whole batch, '
      + 'including the records processed before it',
    fix: 'set reportBatchItemFailures: true and return { batchItemFailures } with the sequence number of the first '
      + 'failed record (createStreamWorkerHandler does)',
  }),
});

/** Every stream rule that judges the mapping's own settings, in the order they are reported. */
export const STREAM_MAPPING_RULES = [
  streamRetriesRule, streamRecordAgeRule, streamBisectRule, streamOnFailureRule, streamPartialBatchRule,
];

/** What the stream concurrency rule judges. undefined = unknown. */
export interface StreamConcurrencyFacts {
  readonly shardCount?: number;
  readonly parallelizationFactor?: number;
  readonly reservedConcurrency?: number;
}

/** Concurrent invocations a stream mapping needs: one per shard and parallelization slot. */
export function streamConcurrency(shardCount: number, parallelizationFactor = 1): number {
  return shardCount * parallelizationFactor;
}

/**
 * Reserved concurrency leaves room for one invocation per shard and parallelization slot;
 * below it, shards wait for a free slot and their iterator age grows.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html#services-kinesis-parallelization
 */
export const streamConcurrencyRule = defineRule<StreamConcurrencyFacts>({
  id: GuardrailRule.STREAM_CONCURRENCY,
  defaultSeverity: GuardrailSeverity.ERROR,
  summary: 'reserved concurrency of a stream consumer is at least shards x parallelization factor',
  check: ({ shardCount: shards, parallelizationFactor: factor = 1, reservedConcurrency: reserved }) => {
    if (shards === undefined || reserved === undefined) return undefined;
    const needed = streamConcurrency(shards, factor);
    if (reserved >= needed) return undefined;
    return {
      rule: GuardrailRule.STREAM_CONCURRENCY,
      message: `reserved concurrency ${reserved} is below shards (${shards}) x parallelization factor (${factor}) = ${needed}: `
        + 'the poller is throttled, throttled batches are retried without counting attempts, and the shards that wait '
        + 'fall behind until their records age out',
      fix: `raise reservedConcurrency to at least ${needed}, or lower parallelizationFactor`,
    };
  },
});
