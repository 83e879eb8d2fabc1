import { logger } from '@cdk-serverless-patterns/runtime/logger';
import { createStreamWorkerHandler } from '@cdk-serverless-patterns/runtime/stream-worker';
import { InvalidOrderEventError, orderSummaryChange } from './order-projection';
import { applyToReadModel } from './read-model-table';

/**
 * Example DynamoDB Streams worker (CQRS): keeps the read model (order summaries per customer) up
 * to date with the orders table (the write model).
 */
export const handler = createStreamWorkerHandler(async (change) => {
  if (change.source !== 'dynamodb') throw new InvalidOrderEventError(`expected a DynamoDB change, got a ${change.source} record`);
  const request = orderSummaryChange(change);
  await applyToReadModel(request);
  logger.info('read model updated', { eventName: change.eventName, eventId: change.eventId, kind: request.kind });
  return { applied: request.kind };
});
