import { Logger } from '@aws-lambda-powertools/logger';
import { currentInvocation } from './invocation';
import type { LambdaContext, LogExtra, RuntimeLogger } from './types';

export type { LambdaContext, LogExtra, RuntimeLogger } from './types';

/**
 * One Powertools Logger per execution environment, created at cold start; every line also carries
 * the keys of the invocation and record it is written in (see `invocation.ts`). Those keys live in
 * the invocation's AsyncLocalStorage scope, not on the shared Logger, so invocations running at once
 * (Lambda Managed Instances) and records of one batch processed in parallel never mix their keys.
 */
class InvocationScopedLogger implements RuntimeLogger {
  readonly #logger = new Logger({
    serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'cdk-serverless-patterns',
  });

  debug(message: string, ...extra: LogExtra[]): void {
    this.#logger.debug(message, ...scoped(extra));
  }

  info(message: string, ...extra: LogExtra[]): void {
    this.#logger.info(message, ...scoped(extra));
  }

  warn(message: string, ...extra: LogExtra[]): void {
    this.#logger.warn(message, ...scoped(extra));
  }

  error(message: string, ...extra: LogExtra[]): void {
    this.#logger.error(message, ...scoped(extra));
  }

  addContext(context: LambdaContext): void {
    // Powertools types the parameter as aws-lambda's Context; it reads only what LambdaContext declares.
    this.#logger.addContext(context as Parameters<Logger['addContext']>[0]);
  }

  appendKeys(attributes: Record<string, unknown>): void {
    this.#logger.appendKeys(attributes as Parameters<Logger['appendKeys']>[0]);
  }

  removeKeys(keys: string[]): void {
    this.#logger.removeKeys(keys);
  }

  setLogLevel(level: string): void {
    this.#logger.setLogLevel(level as Parameters<Logger['setLogLevel']>[0]);
  }

  getLevelName(): string {
    return this.#logger.getLevelName();
  }
}

/**
 * The scope's keys first, so attributes given to the call win. Powertools takes the items one by
 * one (an Error becomes `error`, a string `extra`, an object is merged), whatever its tuple type says.
 */
function scoped(extra: LogExtra[]): LogAttributes[] {
  const keys = currentInvocation()?.logKeys;
  return (keys ? [keys, ...extra] : extra) as LogAttributes[];
}

type LogAttributes = Parameters<Logger['appendKeys']>[0];

/**
 * The runtime's logger. Service name comes from `POWERTOOLS_SERVICE_NAME` (the constructs set it);
 * log level from `POWERTOOLS_LOG_LEVEL`. Inside a runtime handler every line carries the
 * invocation's context keys (`function_request_id`, `cold_start`, ...) and the record's keys
 * (`messageId`, `tenantId`, `eventId`, the occurrence's `scheduledTime`, ...): no `addContext` needed.
 */
export const logger: RuntimeLogger = new InvocationScopedLogger();
