import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one Logger of this execution environment, created at cold start.
 *
 * Service name comes from `POWERTOOLS_SERVICE_NAME` (the constructs set it); log level from
 * `POWERTOOLS_LOG_LEVEL`. Creating it once keeps per-invocation cost to `addContext`.
 */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'cdk-serverless-patterns',
});
