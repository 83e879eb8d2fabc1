import { GuardrailRule, GuardrailSeverity } from './ids';
import { AWS_LIMITS } from './limits';
import { defineRule } from './rule';

/** What the async on-failure rule judges: a function and who invokes it asynchronously. */
export interface AsyncOnFailureFacts {
  /** Services (and the resources through which they do) that invoke the function asynchronously. */
  readonly asyncInvokers?: string[];
  /** Whether an on-failure destination is configured (on the function, an alias or a version). */
  readonly hasOnFailureDestination?: boolean;
  /** Whether the function has a dead-letter queue (`DeadLetterConfig`). */
  readonly hasDeadLetterQueue?: boolean;
}

/**
 * A function invoked asynchronously has an on-failure destination or a dead-letter queue.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
 */
export const asyncOnFailureRule = defineRule<AsyncOnFailureFacts>({
  id: GuardrailRule.ASYNC_ON_FAILURE,
  defaultSeverity: GuardrailSeverity.ERROR,
  summary: 'a function invoked asynchronously has an on-failure destination or a dead-letter queue',
  check: ({ asyncInvokers, hasOnFailureDestination, hasDeadLetterQueue }) => {
    if (!asyncInvokers || asyncInvokers.length === 0) return undefined;
    if (hasOnFailureDestination !== false || hasDeadLetterQueue !== false) return undefined;
    return {
      rule: GuardrailRule.ASYNC_ON_FAILURE,
      message: `invoked asynchronously by ${asyncInvokers.join(', ')} but has neither an on-failure destination nor a dead-letter `
        + 'queue: after Lambda\'s retries an event that still fails is dropped without a trace',
      fix: 'set onFailure (e.g. new SqsDestination(queue)) on the function or alias, or a deadLetterQueue; AsyncFunction does this by default',
    };
  },
});

/** What the log retention rule judges: a log group. */
export interface LogRetentionFacts {
  /** Retention in days; undefined when unknown. */
  readonly retentionDays?: number;
  /** True when the log group has no retention (kept forever). */
  readonly neverExpires?: boolean;
}

/**
 * A log group has an explicit retention.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html#SettingLogRetention
 */
export const logRetentionRule = defineRule<LogRetentionFacts>({
  id: GuardrailRule.LOG_RETENTION,
  defaultSeverity: GuardrailSeverity.WARNING,
  summary: 'a log group has a retention',
  check: ({ neverExpires }) => {
    if (neverExpires !== true) return undefined;
    return {
      rule: GuardrailRule.LOG_RETENTION,
      message: 'the log group has no retention, so logs never expire and are billed forever',
      fix: 'set retention (e.g. logs.RetentionDays.ONE_MONTH)',
    };
  },
});

/** What the function log group rule judges: where a function logs. */
export interface FunctionLogGroupFacts {
  /** True when the function logs to a log group of its own (`LoggingConfig.LogGroup`). */
  readonly hasOwnLogGroup?: boolean;
  /** True when Lambda's default group `/aws/lambda/<name>` is declared in the stack (its retention is checked there). */
  readonly defaultLogGroupDeclared?: boolean;
}

/**
 * A function logs to a log group with a retention, not to Lambda's default group that never expires.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-advanced.html
 */
export const functionLogGroupRule = defineRule<FunctionLogGroupFacts>({
  id: GuardrailRule.FUNCTION_LOG_GROUP,
  defaultSeverity: GuardrailSeverity.WARNING,
  summary: 'a function logs to a log group with a retention',
  check: ({ hasOwnLogGroup, defaultLogGroupDeclared }) => {
    if (hasOwnLogGroup !== false || defaultLogGroupDeclared !== false) return undefined;
    return {
      rule: GuardrailRule.FUNCTION_LOG_GROUP,
      message: 'the function logs to Lambda\'s default log group /aws/lambda/<function name>, which Lambda creates with retention '
        + '"never expire": logs are stored and billed forever',
      fix: 'pass a logGroup (new logs.LogGroup(this, \'Logs\', { retention: logs.RetentionDays.ONE_MONTH })) to the function',
    };
  },
});

/** What fronts a function that answers requests. */
export enum RequestFront {
  /** API Gateway (REST or HTTP API): it ends the integration after 29 seconds. */
  API_GATEWAY = 'API_GATEWAY',
  /** A Lambda function URL: it waits for the function, up to its timeout. */
  FUNCTION_URL = 'FUNCTION_URL',
}

/** API Gateway's integration timeout, in seconds. */
export const API_GATEWAY_TIMEOUT_SECONDS = AWS_LIMITS.apiGatewayIntegrationTimeout.max;
/** Lambda's longest timeout, in seconds. */
export const LAMBDA_MAX_TIMEOUT_SECONDS = AWS_LIMITS.lambdaTimeout.max;

/** What the API timeout rule judges: a function and what sends it requests. */
export interface ApiTimeoutFacts {
  readonly timeoutSeconds?: number;
  /** The fronts, each with a label naming it (e.g. `API Gateway (path)`). */
  readonly fronts?: Array<{ readonly kind: RequestFront; readonly label?: string }>;
  /** Another way out the caller offers, added to the fix (e.g. a construct's other endpoint). */
  readonly alternative?: string;
}

/**
 * A function answering requests has a timeout its front can wait for: at most 29 seconds behind
 * API Gateway; below the 15-minute maximum behind a function URL.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html
 */
export const apiTimeoutRule = defineRule<ApiTimeoutFacts>({
  id: GuardrailRule.API_TIMEOUT,
  defaultSeverity: GuardrailSeverity.WARNING,
  summary: `a function behind API Gateway times out within ${API_GATEWAY_TIMEOUT_SECONDS} s; one behind a function URL below ${LAMBDA_MAX_TIMEOUT_SECONDS / 60} minutes`,
  check: ({ timeoutSeconds: timeout, fronts = [], alternative }) => {
    if (timeout === undefined) return undefined;
    const over = fronts.filter((f) => timeout > (f.kind === RequestFront.API_GATEWAY ? API_GATEWAY_TIMEOUT_SECONDS : LAMBDA_MAX_TIMEOUT_SECONDS - 1));
    if (over.length === 0) return undefined;
    const labels = [...new Set(over.map((f) => f.label ?? (f.kind === RequestFront.API_GATEWAY ? 'API Gateway' : 'a function URL')))];
    return {
      rule: GuardrailRule.API_TIMEOUT,
      message: `the timeout (${timeout} s) is longer than ${over.some((f) => f.kind === RequestFront.API_GATEWAY)
        ? `the ${API_GATEWAY_TIMEOUT_SECONDS} seconds API Gateway waits`
        : `a request should take (${LAMBDA_MAX_TIMEOUT_SECONDS / 60} minutes is Lambda's maximum)`}, and the function answers `
        + `requests through ${labels.join(', ')}: the front gives up (API Gateway answers 503/504) while the function keeps running `
        + 'and billing, clients retry and the work runs twice',
      fix: `set the timeout to what a request needs (at most ${API_GATEWAY_TIMEOUT_SECONDS} s behind API Gateway) and hand long work to a queue `
        + 'or state machine '
        + `(SqsWorker, AsyncFunction, SagaStateMachine), answering 202${alternative ? `; or ${alternative}` : ''}`,
    };
  },
});
