import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { logger } from '@cdk-serverless-patterns/runtime/logger';
import { createRouter } from './http';
import { routes } from './quotes';

/** Built once per execution environment: provisioned concurrency runs this at init, not per request. */
const route = createRouter(routes, {
  onResponse: (info) => logger.info('request handled', info),
  onError: (error, info) => logger.error('unhandled error', { ...info, error: error as Error }),
});

/** Example JSON API deployed by the demo app: prices a cart (POST /quotes). */
export async function handler(event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> {
  logger.addContext(context);
  return route(event, context.awsRequestId);
}
