import { ArnFormat, Duration, Stack, TimeZone, Token } from 'aws-cdk-lib';
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
import { createAlarms, humanMillis, recursiveLoopAlarm, rejectBothThresholds, throttlesAlarm, windowText } from '../core/alarms';
import { Defaults } from '../core/defaults';
import { createLogGroup } from '../core/logs';
import { createPatternFunction } from '../serverless-function/pattern-function';
import { acknowledgeRule } from '../core/nag';
import { invalidProp, warn } from '../core/validation';
import { provisionedAboveReservedRule } from '../rules/provisioned';
import { enforce } from '../rules/rule';
import { addPreflightRoutes, functionUrlCors, httpApiCorsPreflight, resolveCors } from './cors';
import { estimateIdleCost, ResolvedSchedule } from './idle-cost';
import { ProvisionedApiEndpoint, ProvisionedApiProps, ProvisionedConcurrencyCostEstimate } from './props';
import { CapacityPlan, validateApiTimeout, validateProvisionedApi, validateSchedule } from './validation';
import type { ExpectedLoad } from '../core/load';
import { rejectUnknownProps } from '../core/known-props';
import { PROVISIONED_API_ALARMS, PROVISIONED_API_PROPS } from './known-props';

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
    rejectUnknownProps(this, 'ProvisionedApi', props, PROVISIONED_API_PROPS);
    this.expectedLoad = props.expectedLoad;
    const endpoint = props.endpoint ?? ProvisionedApiEndpoint.HTTP_API;
    const capacity = planCapacity(props);
    const schedule = props.schedule ? validateSchedule(this, props.schedule, capacity.minCapacity, capacity.maxCapacity) : undefined;
    validateProvisionedApi(this, props, endpoint, capacity);

    const fn = this.createFunction(props, endpoint, capacity);
    this.function = fn;
    this.provisionedConcurrency = capacity.provisioned;
    this.reservedConcurrency = props.handler.existingFunction ? undefined : capacity.reserved;

    // A new version on every code or configuration change; requests only ever reach the alias.
    this.version = fn.currentVersion;
    this.alias = new lambda.Alias(this, 'Alias', {
      aliasName: 'live',
      version: this.version,
      provisionedConcurrentExecutions: capacity.provisioned,
    });
    this.autoScaling = this.createAutoScaling(props, capacity, schedule);

    if (endpoint === ProvisionedApiEndpoint.HTTP_API) {
      this.accessLogGroup = createLogGroup(this, 'AccessLogs', { retention: props.logRetention, encryptionKey: props.logEncryptionKey });
      this.api = this.createHttpApi(props);
      this.stage = this.createStage(props, this.api, this.accessLogGroup);
      this.url = this.stage.url;
    } else {
      this.functionUrl = this.createFunctionUrl(props);
      this.url = this.functionUrl.url;
    }

    this.idleCost = estimateIdleCost(this, props, fn, capacity.minCapacity, schedule);
    this.alarms = this.createApiAlarms(props, endpoint);
  }

  /**
   * Lets the grantee call the API with SigV4-signed requests: `execute-api:Invoke` on the HTTP
   * API's `$default` route (IAM authorizer, the default), or `lambda:InvokeFunctionUrl` and
   * `lambda:InvokeFunction` on the alias's function URL (`AWS_IAM` auth, the default).
   * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-access-control-iam.html
   */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    if (this.functionUrl) return this.alias.grantInvokeUrl(grantee);
    // The API has one route, $default, in the $default stage: its execute-api ARN is exactly
    // <api-id>/$default/$default, so no `*/*/*` wildcard resource.
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['execute-api:Invoke'],
      resourceArns: [Stack.of(this).formatArn({
        service: 'execute-api', resource: this.api!.apiId, resourceName: '$default/$default', arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      })],
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
    rejectBothThresholds(this, 'latencyThreshold', props.latencyThreshold, props.alarms?.latency, 'alarms.latency');
    rejectBothThresholds(this, 'serverErrorRateThreshold', props.serverErrorRateThreshold, props.alarms?.serverErrorRate,
      'alarms.serverErrorRate');
    const latency = props.latencyThreshold ?? Duration.seconds(1);
    const errorRate = props.serverErrorRateThreshold ?? 1;
    const front = endpoint === ProvisionedApiEndpoint.HTTP_API ? 'HTTP API' : 'function URL';
    return createAlarms(this, props, {
      ServerErrorRateAlarm: {
        metric: this.metricServerErrorRate(),
        threshold: errorRate,
        maxThreshold: 100,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        description: (w) => `more than ${w.threshold}% of ${front} requests answered 5xx over ${windowText(w)}`,
      },
      LatencyAlarm: {
        metric: this.metricLatencyP99(),
        threshold: latency.toMilliseconds(),
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 2,
        description: (w) => `${front} p99 latency above ${w.threshold === latency.toMilliseconds() ? latency.toHumanString()
          : humanMillis(w.threshold)} for ${windowText(w)}`,
      },
      ThrottlesAlarm: throttlesAlarm(this.function,
        'function throttled: requests beyond reserved concurrency were rejected; raise reservedConcurrency or lower the stage throttling'),
      ...recursiveLoopAlarm(this.function),
      SpilloverAlarm: {
        metric: this.metricSpilloverInvocations(),
        threshold: 1,
        description: 'invocations spilled over the provisioned concurrency and met cold starts; raise autoScaling.maxCapacity or the schedule peakMin',
      },
      UtilizationAlarm: {
        metric: this.metricProvisionedConcurrencyUtilization(),
        threshold: 0.9,
        maxThreshold: 1,
        evaluationPeriods: 5,
        description: (w) => `provisioned concurrency more than ${Token.isUnresolved(w.threshold) ? 'the threshold' : `${+(w.threshold * 100).toFixed(2)}%`} `
          + `used for ${windowText(w)}: autoscaling is at its maximum or not keeping up`,
      },
    }, { value: props.alarms, known: PROVISIONED_API_ALARMS, type: 'ProvisionedApiAlarms' });
  }

  /** The function (created, or yours: it must be a lambda.Function, whose versions are published here). */
  private createFunction(props: ProvisionedApiProps, endpoint: ProvisionedApiEndpoint, capacity: CapacityPlan): lambda.Function {
    const existing = props.handler.existingFunction;
    // With your own function, logEncryptionKey still encrypts the access logs; your function's logs stay yours to configure.
    const made = createPatternFunction(this, 'Function', existing ? { ...props, logEncryptionKey: undefined } : props, {
      defaultTimeout: Defaults.timeouts.api,
      description: `Provisioned API ${this.node.path}`,
      defaultReservedConcurrency: capacity.reserved,
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
    if (existing) {
      validateApiTimeout(this, endpoint, fn.timeout, 'handler');
      // Your function's own reserve: the provisioned-above-reserved rule holds for it too.
      const reserved = (fn.node.defaultChild as lambda.CfnFunction).reservedConcurrentExecutions;
      enforce(this, 'handler', provisionedAboveReservedRule.check({
        provisioned: Token.isUnresolved(capacity.provisioned) ? undefined : capacity.provisioned,
        reserved: reserved === undefined || Token.isUnresolved(reserved) ? undefined : reserved,
      }));
    }
    return fn;
  }

  private createAutoScaling(props: ProvisionedApiProps, capacity: CapacityPlan,
    schedule: ResolvedSchedule | undefined): lambda.IScalableFunctionAttribute {
    const autoScaling = this.alias.addAutoScaling({ minCapacity: capacity.minCapacity, maxCapacity: capacity.maxCapacity });
    autoScaling.scaleOnUtilization({ utilizationTarget: props.utilizationTarget ?? 0.7 });
    if (props.schedule && schedule) {
      const timeZone = props.schedule.timeZone ?? TimeZone.ETC_UTC;
      autoScaling.scaleOnSchedule('ScaleUp', {
        schedule: appscaling.Schedule.expression(`cron(${schedule.scaleUp.expression})`),
        minCapacity: schedule.peakMin,
        timeZone,
      });
      autoScaling.scaleOnSchedule('ScaleDown', {
        schedule: appscaling.Schedule.expression(`cron(${schedule.scaleDown.expression})`),
        minCapacity: schedule.offPeakMin,
        timeZone,
      });
    }
    return autoScaling;
  }

  private createHttpApi(props: ProvisionedApiProps): apigwv2.HttpApi {
    const integration = new HttpLambdaIntegration('Integration', this.alias);
    const api = new apigwv2.HttpApi(this, 'Api', {
      description: `Provisioned API ${this.node.path}`,
      createDefaultStage: false,
      defaultAuthorizer: props.authorizer ?? new HttpIamAuthorizer(),
      defaultIntegration: integration,
      corsPreflight: httpApiCorsPreflight(resolveCors(props.cors)),
    });
    if (props.cors && !(props.authorizer instanceof apigwv2.HttpNoneAuthorizer)) addPreflightRoutes(api, integration);
    if (props.authorizer instanceof apigwv2.HttpNoneAuthorizer) {
      warn(this, 'ProvisionedApi.publicHttpApi',
        'authorizer is HttpNoneAuthorizer: anyone on the internet can call the API, and every call can use the billed warm pool. '
        + 'Only the stage throttling limits abuse. Use a JWT, Lambda or IAM authorizer, or authenticate in the handler.');
      // The user chose a public API explicitly and the warning above keeps it visible in review.
      acknowledgeRule(api, 'AwsSolutions-APIG4', 'public API chosen explicitly with HttpNoneAuthorizer; '
        + 'flagged by the cdk-serverless-patterns:ProvisionedApi.publicHttpApi warning');
    }
    return api;
  }

  private createStage(props: ProvisionedApiProps, api: apigwv2.HttpApi, accessLogGroup: logs.ILogGroup): apigwv2.HttpStage {
    return api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: {
        rateLimit: props.throttling?.rateLimit ?? 100,
        burstLimit: props.throttling?.burstLimit ?? 200,
      },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogGroup),
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
  }

  private createFunctionUrl(props: ProvisionedApiProps): lambda.FunctionUrl {
    const authType = props.functionUrlAuthType ?? lambda.FunctionUrlAuthType.AWS_IAM;
    if (authType === lambda.FunctionUrlAuthType.NONE) {
      warn(this, 'ProvisionedApi.publicFunctionUrl',
        'functionUrlAuthType is NONE: anyone on the internet can invoke the function URL, with no throttling in front of it '
        + 'and provisioned concurrency billed for every spike. Authenticate in the handler, or keep AWS_IAM.');
    }
    return this.alias.addFunctionUrl({ authType, cors: functionUrlCors(resolveCors(props.cors)) });
  }
}

/** Provisioned, autoscaling and reserved concurrency with their defaults. */
function planCapacity(props: ProvisionedApiProps): CapacityPlan {
  const provisioned = props.provisionedConcurrency ?? 2;
  const minCapacity = props.autoScaling?.minCapacity ?? provisioned;
  const maxCapacity = props.autoScaling?.maxCapacity
    ?? (Token.isUnresolved(provisioned) ? 10 : Math.max(10, provisioned));
  const reserved = props.reservedConcurrency
    ?? (props.handler.existingFunction || Token.isUnresolved(maxCapacity) ? undefined : 2 * maxCapacity);
  return { provisioned, minCapacity, maxCapacity, reserved };
}
