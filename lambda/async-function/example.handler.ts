import type { Context } from 'aws-lambda';
import { logger } from '@cdk-serverless-patterns/runtime/logger';
import { handleAsyncEvent } from './example';

/**
 * Example async handler deployed by the demo app. A thrown error makes Lambda retry the event
 * (retryAttempts) and then send it to the on-failure destination.
 */
export async function handler(event: unknown, context: Context): Promise<unknown> {
  logger.addContext(context);
  const result = handleAsyncEvent(event);
  logger.info('event handled', { ...result });
  return result;
}
