import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { Context } from 'aws-lambda';
import { createPersistenceLayer, keyPrefixFromEnv } from '@cdk-serverless-patterns/runtime/idempotency';
import { logger } from '@cdk-serverless-patterns/runtime/logger';
import { SagaBusinessError, SagaStepEvent } from './saga-event';

/** Marks whether the step body ran in this invocation (false: Powertools returned the stored result). */
interface Invocation { ran: boolean }

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
  const tableName = process.env.IDEMPOTENCY_TABLE_NAME;
  if (!tableName) {
    // Every call fails (the step is never run without idempotency); the module still loads.
    return async () => {
      throw Object.assign(new Error('IDEMPOTENCY_TABLE_NAME is not set: the saga step handlers keep their idempotency '
        + 'records in that DynamoDB table (partition key "id", TTL attribute "expiration")'), { name: 'IdempotencyTableNotSetError' });
    };
  }
  const config = new IdempotencyConfig({ eventKeyJmesPath: 'idempotencyKey', throwOnNoIdempotencyKey: true });
  const attempts = new SimulatedAttempts();
  const body = async (event: SagaStepEvent, invocation: Invocation): Promise<T> => {
    invocation.ran = true;
    return work(event, attempts.next(event));
  };
  // The persistence layer (signed HTTP; this bundle does not carry Powertools' SDK layer, see
  // @cdk-serverless-patterns/runtime/idempotency/sdk) loads on first use; a failure surfaces on each call.
  const idempotent = createPersistenceLayer(tableName).then((persistenceStore) => makeIdempotent(body,
    // Hash only argument 0 (the event) at `idempotencyKey`; argument 1 is the invocation marker.
    { persistenceStore, config, dataIndexArgument: 0, keyPrefix: keyPrefixFromEnv() }));
  idempotent.catch(() => undefined);
  const runOnce = async (event: SagaStepEvent, invocation: Invocation): Promise<T> => (await idempotent)(event, invocation);

  return async (event: SagaStepEvent, context: Context): Promise<T> => {
    logger.addContext(context);
    // In-progress records expire with this invocation's remaining time, so a retry after a
    // timeout is not blocked by the record the timed-out attempt left behind.
    config.registerLambdaContext(context);
    if (typeof event?.idempotencyKey !== 'string' || event.idempotencyKey.length === 0) {
      throw new SagaBusinessError('MissingIdempotencyKeyError', 'the event has no idempotencyKey');
    }
    const invocation: Invocation = { ran: false };
    const result = await runOnce(event, invocation);
    logger.info(message, {
      step: event.step, idempotencyKey: event.idempotencyKey, replayed: !invocation.ran, orderId: event.input?.orderId,
    });
    return result;
  };
}
