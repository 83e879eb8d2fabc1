import { GuardrailRule, GuardrailSeverity } from './ids';
import { AWS_LIMITS, durationCode } from './limits';
import { defineRule } from './rule';

/**
 * Lambda's limits of a durable function's `DurableConfig`.
 * @see https://docs.aws.amazon.com/lambda/latest/api/API_DurableConfig.html
 */
export const DURABLE_LIMITS = {
  /** ExecutionTimeout: 1 to 31,622,400 seconds (366 days). */
  minExecutionTimeoutSeconds: AWS_LIMITS.durableExecutionTimeout.min,
  maxExecutionTimeoutSeconds: AWS_LIMITS.durableExecutionTimeout.max,
  /** RetentionPeriodInDays: 1 to 90. */
  minRetentionDays: AWS_LIMITS.durableRetention.min,
  maxRetentionDays: AWS_LIMITS.durableRetention.max,
  /**
   * A synchronous invocation (an event source mapping, RequestResponse) waits for the whole
   * execution, at most 15 minutes.
   * @see https://docs.aws.amazon.com/lambda/latest/dg/durable-invoking.html
   */
  maxSynchronousExecutionSeconds: AWS_LIMITS.durableSynchronousExecution.max,
} as const;

/** What the durable-config rule judges: the function's `DurableConfig`. */
export interface DurableConfigFacts {
  readonly executionTimeoutSeconds?: number;
  readonly retentionDays?: number;
}

/**
 * A durable function's execution timeout and retention lie within Lambda's limits (whole seconds and days).
 * @see https://docs.aws.amazon.com/lambda/latest/api/API_DurableConfig.html
 */
export const durableConfigRule = defineRule<DurableConfigFacts>({
  id: GuardrailRule.DURABLE_CONFIG,
  defaultSeverity: GuardrailSeverity.ERROR,
  summary: `a durable function's execution timeout (${DURABLE_LIMITS.minExecutionTimeoutSeconds} s to `
    + `${DURABLE_LIMITS.maxExecutionTimeoutSeconds / 86_400} days) and retention (${DURABLE_LIMITS.minRetentionDays} to `
    + `${DURABLE_LIMITS.maxRetentionDays} days) are within Lambda's limits`,
  check: ({ executionTimeoutSeconds: timeout, retentionDays: days }) => {
    const l = DURABLE_LIMITS;
    if (timeout !== undefined && (!Number.isInteger(timeout) || timeout < l.minExecutionTimeoutSeconds || timeout > l.maxExecutionTimeoutSeconds)) {
      return {
        rule: GuardrailRule.DURABLE_CONFIG,
        message: `the durable execution timeout must be a whole number of seconds between ${l.minExecutionTimeoutSeconds} and `
          + `${l.maxExecutionTimeoutSeconds} (${l.maxExecutionTimeoutSeconds / 86_400} days) (given ${timeout} seconds)`,
        fix: `set executionTimeout between ${durationCode(l.minExecutionTimeoutSeconds, 'seconds')} and `
          + `${durationCode(l.maxExecutionTimeoutSeconds, 'days')}, in whole seconds`,
      };
    }
    if (days !== undefined && (!Number.isInteger(days) || days < l.minRetentionDays || days > l.maxRetentionDays)) {
      return {
        rule: GuardrailRule.DURABLE_CONFIG,
        message: `the durable execution history retention must be a whole number of days between ${l.minRetentionDays} and `
          + `${l.maxRetentionDays} (given ${days} days)`,
        fix: `set retentionPeriod between Duration.days(${l.minRetentionDays}) and Duration.days(${l.maxRetentionDays}), in whole days`,
      };
    }
    return undefined;
  },
});

const SYNC_MAX = DURABLE_LIMITS.maxSynchronousExecutionSeconds;

/** What the synchronous-trigger rule judges: a durable function and who invokes it synchronously. */
export interface DurableSyncTimeoutFacts {
  readonly executionTimeoutSeconds?: number;
  /** Triggers that invoke the function synchronously (event source mappings, APIs). */
  readonly synchronousCallers?: string[];
}

/**
 * A durable function behind a synchronous trigger has an execution timeout of at most 15 minutes.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/durable-invoking.html
 */
export const durableSyncTimeoutRule = defineRule<DurableSyncTimeoutFacts>({
  id: GuardrailRule.DURABLE_SYNC_TIMEOUT,
  defaultSeverity: GuardrailSeverity.ERROR,
  summary: `a durable function invoked synchronously has an execution timeout of at most ${SYNC_MAX / 60} minutes`,
  check: ({ executionTimeoutSeconds: timeout, synchronousCallers = [] }) => {
    if (timeout === undefined || synchronousCallers.length === 0 || timeout <= DURABLE_LIMITS.maxSynchronousExecutionSeconds) return undefined;
    return {
      rule: GuardrailRule.DURABLE_SYNC_TIMEOUT,
      message: `the durable execution timeout is ${timeout} seconds, but ${synchronousCallers.join(', ')} invoke${synchronousCallers.length === 1 ? 's' : ''} `
        + `it synchronously, and a synchronous invocation of a durable function is limited to ${SYNC_MAX / 60} minutes (${SYNC_MAX} seconds) `
        + 'in total, waits included',
      fix: `lower executionTimeout to ${durationCode(SYNC_MAX, 'minutes')} or less, or invoke the function asynchronously (AsyncFunction, ScheduledJob, `
        + 'an EventBridge rule) and let it run up to its execution timeout',
    };
  },
});

/** What the unqualified-invocation rule judges: a durable function and who invokes its unqualified ARN. */
export interface DurableUnqualifiedFacts {
  readonly durable?: boolean;
  /** Resources that invoke the function's unqualified ARN (permissions, mappings, targets, state machines). */
  readonly unqualifiedCallers?: string[];
}

/**
 * A durable function is invoked through a version or an alias, never its unqualified ARN: an
 * unqualified invocation runs `$LATEST`, whose code changes under executions that replay.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/durable-best-practices.html
 */
export const durableUnqualifiedRule = defineRule<DurableUnqualifiedFacts>({
  id: GuardrailRule.DURABLE_UNQUALIFIED,
  defaultSeverity: GuardrailSeverity.ERROR,
  summary: 'a durable function is invoked through its alias or a version, never its unqualified ARN',
  check: ({ durable, unqualifiedCallers = [] }) => {
    if (durable !== true || unqualifiedCallers.length === 0) return undefined;
    return {
      rule: GuardrailRule.DURABLE_UNQUALIFIED,
      message: `is a durable function, and ${unqualifiedCallers.join(', ')} invoke${unqualifiedCallers.length === 1 ? 's' : ''} its unqualified ARN: `
        + 'Lambda requires a qualified ARN (version or alias) to invoke a durable function, and an execution started on $LATEST would '
        + 'replay against whatever code is deployed next',
      fix: 'point the trigger, target or permission at the alias (DurableFunction.alias, e.g. new targets.LambdaFunction(durable.alias)) '
        + 'or at a version',
    };
  },
});
