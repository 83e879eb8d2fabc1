import { Duration, TimeZone, Token } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { Cron, CRON_FIX, parseCron } from '../core/cron';
import { createAlarms, PatternAlarmProps } from '../core/alarms';
import { Defaults } from '../core/defaults';
import { createPatternFunction, PatternFunctionProps } from '../core/function';
import { HandlerCode } from '../core/handler';
import type { ExpectedLoad } from '../core/load';
import { acknowledgeRule } from '../core/nag';
import { synthNote } from '../core/notes';
import {
  areResolved, invalidProp, validateIntegerRange, warn,
} from '../core/validation';

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

/** us-east-1 provisioned concurrency prices, USD per GB-second (https://aws.amazon.com/lambda/pricing/). */
const US_EAST_1_PC_PRICE = { arm64: 0.0000033334, x86: 0.0000041667 };
/** API Gateway's integration timeout: a longer-running function is cut off by the gateway. */
const API_GATEWAY_INTEGRATION_LIMIT = Duration.seconds(29);
/** Lambda keeps at least this much of the account limit unreserved. */
const UNRESERVED_BUFFER = 100;
/** An average month: 8760 hours / 12. */
const HOURS_PER_MONTH = 730;
const CORS_METHODS = ['GET', 'PUT', 'HEAD', 'POST', 'DELETE', 'PATCH'];

/**
 * A latency-sensitive HTTP API: an API Gateway HTTP API (or a function URL) in front of a Lambda
 * alias with provisioned concurrency, reserved concurrency, target-tracking and scheduled
 * autoscaling of the warm pool, stage throttling, access logs, alarms, and a synth-time note
 * of what the idle warm pool costs per month.
 */
export class ProvisionedApi extends Construct {
  /** The function. */
  public readonly function: lambda.IFunction;
  /** The version published for the current code and configuration. */
  public readonly version: lambda.IVersion;
  /** The `live` alias every request goes to; it holds the provisioned concurrency. */
  public readonly alias: lambda.Alias;
  /** The autoscaling attribute of the alias's provisioned concurrency. */
  public readonly autoScaling: lambda.IScalableFunctionAttribute;
  /** The HTTP API, with `endpoint: HTTP_API`. */
  public readonly api?: apigwv2.HttpApi;
  /** The `$default` stage of the HTTP API. */
  public readonly stage?: apigwv2.HttpStage;
  /** Access log group of the stage. */
  public readonly accessLogGroup?: logs.LogGroup;
  /** The function URL, with `endpoint: FUNCTION_URL`. */
  public readonly functionUrl?: lambda.FunctionUrl;
  /** The URL clients call. */
  public readonly url: string;
  /** Provisioned concurrency set on the alias at deploy. */
  public readonly provisionedConcurrency: number;
  /** Reserved concurrency of the function, when this construct set it. */
  public readonly reservedConcurrency?: number;
  /** Monthly cost of idle provisioned concurrency; undefined when memory or capacities are tokens. */
  public readonly idleCost?: ProvisionedConcurrencyCostEstimate;
  /** The alarms (empty when `alarmsEnabled` is false). */
  public readonly alarms: cloudwatch.Alarm[];
  /** The expected traffic the cost report prices (undefined: not estimated). */
  public readonly expectedLoad?: ExpectedLoad;

