import { logger } from '@cdk-serverless-patterns/runtime/logger';
import { createStreamWorkerHandler } from '@cdk-serverless-patterns/runtime/stream-worker';
import { customerTotalUpdate, InvalidOrderEventError, parseOrderEvent } from './order-projection';
import { applyToReadModel } from './read-model-table';

/**
 * Example Kinesis worker deployed by the demo app: each order event adds its amount to the
 * customer's running total in the read-model table.
 */
export const handler = createStreamWorkerHandler(async (item) => {
  if (item.source !== 'kinesis') throw new InvalidOrderEventError(`expected a Kinesis record, got a ${item.source} change`);
  const event = parseOrderEvent(item);
  await applyToReadModel(customerTotalUpdate(event));
  logger.info('order event applied', { orderId: event.orderId, customerId: event.customerId, eventId: item.eventId });
  return { orderId: event.orderId };
});
