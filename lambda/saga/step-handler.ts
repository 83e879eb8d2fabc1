import type { Context } from 'aws-lambda';
import { logger } from '../shared/logger';
import { IdempotencyStore, SagaStepEvent } from './saga-event';

/**
 * Wraps the pure logic of one saga step: runs it at most once per idempotency key (a retried or
 * redriven call returns the first result) and logs the outcome. One store per function.
 */
export function createStepHandler<T>(message: string, work: (event: SagaStepEvent, attempt: number) => T) {
  const store = new IdempotencyStore();
  return async (event: SagaStepEvent, context?: Context): Promise<T> => {
    if (context) logger.addContext(context);
    const { result, replayed } = store.once(event.idempotencyKey, (attempt) => work(event, attempt));
    logger.info(message, { step: event.step, idempotencyKey: event.idempotencyKey, replayed, orderId: event.input?.orderId });
    return result;
  };
}