  constructor(scope: Construct, id: string, props: ProvisionedApiProps) {
    super(scope, id);
    this.expectedLoad = props.expectedLoad;
    const endpoint = props.endpoint ?? ProvisionedApiEndpoint.HTTP_API;
    const provisioned = props.provisionedConcurrency ?? 2;
    const minCapacity = props.autoScaling?.minCapacity ?? provisioned;
    const maxCapacity = props.autoScaling?.maxCapacity
      ?? (Token.isUnresolved(provisioned) ? 10 : Math.max(10, provisioned));
    const existing = props.handler.existingFunction;
    const reserved = props.reservedConcurrency
      ?? (existing || Token.isUnresolved(maxCapacity) ? undefined : 2 * maxCapacity);
    const schedule = props.schedule ? this.validateSchedule(props.schedule, minCapacity, maxCapacity) : undefined;
    this.validate(props, endpoint, provisioned, minCapacity, maxCapacity, reserved);

    const made = createPatternFunction(this, 'Function', props, {
      defaultTimeout: Defaults.timeouts.api,
      description: `Provisioned API ${this.node.path}`,
      defaultReservedConcurrency: reserved,
    });
    if (!(made.function instanceof lambda.Function)) {
      invalidProp(this, 'handler', 'HandlerCode.fromFunction() needs a lambda.Function, whose versions this construct publishes (given an imported function)',
        'pass a lambda.Function you created in this app, or HandlerCode.fromCode()/fromAsset()');
    }
    const fn = made.function;
    if (made.createdFunction) {
      acknowledgeRule(fn, 'Serverless-LambdaDLQ', 'API requests invoke the function synchronously: the caller gets the error, '
        + 'and a dead-letter queue only ever receives asynchronous invocations');
    }
    if (existing) this.validateTimeout(endpoint, fn.timeout, 'handler');
    this.function = fn;
    this.provisionedConcurrency = provisioned;
    this.reservedConcurrency = existing ? undefined : reserved;

    // A new version on every code or configuration change; requests only ever reach the alias.
    this.version = fn.currentVersion;
    this.alias = new lambda.Alias(this, 'Alias', {
      aliasName: 'live',
      version: this.version,
      provisionedConcurrentExecutions: provisioned,
    });

    this.autoScaling = this.alias.addAutoScaling({ minCapacity, maxCapacity });
    this.autoScaling.scaleOnUtilization({ utilizationTarget: props.utilizationTarget ?? 0.7 });
    if (props.schedule && schedule) {
      const timeZone = props.schedule.timeZone ?? TimeZone.ETC_UTC;
      this.autoScaling.scaleOnSchedule('ScaleUp', {
        schedule: appscaling.Schedule.expression(`cron(${schedule.scaleUp.expression})`),
        minCapacity: schedule.peakMin,
        timeZone,
      });
      this.autoScaling.scaleOnSchedule('ScaleDown', {
        schedule: appscaling.Schedule.expression(`cron(${schedule.scaleDown.expression})`),
        minCapacity: schedule.offPeakMin,
        timeZone,
      });
    }

    const cors = resolveCors(props.cors);
    if (endpoint === ProvisionedApiEndpoint.HTTP_API) {
      this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
        retention: props.logRetention ?? Defaults.logRetention,
      });
      const integration = new HttpLambdaIntegration('Integration', this.alias);
      this.api = new apigwv2.HttpApi(this, 'Api', {
        description: `Provisioned API ${this.node.path}`,
        createDefaultStage: false,
        defaultAuthorizer: props.authorizer ?? new HttpIamAuthorizer(),
        defaultIntegration: integration,
        corsPreflight: cors ? {
          allowOrigins: cors.origins,
          allowMethods: cors.methods.map((m) => m as apigwv2.CorsHttpMethod),
          allowHeaders: cors.headers,
          exposeHeaders: cors.exposeHeaders,
          allowCredentials: cors.allowCredentials,
          maxAge: cors.maxAge,
        } : undefined,
      });
      if (props.cors && !(props.authorizer instanceof apigwv2.HttpNoneAuthorizer)) {
        // The authorized $default route also catches the browser's preflight OPTIONS requests, which are
        // never signed nor carry a token, so every preflight would be rejected. AWS's fix: OPTIONS routes
        // without authorization, which take priority over $default; API Gateway answers them from the CORS settings.
        // https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html
        for (const path of ['/', '/{proxy+}']) {
          for (const route of this.api.addRoutes({
            path, methods: [apigwv2.HttpMethod.OPTIONS], integration, authorizer: new apigwv2.HttpNoneAuthorizer(),
          })) {
            acknowledgeRule(route, 'AwsSolutions-APIG4', 'CORS preflight (OPTIONS) route: browsers never authenticate a '
              + 'preflight, and API Gateway answers it from the CORS configuration; every other method keeps the authorizer');
          }
        }
      }
      this.stage = this.api.addStage('DefaultStage', {
        stageName: '$default',
        autoDeploy: true,
        throttle: {
          rateLimit: props.throttling?.rateLimit ?? 100,
          burstLimit: props.throttling?.burstLimit ?? 200,
        },
        accessLogSettings: {
          destination: new apigwv2.LogGroupLogDestination(this.accessLogGroup),
          format: AccessLogFormat.custom(JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            method: '$context.httpMethod',
            routeKey: '$context.routeKey',
            path: '$context.path',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            integrationStatus: '$context.integrationStatus',
            integrationError: '$context.integrationErrorMessage',
          })),
        },
      });
      this.url = this.stage.url;
      if (props.authorizer instanceof apigwv2.HttpNoneAuthorizer) {
        warn(this, 'ProvisionedApi.publicHttpApi',
          'authorizer is HttpNoneAuthorizer: anyone on the internet can call the API, and every call can use the billed warm pool. '
          + 'Only the stage throttling limits abuse. Use a JWT, Lambda or IAM authorizer, or authenticate in the handler.');
        // The user chose a public API explicitly and the warning above keeps it visible in review.
        acknowledgeRule(this.api, 'AwsSolutions-APIG4', 'public API chosen explicitly with HttpNoneAuthorizer; '
          + 'flagged by the cdk-serverless-patterns:ProvisionedApi.publicHttpApi warning');
      }
    } else {
      const authType = props.functionUrlAuthType ?? lambda.FunctionUrlAuthType.AWS_IAM;
      if (authType === lambda.FunctionUrlAuthType.NONE) {
        warn(this, 'ProvisionedApi.publicFunctionUrl',
          'functionUrlAuthType is NONE: anyone on the internet can invoke the function URL, with no throttling in front of it '
          + 'and provisioned concurrency billed for every spike. Authenticate in the handler, or keep AWS_IAM.');
      }
      this.functionUrl = this.alias.addFunctionUrl({
        authType,
        cors: cors ? {
          allowedOrigins: cors.origins,
          allowedMethods: cors.methods.map((m) => m as lambda.HttpMethod),
          allowedHeaders: cors.headers,
          exposedHeaders: cors.exposeHeaders,
          allowCredentials: cors.allowCredentials,
          maxAge: cors.maxAge,
        } : undefined,
      });
      this.url = this.functionUrl.url;
    }

    this.idleCost = this.estimateIdleCost(props, fn, minCapacity, schedule);
    this.alarms = this.createApiAlarms(props, endpoint);
  }

  /**
   * Lets the grantee call the API with SigV4-signed requests: `execute-api:Invoke` on every route
   * of the HTTP API (IAM authorizer, the default), or `lambda:InvokeFunctionUrl` on the alias's
   * function URL (`AWS_IAM` auth, the default).
   */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    if (this.functionUrl) return this.alias.grantInvokeUrl(grantee);
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['execute-api:Invoke'],
      resourceArns: [this.api!.arnForExecuteApi()],
    });
  }

  /** Invocations that found no warm environment and ran on demand (cold starts), sum over 5 minutes. */
  public metricSpilloverInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.alias.metric('ProvisionedConcurrencySpilloverInvocations', {
      statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5), ...props,
    });
  }

  /** Share of the warm pool in use (0 to 1), maximum over 1 minute. */
  public metricProvisionedConcurrencyUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.alias.metric('ProvisionedConcurrencyUtilization', {
      statistic: cloudwatch.Stats.MAXIMUM, period: Duration.minutes(1), ...props,
    });
  }

  /** Percentage of requests answered with a 5xx, over 5 minutes. */
  public metricServerErrorRate(): cloudwatch.MathExpression {
    const period = Duration.minutes(5);
    const errors = this.api
      ? this.api.metricServerError({ statistic: cloudwatch.Stats.SUM, period })
      : this.alias.metric('Url5xxCount', { statistic: cloudwatch.Stats.SUM, period });
    const requests = this.api
      ? this.api.metricCount({ statistic: cloudwatch.Stats.SUM, period })
      : this.alias.metric('UrlRequestCount', { statistic: cloudwatch.Stats.SUM, period });
    return new cloudwatch.MathExpression({
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: { errors, requests },
      label: '5xx rate (%)',
      period,
    });
  }

  /** p99 latency of the endpoint in milliseconds, over 5 minutes. */
  public metricLatencyP99(): cloudwatch.Metric {
    const options = { statistic: 'p99', period: Duration.minutes(5) };
    return this.api ? this.api.metricLatency(options) : this.alias.metric('UrlRequestLatency', options);
  }

  private createApiAlarms(props: ProvisionedApiProps, endpoint: ProvisionedApiEndpoint): cloudwatch.Alarm[] {
    const latency = props.latencyThreshold ?? Duration.seconds(1);
    const errorRate = props.serverErrorRateThreshold ?? 1;
    const front = endpoint === ProvisionedApiEndpoint.HTTP_API ? 'HTTP API' : 'function URL';
    return createAlarms(this, props, {
      ServerErrorRateAlarm: {
        metric: this.metricServerErrorRate(),
        threshold: errorRate,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        description: `more than ${errorRate}% of ${front} requests answered 5xx over 5 minutes`,
      },
      LatencyAlarm: {
        metric: this.metricLatencyP99(),
        threshold: latency.toMilliseconds(),
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 2,
        description: `${front} p99 latency above ${latency.toHumanString()} for 10 minutes`,
      },
      ThrottlesAlarm: {
        metric: this.function.metricThrottles({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) }),
        threshold: 1,
        description: 'function throttled: requests beyond reserved concurrency were rejected; raise reservedConcurrency or lower the stage throttling',
      },
      SpilloverAlarm: {
        metric: this.metricSpilloverInvocations(),
        threshold: 1,
        description: 'invocations spilled over the provisioned concurrency and met cold starts; raise autoScaling.maxCapacity or the schedule peakMin',
      },
      UtilizationAlarm: {
        metric: this.metricProvisionedConcurrencyUtilization(),
        threshold: 0.9,
        evaluationPeriods: 5,
        description: 'provisioned concurrency more than 90% used for 5 minutes: autoscaling is at its maximum or not keeping up',
      },
    });
  }

  private validate(props: ProvisionedApiProps, endpoint: ProvisionedApiEndpoint, provisioned: number,
    minCapacity: number, maxCapacity: number, reserved: number | undefined): void {
    validateIntegerRange(this, 'provisionedConcurrency', provisioned, 1, 10000,
      'set provisionedConcurrency to 1 or more; use SqsWorker or AsyncFunction for work that tolerates cold starts');
    validateIntegerRange(this, 'autoScaling.minCapacity', minCapacity, 0, 10000);
    validateIntegerRange(this, 'autoScaling.maxCapacity', maxCapacity, 1, 10000);
    validateIntegerRange(this, 'reservedConcurrency', props.reservedConcurrency, 1, 10000);
    validateIntegerRange(this, 'accountConcurrencyLimit', props.accountConcurrencyLimit, UNRESERVED_BUFFER + 1, 10000000);
    validateIntegerRange(this, 'memorySize', props.memorySize, 128, 10240);
    const latency = props.latencyThreshold;
    if (latency && !latency.isUnresolved()) {
      const ms = latency.toMilliseconds({ integral: false });
      if (ms < 1 || ms > 30000) {
        invalidProp(this, 'latencyThreshold', `must be between 1 millisecond and 30 seconds (given ${latency.toHumanString()})`,
          'set latencyThreshold to the p99 your users accept, e.g. Duration.millis(500)');
      }
    }
    const target = props.utilizationTarget;
    if (target !== undefined && !Token.isUnresolved(target) && (target < 0.1 || target > 0.9)) {
      invalidProp(this, 'utilizationTarget', `must be between 0.1 and 0.9 (given ${target})`,
        'set utilizationTarget to about 0.7: high enough to use the warm pool, low enough to scale before it runs out');
    }
    const rate = props.serverErrorRateThreshold;
    if (rate !== undefined && !Token.isUnresolved(rate) && (rate <= 0 || rate > 100)) {
      invalidProp(this, 'serverErrorRateThreshold', `must be a percentage above 0 and at most 100 (given ${rate})`,
        'set serverErrorRateThreshold to e.g. 1 (percent of requests answered 5xx)');
    }

    if (areResolved(provisioned, maxCapacity) && provisioned > maxCapacity) {
      invalidProp(this, 'provisionedConcurrency',
        `must not exceed autoScaling.maxCapacity (given provisionedConcurrency ${provisioned} > maxCapacity ${maxCapacity}); `
        + 'autoscaling would scale the pool back down right after deploy',
        `lower provisionedConcurrency to ${maxCapacity} or raise autoScaling.maxCapacity to ${provisioned}`);
    }
    if (areResolved(minCapacity, maxCapacity) && minCapacity > maxCapacity) {
      invalidProp(this, 'autoScaling.minCapacity',
        `must not exceed autoScaling.maxCapacity (given minCapacity ${minCapacity} > maxCapacity ${maxCapacity})`,
        `lower minCapacity to ${maxCapacity} or raise maxCapacity to ${minCapacity}`);
    }
    if (areResolved(provisioned, minCapacity) && provisioned < minCapacity) {
      invalidProp(this, 'provisionedConcurrency',
        `must be at least autoScaling.minCapacity (given provisionedConcurrency ${provisioned} < minCapacity ${minCapacity})`,
        `raise provisionedConcurrency to ${minCapacity} or lower autoScaling.minCapacity to ${provisioned}`);
    }
    if (areResolved(provisioned, reserved) && provisioned > reserved!) {
      invalidProp(this, 'provisionedConcurrency',
        `must not exceed reservedConcurrency (given provisionedConcurrency ${provisioned} > reservedConcurrency ${reserved}); `
        + 'Lambda cannot keep more environments warm than the function may run',
        `lower provisionedConcurrency to ${reserved} or raise reservedConcurrency to ${provisioned}`);
    }
    if (areResolved(maxCapacity, reserved) && maxCapacity > reserved!) {
      invalidProp(this, 'autoScaling.maxCapacity',
        `must not exceed reservedConcurrency (given maxCapacity ${maxCapacity} > reservedConcurrency ${reserved}); `
        + 'autoscaling could never reach it',
        `lower autoScaling.maxCapacity to ${reserved} or raise reservedConcurrency to ${maxCapacity}`);
    }
    const limit = props.accountConcurrencyLimit ?? 1000;
    if (areResolved(reserved, limit) && reserved! > limit - UNRESERVED_BUFFER) {
      invalidProp(this, 'reservedConcurrency',
        `would leave ${limit - reserved!} of the account concurrency limit ${limit} unreserved (given reservedConcurrency ${reserved}); `
        + `Lambda keeps at least ${UNRESERVED_BUFFER} unreserved for every other function`,
        `lower reservedConcurrency to ${limit - UNRESERVED_BUFFER} or less, or set accountConcurrencyLimit to your raised quota`);
    }

    this.validateTimeout(endpoint, props.timeout, 'timeout');
    if (endpoint === ProvisionedApiEndpoint.HTTP_API && props.functionUrlAuthType !== undefined) {
      invalidProp(this, 'functionUrlAuthType', 'only applies to endpoint: FUNCTION_URL (given with endpoint HTTP_API)',
        'remove functionUrlAuthType, or set endpoint: ProvisionedApiEndpoint.FUNCTION_URL');
    }
    if (endpoint === ProvisionedApiEndpoint.FUNCTION_URL && props.authorizer !== undefined) {
      invalidProp(this, 'authorizer', 'only applies to endpoint: HTTP_API (given with endpoint FUNCTION_URL)',
        'remove authorizer and use functionUrlAuthType AWS_IAM, or set endpoint: ProvisionedApiEndpoint.HTTP_API');
    }
    if (endpoint === ProvisionedApiEndpoint.FUNCTION_URL && props.throttling !== undefined) {
      invalidProp(this, 'throttling', 'function URLs have no stage throttling (given with endpoint FUNCTION_URL)',
        'remove throttling (reservedConcurrency caps a function URL), or use endpoint: ProvisionedApiEndpoint.HTTP_API');
    }
    const throttling = props.throttling;
    if (throttling?.rateLimit !== undefined && !Token.isUnresolved(throttling.rateLimit) && !(throttling.rateLimit > 0)) {
      invalidProp(this, 'throttling.rateLimit', `must be above 0 requests per second (given ${throttling.rateLimit})`,
        'set throttling.rateLimit to the steady request rate the API should accept, e.g. 100');
    }
    validateIntegerRange(this, 'throttling.burstLimit', throttling?.burstLimit, 1, 5000);
    if (props.cors) this.validateCors(props.cors);
  }

  private validateTimeout(endpoint: ProvisionedApiEndpoint, timeout: Duration | undefined, prop: string): void {
    if (endpoint !== ProvisionedApiEndpoint.HTTP_API || !timeout || timeout.isUnresolved()) return;
    if (timeout.toSeconds() > API_GATEWAY_INTEGRATION_LIMIT.toSeconds()) {
      invalidProp(this, prop,
        `must be at most 29 seconds behind API Gateway (given ${timeout.toHumanString()}): API Gateway ends the integration `
        + 'at its 29-30 second limit and answers 503/504 while the function keeps running and billing',
        'keep the timeout at or below Duration.seconds(29) (the default is 10 seconds), move long work to an SqsWorker or '
        + 'AsyncFunction and answer 202, or use endpoint: ProvisionedApiEndpoint.FUNCTION_URL');
    }
  }

  private validateCors(cors: ProvisionedApiCorsOptions): void {
    if (cors.allowOrigins.length === 0) {
      invalidProp(this, 'cors.allowOrigins', 'must list at least one origin (given an empty list)',
        'list the origins of your web app, e.g. [\'https://shop.example.com\'], or remove cors');
    }
    for (const method of cors.allowMethods ?? []) {
      if (!CORS_METHODS.includes(method)) {
        invalidProp(this, 'cors.allowMethods', `method '${method}' is not one of ${CORS_METHODS.join(', ')}`,
          'use upper-case method names; OPTIONS preflights are answered for you');
      }
    }
    if (cors.allowCredentials && cors.allowOrigins.includes('*')) {
      invalidProp(this, 'cors.allowCredentials', 'cannot be combined with the \'*\' origin (browsers reject it)',
        'list the exact origins that send credentials');
    }
  }

  private validateSchedule(schedule: ProvisionedApiSchedule, minCapacity: number, maxCapacity: number): ResolvedSchedule {
    const scaleUp = parseCron(schedule.scaleUp);
    if (typeof scaleUp === 'string') {
      invalidProp(this, 'schedule.scaleUp', `is not a valid cron expression: ${scaleUp} (given '${schedule.scaleUp}')`, CRON_FIX);
    }
    const scaleDown = parseCron(schedule.scaleDown);
    if (typeof scaleDown === 'string') {
      invalidProp(this, 'schedule.scaleDown', `is not a valid cron expression: ${scaleDown} (given '${schedule.scaleDown}')`, CRON_FIX);
    }
    const peakMin = schedule.peakMin ?? minCapacity;
    const offPeakMin = schedule.offPeakMin ?? 0;
    validateIntegerRange(this, 'schedule.peakMin', peakMin, 0, 10000);
    validateIntegerRange(this, 'schedule.offPeakMin', offPeakMin, 0, 10000);
    if (areResolved(peakMin, maxCapacity) && peakMin > maxCapacity) {
      invalidProp(this, 'schedule.peakMin', `must not exceed autoScaling.maxCapacity (given peakMin ${peakMin} > maxCapacity ${maxCapacity})`,
        `lower schedule.peakMin to ${maxCapacity} or raise autoScaling.maxCapacity to ${peakMin}`);
    }
    if (areResolved(peakMin, offPeakMin) && offPeakMin > peakMin) {
      invalidProp(this, 'schedule.offPeakMin', `must not exceed schedule.peakMin (given offPeakMin ${offPeakMin} > peakMin ${peakMin})`,
        `lower schedule.offPeakMin to ${peakMin} or less`);
    }
    return { scaleUp, scaleDown, peakMin, offPeakMin };
  }

  private estimateIdleCost(props: ProvisionedApiProps, fn: lambda.Function, minCapacity: number,
    schedule: ResolvedSchedule | undefined): ProvisionedConcurrencyCostEstimate | undefined {
    const cfn = fn.node.defaultChild as lambda.CfnFunction;
    const memorySize = cfn.memorySize ?? 128;
    const capacities = schedule ? [schedule.peakMin, schedule.offPeakMin, minCapacity] : [minCapacity];
    if (!areResolved(memorySize, ...capacities)) return undefined;

    const peakShare = schedule ? peakShareOfYear(schedule.scaleUp, schedule.scaleDown) : undefined;
    const peakHoursPerMonth = schedule && peakShare !== undefined ? peakShare * HOURS_PER_MONTH : 0;
    const averageWarmEnvironments = schedule && peakShare !== undefined
      ? (schedule.peakMin * peakHoursPerMonth + schedule.offPeakMin * (HOURS_PER_MONTH - peakHoursPerMonth)) / HOURS_PER_MONTH
      : minCapacity;
    const gbSecondsPerMonth = averageWarmEnvironments * (memorySize / 1024) * HOURS_PER_MONTH * 3600;
    const arm64Price = props.provisionedConcurrencyPrice?.arm64PerGbSecond ?? US_EAST_1_PC_PRICE.arm64;
    const x86Price = props.provisionedConcurrencyPrice?.x86PerGbSecond ?? US_EAST_1_PC_PRICE.x86;
    const architecture = fn.architecture.name;
    const pricePerGbSecond = architecture === lambda.Architecture.ARM_64.name ? arm64Price : x86Price;
    const estimate: ProvisionedConcurrencyCostEstimate = {
      architecture,
      memorySize,
      peakHoursPerMonth,
      averageWarmEnvironments,
      gbSecondsPerMonth,
      pricePerGbSecond,
      monthlyCost: gbSecondsPerMonth * pricePerGbSecond,
      monthlyCostArm64: gbSecondsPerMonth * arm64Price,
      monthlyCostX86: gbSecondsPerMonth * x86Price,
    };
    const floor = schedule && peakShare !== undefined
      ? `${schedule.peakMin} warm for ${peakHoursPerMonth.toFixed(1)} h and ${schedule.offPeakMin} for ${(HOURS_PER_MONTH - peakHoursPerMonth).toFixed(1)} h per month`
      : `${minCapacity} warm around the clock (730 h per month)`;
    synthNote(this, 'ProvisionedApi.idleProvisionedConcurrencyCost',
      `idle provisioned concurrency costs about $${estimate.monthlyCost.toFixed(2)} per month on ${architecture} `
      + `(arm64 $${estimate.monthlyCostArm64.toFixed(2)}, x86_64 $${estimate.monthlyCostX86.toFixed(2)}): `
      + `${floor} x ${memorySize} MB = ${Math.round(gbSecondsPerMonth)} GB-seconds x $${pricePerGbSecond} per GB-second, `
      + 'before requests and duration'
      // The price hint only while the us-east-1 defaults are in use.
      + (props.provisionedConcurrencyPrice ? '' : '; set provisionedConcurrencyPrice for regions other than us-east-1'));
    return estimate;
  }
}

