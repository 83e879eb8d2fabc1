// The invocation a piece of runtime code runs in. Lambda Managed Instances run several invocations
// at once in one execution environment, so per-invocation state (the Lambda context, the deadline
// the AWS client derives from it, the keys of the record being processed) is carried by
// AsyncLocalStorage, never by a module-level variable.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { LambdaContext } from './types';

/** What the runtime knows about the invocation in progress. */
export interface Invocation {
  readonly context: LambdaContext;
  /**
   * Attributes the runtime's logger adds to every line written in this scope: the invocation's
   * (Powertools' context keys: `function_request_id`, `cold_start`, ...), then those of the record
   * or occurrence being processed ({@link withLogKeys}).
   */
  readonly logKeys: Readonly<Record<string, unknown>>;
}

const storage = new AsyncLocalStorage<Invocation>();
let firstInvocation = true;

/** The keys Powertools' `addContext` would add, kept per invocation instead of on the shared logger. */
function contextLogKeys(context: LambdaContext): Record<string, unknown> {
  // Powertools' rule: the first invocation of an environment is a cold start, unless provisioned.
  const coldStart = firstInvocation && process.env.AWS_LAMBDA_INITIALIZATION_TYPE !== 'provisioned-concurrency';
  firstInvocation = false;
  return {
    cold_start: coldStart,
    function_arn: context.invokedFunctionArn,
    function_memory_size: Number(context.memoryLimitInMB),
    function_name: context.functionName,
    function_request_id: context.awsRequestId,
  };
}

/** Runs `fn` as part of the invocation `context`; everything it awaits sees the same invocation. */
export function runInvocation<T>(context: LambdaContext, fn: () => Promise<T>): Promise<T> {
  return storage.run({ context, logKeys: contextLogKeys(context) }, fn);
}

/** The invocation the caller runs in, or `undefined` outside one (tests, module load). */
export function currentInvocation(): Invocation | undefined {
  return storage.getStore();
}

/**
 * Runs `fn` with `keys` on every log line it writes (a record's `messageId`, its tenant), inside
 * the current invocation; records processed in parallel each keep their own. Outside an
 * invocation it just runs `fn`.
 */
export function withLogKeys<T>(keys: Record<string, unknown>, fn: () => Promise<T>): Promise<T> {
  const current = storage.getStore();
  if (!current) return fn();
  return storage.run({ context: current.context, logKeys: { ...current.logKeys, ...keys } }, fn);
}
