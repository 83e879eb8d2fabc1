import type { Duration, TimeZone } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { PatternAlarmProps } from '../core/alarms';
import type { PatternFunctionProps } from '../serverless-function/pattern-function';
import type { HandlerCode } from '../core/handler';
import type { ExpectedLoad } from '../core/load';
import type { ProvisionedApiAlarms } from './alarms';

/** How clients reach a ProvisionedApi. */
export enum ProvisionedApiEndpoint {
  /** An API Gateway HTTP API (v2) whose `$default` route proxies to the alias: throttling, access logs, CORS. */
  HTTP_API = 'HTTP_API',
  /** A Lambda function URL on the alias: no gateway, no stage throttling, `AWS_IAM` auth by default. */
  FUNCTION_URL = 'FUNCTION_URL',
}

/** Bounds of the Application Auto Scaling target on the alias's provisioned concurrency. */
export interface ProvisionedApiAutoScalingProps {
  /**
   * Fewest warm environments autoscaling keeps (0 or more). The warm floor you pay for when idle.
   * @see https://docs.aws.amazon.com/lambda/latest/dg/provisioned-concurrency.html#managing-provisioned-concurency
   * @default - provisionedConcurrency
   */
  readonly minCapacity?: number;
  /**
   * Most warm environments autoscaling may provision. Must be at least `provisionedConcurrency`
   * and `minCapacity`, and at most `reservedConcurrency`.
   * @default - the larger of 10 and provisionedConcurrency
   */
  readonly maxCapacity?: number;
}

/**
 * Business-hours schedule for the provisioned concurrency floor: raise it before the day starts,
 * lower it at night so idle warm capacity is released.
 *
 * Cron expressions use the six-field Application Auto Scaling form
 * `Minutes Hours Day-of-month Month Day-of-week Year` (e.g. `0 8 ? * MON-FRI *`), with or without
 * the `cron(...)` wrapper; one of day-of-month and day-of-week must be `?`.
 */
export interface ProvisionedApiSchedule {
  /**
   * When to raise the floor to `peakMin`, e.g. `0 8 ? * MON-FRI *`.
   * @see https://docs.aws.amazon.com/autoscaling/application/userguide/scheduled-scaling-using-cron-expressions.html
   */
  readonly scaleUp: string;
  /**
   * When to lower the floor to `offPeakMin`, e.g. `0 19 ? * MON-FRI *`.
   */
  readonly scaleDown: string;
  /**
   * Time zone the cron expressions are read in.
   * @default TimeZone.ETC_UTC
   */
  readonly timeZone?: TimeZone;
  /**
   * Warm floor during business hours (at most the autoscaling maximum).
   * @default - autoScaling.minCapacity
   */
  readonly peakMin?: number;
  /**
   * Warm floor outside business hours (at most `peakMin`); 0 releases every warm environment.
   * @default 0
   */
  readonly offPeakMin?: number;
}

/** Stage throttling of the HTTP API: a spike is rejected with 429 at the edge before it eats the account's concurrency. */
export interface ProvisionedApiThrottling {
  /**
   * Steady-state requests per second across the stage.
   * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html
   * @default 100
   */
  readonly rateLimit?: number;
  /**
   * Requests the stage accepts in a burst above the rate.
   * @default 200
   */
  readonly burstLimit?: number;
}

/** CORS of the API (HTTP API preflight or function URL CORS). */
export interface ProvisionedApiCorsOptions {
  /** Origins allowed to call the API, e.g. `['https://shop.example.com']`. */
  readonly allowOrigins: string[];
  /**
   * Methods allowed: GET, PUT, HEAD, POST, DELETE, PATCH (OPTIONS is answered for you).
   * @default ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']
   */
  readonly allowMethods?: string[];
  /**
   * Request headers allowed.
   * @default ['content-type', 'authorization']
   */
  readonly allowHeaders?: string[];
  /**
   * Response headers the browser may read.
   * @default - none
   */
  readonly exposeHeaders?: string[];
  /**
   * Whether cookies and credentials may be sent. Not allowed with the `*` origin.
   * @default false
   */
  readonly allowCredentials?: boolean;
  /**
   * How long browsers cache the preflight answer.
   * @default Duration.hours(1)
   */
  readonly maxAge?: Duration;
}

/**
 * Price of provisioned concurrency per GB-second, by architecture. Override for regions other
 * than us-east-1 (see https://aws.amazon.com/lambda/pricing/).
 */
export interface ProvisionedConcurrencyPrice {
  /**
   * USD per GB-second of provisioned concurrency on arm64 (Graviton).
   * @default 0.0000033334 (us-east-1)
   */
  readonly arm64PerGbSecond?: number;
  /**
   * USD per GB-second of provisioned concurrency on x86_64.
   * @default 0.0000041667 (us-east-1)
   */
  readonly x86PerGbSecond?: number;
}

