import { Logger } from '@aws-lambda-powertools/logger';
import type { RuntimeLogger } from './types';

export type { LambdaContext, LogExtra, RuntimeLogger } from './types';

/**
 * The one Logger of this execution environment, created at cold start.
 *
 * Service name comes from `POWERTOOLS_SERVICE_NAME` (the constructs set it); log level from
 * `POWERTOOLS_LOG_LEVEL`. Creating it once keeps per-invocation cost to `addContext`. Typed as
 * {@link RuntimeLogger} so the published types do not depend on `@types/aws-lambda`.
 */
export const logger: RuntimeLogger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'cdk-serverless-patterns',
  // Powertools types addContext's parameter as aws-lambda's Context (with the deprecated
  // done/fail/succeed); it reads only the members LambdaContext declares.
}) as unknown as RuntimeLogger;
