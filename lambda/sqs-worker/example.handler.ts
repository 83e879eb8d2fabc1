import { logger } from '@cdk-serverless-patterns/runtime/logger';
import { createSqsWorkerHandler } from '@cdk-serverless-patterns/runtime/sqs-worker';
import { processOrder } from './order';

/** Example worker deployed by the demo app: validates and "fulfils" an order per message. */
export const handler = createSqsWorkerHandler(async (body) => {
  const result = processOrder(body);
  logger.info('order processed', { ...result });
  return result;
});