/** The synth-time estimate of what idle provisioned concurrency costs per month. */
export interface ProvisionedConcurrencyCostEstimate {
  /** Architecture of the function: `arm64` or `x86_64`. */
  readonly architecture: string;
  /** Memory of the function, in MB. */
  readonly memorySize: number;
  /** Hours per average month (730) the floor sits at the peak level; 0 without a schedule. */
  readonly peakHoursPerMonth: number;
  /** Average warm environments kept with no traffic (time-weighted over the month). */
  readonly averageWarmEnvironments: number;
  /** GB-seconds of idle provisioned concurrency per average month. */
  readonly gbSecondsPerMonth: number;
  /** USD per GB-second used for the function's architecture. */
  readonly pricePerGbSecond: number;
  /** USD per month for the function's architecture. */
  readonly monthlyCost: number;
  /** USD per month if the function ran on arm64. */
  readonly monthlyCostArm64: number;
  /** USD per month if the function ran on x86_64. */
  readonly monthlyCostX86: number;
}

/** Properties of a ProvisionedApi. */
export interface ProvisionedApiProps extends PatternFunctionProps, PatternAlarmProps {
  /**
   * Threshold, period, evaluation periods and datapoints of each alarm, or `enabled: false` to turn
   * one alarm off.
   * @default - every alarm on, with the defaults listed on `ProvisionedApiAlarms`
   */
  readonly alarms?: ProvisionedApiAlarms;
  /**
   * The API code: a handler for API Gateway payload format 2.0 events (function URLs send the same shape).
   * `HandlerCode.fromFunction` needs a `lambda.Function` (its versions are published here).
   */
  readonly handler: HandlerCode;
  /**
   * How clients reach the function.
   * @default ProvisionedApiEndpoint.HTTP_API
   */
  readonly endpoint?: ProvisionedApiEndpoint;
  /**
   * Authorizer of every route of the HTTP API (JWT, Lambda or IAM), only with `endpoint: HTTP_API`.
   * A public API needs `new HttpNoneAuthorizer()` explicitly, which draws a warning you can acknowledge.
   * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-access-control.html
   * @default - HttpIamAuthorizer: callers sign requests with SigV4 (see grantInvoke)
   */
  readonly authorizer?: apigwv2.IHttpRouteAuthorizer;
  /**
   * Auth of the function URL (only with `endpoint: FUNCTION_URL`). `NONE` makes the URL public
   * and draws a warning you can acknowledge.
   * @default lambda.FunctionUrlAuthType.AWS_IAM
   */
  readonly functionUrlAuthType?: lambda.FunctionUrlAuthType;
  /**
   * Environments kept initialized on the alias at deploy (1 or more). Billed while they exist.
   * @see https://docs.aws.amazon.com/lambda/latest/dg/provisioned-concurrency.html
   * @default 2
   */
  readonly provisionedConcurrency?: number;
  /**
   * Reserved concurrency of the function: guarantees and caps it. Must be at least the
   * provisioned concurrency and the autoscaling maximum, and leave 100 of the account limit unreserved.
   * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
   * @default - 2 x autoScaling.maxCapacity (room for on-demand spillover above the warm pool)
   */
  readonly reservedConcurrency?: number;
  /**
   * Concurrency limit of the account and region, for the unreserved-buffer check.
   * @default 1000
   */
  readonly accountConcurrencyLimit?: number;
  /**
   * Bounds of provisioned concurrency autoscaling.
   * @default - minCapacity = provisionedConcurrency, maxCapacity = max(10, provisionedConcurrency)
   */
  readonly autoScaling?: ProvisionedApiAutoScalingProps;
  /**
   * Target of `LambdaProvisionedConcurrencyUtilization` for target tracking (0.1 to 0.9).
   * @see https://docs.aws.amazon.com/lambda/latest/dg/provisioned-concurrency.html#managing-provisioned-concurrency
   * @default 0.7
   */
  readonly utilizationTarget?: number;
  /**
   * Business-hours schedule of the warm floor.
   * @default - no schedule: the floor is autoScaling.minCapacity around the clock
   */
  readonly schedule?: ProvisionedApiSchedule;
  /**
   * Function timeout. With the HTTP API it must stay at or below 29 seconds (API Gateway's integration limit).
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;
  /**
   * Stage throttling (HTTP API only).
   * @default - rateLimit 100, burstLimit 200
   */
  readonly throttling?: ProvisionedApiThrottling;
  /**
   * CORS. With an authorizer on the HTTP API (any but `HttpNoneAuthorizer`), `OPTIONS /` and
   * `OPTIONS /{proxy+}` routes without authorization are added so browsers' unsigned preflight
   * requests are not rejected by the `$default` route's authorizer.
   * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html
   * @default - CORS disabled
   */
  readonly cors?: ProvisionedApiCorsOptions;
  /**
   * p99 latency above which the latency alarm fires.
   * @default Duration.seconds(1)
   */
  readonly latencyThreshold?: Duration;
  /**
   * Percentage of requests answered with 5xx above which the error-rate alarm fires (0 to 100).
   * @default 1
   */
  readonly serverErrorRateThreshold?: number;
  /**
   * Price table for the idle-cost annotation.
   * @default - us-east-1 prices: arm64 0.0000033334, x86_64 0.0000041667 USD per GB-second
   */
  readonly provisionedConcurrencyPrice?: ProvisionedConcurrencyPrice;
  /**
   * Traffic this construct expects, for the synth-time cost report (ServerlessCostReport).
   * @default - no estimate for this construct
   */
  readonly expectedLoad?: ExpectedLoad;
}
