import type { Context } from 'aws-lambda';
import { runInvocation, withLogKeys } from '@cdk-serverless-patterns/runtime/invocation';
import { createIdempotentRunner } from '@cdk-serverless-patterns/runtime/idempotency/runner';
import { logger } from '@cdk-serverless-patterns/runtime/logger';
import { SagaBusinessError, SagaStepEvent } from './saga-event';

/**
 * Counts the runs of a step body per idempotency key, for the `simulate.unavailable` switch only
 * (its first n attempts fail). It has nothing to do with idempotency: failed attempts leave no
 * idempotency record, and the count lives in this execution environment. Only keys the switch
 * names are counted, so ordinary traffic adds nothing.
 */
class SimulatedAttempts {
  private readonly counts = new Map<string, number>();

  public next(event: SagaStepEvent): number {
    if (!event.input?.simulate?.unavailable?.[event.step]) return 1;
    const attempt = (this.counts.get(event.idempotencyKey) ?? 0) + 1;
    this.counts.set(event.idempotencyKey, attempt);
    return attempt;
  }
}

/**
 * Wraps the pure logic of one saga step into a Lambda handler that runs it at most once per
 * `idempotencyKey` (`<execution name>:<step>[:compensation]`, set by the SagaStateMachine):
 * Powertools idempotency keeps the result in the DynamoDB table named by `IDEMPOTENCY_TABLE_NAME`,
 * so a retried or redriven call, on this or any other execution environment, returns the stored
 * result without running the body again. A body that throws leaves no record: the next attempt
 * runs it again.
 *
 * Call it once at module scope: the persistence layer and its DynamoDB client are created here,
 * once per cold start, one per function. Without `IDEMPOTENCY_TABLE_NAME` every call throws
 * `IdempotencyTableNotSetError`.
 */
export function createStepHandler<T>(
  message: string,
  work: (event: SagaStepEvent, attempt: number) => T,
): (event: SagaStepEvent, context: Context) => Promise<T> {
  // The runtime's one idempotency wiring, keyed on `idempotencyKey` whatever IDEMPOTENCY_KEY_PATH says.
  const idempotency = createIdempotentRunner({ eventKeyJmesPath: 'idempotencyKey' }, { eventKeyJmesPath: 'idempotencyKey', expiresAfterSeconds: 3600 });
  if (!idempotency) {
    // Every call fails (the step is never run without idempotency); the module still loads.
    return async () => {
      throw Object.assign(new Error('IDEMPOTENCY_TABLE_NAME is not set: the saga step handlers keep their idempotency '
        + 'records in that DynamoDB table (partition key "id", TTL attribute "expiration")'), { name: 'IdempotencyTableNotSetError' });
    };
  }
  const attempts = new SimulatedAttempts();

  return (event, context) => runInvocation(context, () => withLogKeys({ step: event?.step, idempotencyKey: event?.idempotencyKey }, async () => {
    if (typeof event?.idempotencyKey !== 'string' || event.idempotencyKey.length === 0) {
      throw new SagaBusinessError('MissingIdempotencyKeyError', 'the event has no idempotencyKey');
    }
    // In-progress records expire with this invocation's remaining time, so a retry after a
    // timeout is not blocked by the record the timed-out attempt left behind.
    const once = await idempotency.forInvocation(context);
    let ran = false;
    const result = await once(event, async () => {
      ran = true;
      return work(event, attempts.next(event));
    });
    logger.info(message, { replayed: !ran, orderId: event.input?.orderId });
    return result;
  }));
}
