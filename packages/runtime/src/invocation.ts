// The invocation a piece of runtime code runs in. Lambda Managed Instances run several invocations
// at once in one execution environment, so per-invocation state (the Lambda context, the deadline
// the AWS client derives from it) is carried by AsyncLocalStorage, never by a module-level variable.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { LambdaContext } from './types';

/** What the runtime knows about the invocation in progress. */
export interface Invocation {
  readonly context: LambdaContext;
}

const storage = new AsyncLocalStorage<Invocation>();

/** Runs `fn` as part of the invocation `context`; everything it awaits sees the same invocation. */
export function runInvocation<T>(context: LambdaContext, fn: () => Promise<T>): Promise<T> {
  return storage.run({ context }, fn);
}

/** The invocation the caller runs in, or `undefined` outside one (tests, module load). */
export function currentInvocation(): Invocation | undefined {
  return storage.getStore();
}