/** CORS settings with their defaults applied, in one shape for both endpoints. */
function resolveCors(cors: ProvisionedApiCorsOptions | undefined) {
  if (!cors) return undefined;
  return {
    origins: cors.allowOrigins,
    methods: corsMethods(cors),
    headers: cors.allowHeaders ?? ['content-type', 'authorization'],
    exposeHeaders: cors.exposeHeaders,
    allowCredentials: cors.allowCredentials,
    maxAge: cors.maxAge ?? Duration.hours(1),
  };
}

function corsMethods(cors: ProvisionedApiCorsOptions): string[] {
  return cors.allowMethods ?? ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
}


interface ResolvedSchedule {
  readonly scaleUp: Cron;
  readonly scaleDown: Cron;
  readonly peakMin: number;
  readonly offPeakMin: number;
}


/**
 * Share of a year (2027, wall-clock minutes of the schedule's time zone, DST ignored) during which
 * the floor is at the peak level: between a scaleUp firing and the next scaleDown firing. The
 * year is treated as periodic, so the state at 1 January is the one the last firing left.
 * Undefined when neither expression fires in that year (the floor then stays at minCapacity).
 */
function peakShareOfYear(scaleUp: Cron, scaleDown: Cron): number | undefined {
  const year = 2027;
  const events: Array<[number, boolean]> = [];
  for (let day = 0; day < 365; day++) {
    const date = new Date(Date.UTC(year, 0, 1 + day));
    for (const [cron, up] of [[scaleDown, false], [scaleUp, true]] as Array<[Cron, boolean]>) {
      if (!cron.years.has(year) || !cron.months.has(date.getUTCMonth() + 1) || !cron.matchesDay(date)) continue;
      for (const hour of cron.hours) {
        for (const minute of cron.minutes) events.push([day * 1440 + hour * 60 + minute, up]);
      }
    }
  }
  if (events.length === 0) return undefined;
  events.sort((a, b) => a[0] - b[0]);
  const yearMinutes = 365 * 1440;
  let state = events[events.length - 1][1];
  let since = 0;
  let peak = 0;
  for (const [at, up] of events) {
    if (state) peak += at - since;
    state = up;
    since = at;
  }
  if (state) peak += yearMinutes - since;
  return peak / yearMinutes;
}
