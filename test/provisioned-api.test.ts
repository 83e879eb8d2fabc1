import { CfnParameter, Duration, Stack, TimeZone } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { HttpNoneAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { addProvisionedApiDemo } from '../examples/provisioned-api';
import {
  HandlerCode, ProvisionedApi, ProvisionedApiEndpoint, ProvisionedApiProps,
} from '../lib';
import { newStack, snapshotTemplate, template, warningsOf } from './support/cdk';

const code = () => HandlerCode.fromCode(lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 })'), 'index.handler');

function build(props: Partial<ProvisionedApiProps> = {}, stack: Stack = newStack()): { stack: Stack; api: ProvisionedApi } {
  const api = new ProvisionedApi(stack, 'Api', { handler: code(), ...props });
  return { stack, api };
}

function expectError(props: Partial<ProvisionedApiProps>, prop: string, rule: RegExp, fix: RegExp): void {
  let message = '';
  try {
    build(props);
  } catch (e) {
    message = (e as Error).message;
  }
  expect(message).toMatch(new RegExp(`^TestStack/Api: invalid prop '${prop.replace(/\./g, '\\.')}': `));
  expect(message).toMatch(rule);
  expect(message).toMatch(/\. Fix: /);
  expect(message.split('. Fix: ')[1]).toMatch(fix);
}

function infosOf(stack: Stack): string[] {
  return Annotations.fromStack(stack).findInfo('*', Match.anyValue()).map((m) => String(m.entry.data));
}

/** us-east-1 provisioned concurrency prices the construct documents, USD per GB-second. */
const ARM_PRICE = 0.0000033334;
const X86_PRICE = 0.0000041667;
const SECONDS_PER_MONTH = 730 * 3600;

describe('ProvisionedApi defaults (HTTP API)', () => {
  const { stack, api } = build();
  const t = template(stack);

  test('function: ARM64, 10 s timeout, reserved concurrency 2 x autoscaling max', () => {
    t.hasResourceProperties('AWS::Lambda::Function', {
      Architectures: ['arm64'],
      Timeout: 10,
      MemorySize: 512,
      ReservedConcurrentExecutions: 20,
      TracingConfig: { Mode: 'Active' },
    });
    expect(api.reservedConcurrency).toBe(20);
  });

  test('a version is published and the live alias points at it with provisioned concurrency 2', () => {
    const versions = t.findResources('AWS::Lambda::Version');
    expect(Object.keys(versions)).toHaveLength(1);
    const versionId = Object.keys(versions)[0];
    t.hasResourceProperties('AWS::Lambda::Alias', {
      Name: 'live',
      FunctionVersion: { 'Fn::GetAtt': [versionId, 'Version'] },
      ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 2 },
    });
    expect(api.provisionedConcurrency).toBe(2);
  });

  test('autoscaling target on the alias: min 2, max 10, target tracking on utilization 0.7', () => {
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ServiceNamespace: 'lambda',
      ScalableDimension: 'lambda:function:ProvisionedConcurrency',
      MinCapacity: 2,
      MaxCapacity: 10,
      ResourceId: { 'Fn::Join': ['', Match.arrayWith(['function:', ':live'])] },
      ScheduledActions: Match.absent(),
    });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        PredefinedMetricSpecification: { PredefinedMetricType: 'LambdaProvisionedConcurrencyUtilization' },
        TargetValue: 0.7,
      },
    });
  });

  test('the integration and the invoke permission point at the alias, never $LATEST', () => {
    const aliasId = Object.keys(t.findResources('AWS::Lambda::Alias'))[0];
    t.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: { Ref: aliasId },
      PayloadFormatVersion: '2.0',
    });
    t.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: '$default', AuthorizationType: 'AWS_IAM' });
    const permissions = Object.values(t.findResources('AWS::Lambda::Permission'));
    expect(permissions).toHaveLength(1);
    expect(permissions[0].Properties.FunctionName).toEqual({ Ref: aliasId });
    expect(permissions[0].Properties.Principal).toBe('apigateway.amazonaws.com');
  });

  test('the $default stage throttles at 100 rps / 200 burst and logs to a log group with retention', () => {
    const logGroupId = stack.getLogicalId(api.accessLogGroup!.node.defaultChild as never);
    t.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [logGroupId, 'Arn'] },
        Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId".*"status":"\\$context.status"'),
      },
    });
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    expect(Object.keys(t.findResources('AWS::Logs::LogGroup'))).toContain(logGroupId);
    t.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP', CorsConfiguration: Match.absent() });
  });

  test('no function URL, and the public URL is the stage URL', () => {
    t.resourceCountIs('AWS::Lambda::Url', 0);
    expect(api.functionUrl).toBeUndefined();
    expect(stack.resolve(api.url)).toEqual(stack.resolve(api.stage!.url));
  });

  test('six alarms: 5xx rate, p99 latency, throttles, recursive invocations dropped, spillover, utilization', () => {
    expect(api.alarms).toHaveLength(6);
    const aliasId = Object.keys(t.findResources('AWS::Lambda::Alias'))[0];
    const fnId = stack.getLogicalId(api.function.node.defaultChild as never);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 1,
      ComparisonOperator: 'GreaterThanThreshold',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(requests > 0, 100 * errors / requests, 0)' }),
        Match.objectLike({ Id: 'errors', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: '5xx', Namespace: 'AWS/ApiGateway' }), Stat: 'Sum' }) }),
        Match.objectLike({ Id: 'requests', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'Count' }) }) }),
      ]),
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Latency', Namespace: 'AWS/ApiGateway', ExtendedStatistic: 'p99', Threshold: 1000, EvaluationPeriods: 2,
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Throttles', Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId } }], Threshold: 1,
    });
    const aliasDimensions = Match.arrayWith([
      { Name: 'FunctionName', Value: { Ref: fnId } },
      Match.objectLike({ Name: 'Resource' }),
    ]);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ProvisionedConcurrencySpilloverInvocations', Statistic: 'Sum', Threshold: 1, Dimensions: aliasDimensions,
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ProvisionedConcurrencyUtilization', Statistic: 'Maximum', Threshold: 0.9, EvaluationPeriods: 5, Dimensions: aliasDimensions,
    });
    const spill = Object.values(t.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'ProvisionedConcurrencySpilloverInvocations' } }))[0];
    const resource = spill.Properties.Dimensions.find((d: { Name: string }) => d.Name === 'Resource');
    expect(JSON.stringify(resource.Value)).toContain(':live');
    expect(aliasId).toBeDefined();
  });

  test('no warnings on the defaults', () => {
    expect(warningsOf(stack)).toEqual([]);
  });
});

describe('ProvisionedApi options', () => {
  test('business-hours schedule: scheduled actions with the time zone next to target tracking', () => {
    const { stack } = build({
      provisionedConcurrency: 4,
      autoScaling: { minCapacity: 1, maxCapacity: 12 },
      schedule: {
        scaleUp: 'cron(30 7 ? * MON-FRI *)', scaleDown: '0  19 ? * MON-FRI *', timeZone: TimeZone.EUROPE_BERLIN, peakMin: 4, offPeakMin: 0,
      },
    });
    const t = template(stack);
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 1,
      MaxCapacity: 12,
      ScheduledActions: [
        { ScheduledActionName: 'ScaleUp', Schedule: 'cron(30 7 ? * MON-FRI *)', Timezone: 'Europe/Berlin', ScalableTargetAction: { MinCapacity: 4 } },
        { ScheduledActionName: 'ScaleDown', Schedule: 'cron(0 19 ? * MON-FRI *)', Timezone: 'Europe/Berlin', ScalableTargetAction: { MinCapacity: 0 } },
      ],
    });
    t.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 1);
  });

  test('schedule defaults: UTC, peakMin = autoscaling min, offPeakMin 0', () => {
    const { stack } = build({ provisionedConcurrency: 3, schedule: { scaleUp: '0 8 ? * MON-FRI *', scaleDown: '0 18 ? * MON-FRI *' } });
    template(stack).hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ScheduledActions: [
        Match.objectLike({ Timezone: 'Etc/UTC', ScalableTargetAction: { MinCapacity: 3 } }),
        Match.objectLike({ Timezone: 'Etc/UTC', ScalableTargetAction: { MinCapacity: 0 } }),
      ],
    });
  });

  test('utilization target, throttling, timeout, memory and reserved concurrency are passed through', () => {
    const { stack } = build({
      utilizationTarget: 0.5, throttling: { rateLimit: 25, burstLimit: 50 }, timeout: Duration.seconds(29),
      memorySize: 1769, reservedConcurrency: 30,
    });
    const t = template(stack);
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ TargetValue: 0.5 }),
    });
    t.hasResourceProperties('AWS::ApiGatewayV2::Stage', { DefaultRouteSettings: { ThrottlingRateLimit: 25, ThrottlingBurstLimit: 50 } });
    t.hasResourceProperties('AWS::Lambda::Function', { Timeout: 29, MemorySize: 1769, ReservedConcurrentExecutions: 30 });
  });

  test('CORS on the HTTP API', () => {
    const { stack } = build({ cors: { allowOrigins: ['https://shop.example.com'], allowMethods: ['GET', 'POST'], allowCredentials: true } });
    template(stack).hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: {
        AllowOrigins: ['https://shop.example.com'],
        AllowMethods: ['GET', 'POST'],
        AllowHeaders: ['content-type', 'authorization'],
        AllowCredentials: true,
        MaxAge: 3600,
      },
    });
  });

  test('CORS with an authorizer: unauthorized OPTIONS routes (browser preflight) on the same integration, $default keeps the authorizer', () => {
    const { stack } = build({ cors: { allowOrigins: ['https://shop.example.com'] } });
    const t = template(stack);
    const integrationId = Object.keys(t.findResources('AWS::ApiGatewayV2::Integration'));
    expect(integrationId).toHaveLength(1);
    const target = { 'Fn::Join': ['', ['integrations/', { Ref: integrationId[0] }]] };
    t.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: '$default', AuthorizationType: 'AWS_IAM', Target: target });
    t.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'OPTIONS /', AuthorizationType: 'NONE', Target: target });
    t.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'OPTIONS /{proxy+}', AuthorizationType: 'NONE', Target: target });
    t.resourceCountIs('AWS::ApiGatewayV2::Route', 3);
    // aws-cdk-lib adds one invoke permission per route; every one is on the alias.
    const aliasId = Object.keys(t.findResources('AWS::Lambda::Alias'))[0];
    const permissions = Object.values(t.findResources('AWS::Lambda::Permission'));
    expect(permissions.map((p) => p.Properties.FunctionName)).toEqual([{ Ref: aliasId }, { Ref: aliasId }, { Ref: aliasId }]);
  });

  test('CORS on a public API (HttpNoneAuthorizer) or no CORS: only the $default route', () => {
    template(build({ cors: { allowOrigins: ['https://shop.example.com'] }, authorizer: new HttpNoneAuthorizer() }).stack)
      .resourceCountIs('AWS::ApiGatewayV2::Route', 1);
    template(build().stack).resourceCountIs('AWS::ApiGatewayV2::Route', 1);
  });

  test('function URL endpoint: on the alias, AWS_IAM by default, no API Gateway, no warning', () => {
    const { stack, api } = build({ endpoint: ProvisionedApiEndpoint.FUNCTION_URL, cors: { allowOrigins: ['https://a.example.com'] } });
    const t = template(stack);
    const fnId = stack.getLogicalId(api.function.node.defaultChild as never);
    t.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'AWS_IAM',
      TargetFunctionArn: { 'Fn::GetAtt': [fnId, 'Arn'] },
      Qualifier: 'live',
      Cors: Match.objectLike({ AllowOrigins: ['https://a.example.com'], AllowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] }),
    });
    t.resourceCountIs('AWS::ApiGatewayV2::Api', 0);
    t.resourceCountIs('AWS::ApiGatewayV2::Stage', 0);
    expect(api.api).toBeUndefined();
    expect(api.accessLogGroup).toBeUndefined();
    expect(warningsOf(stack)).toEqual([]);
    // The error-rate and latency alarms read the function URL metrics of the alias.
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'UrlRequestLatency', ExtendedStatistic: 'p99' });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([Match.objectLike({ Id: 'errors', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'Url5xxCount' }) }) })]),
    });
  });

  test('function URL with auth NONE only when set explicitly, with an acknowledgeable warning', () => {
    const { stack } = build({ endpoint: ProvisionedApiEndpoint.FUNCTION_URL, functionUrlAuthType: lambda.FunctionUrlAuthType.NONE });
    template(stack).hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE' });
    const warnings = warningsOf(stack);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/functionUrlAuthType is NONE: anyone on the internet can invoke/);
    expect(warnings[0]).toMatch(/\[ack: cdk-serverless-patterns:ProvisionedApi\.publicFunctionUrl\]/);
  });

  test('grantInvoke with a function URL: lambda:InvokeFunctionUrl on the alias', () => {
    const { stack, api } = build({ endpoint: ProvisionedApiEndpoint.FUNCTION_URL });
    const role = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    api.grantInvoke(role);
    const aliasId = Object.keys(template(stack).findResources('AWS::Lambda::Alias'))[0];
    template(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({ Action: 'lambda:InvokeFunctionUrl', Resource: { Ref: aliasId }, Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'AWS_IAM' } } }),
          Match.objectLike({ Action: 'lambda:InvokeFunction', Resource: { Ref: aliasId }, Condition: { Bool: { 'lambda:InvokedViaFunctionUrl': true } } }),
        ],
      },
    });
  });

  test('grantInvoke with the HTTP API: execute-api:Invoke on exactly its $default route in the $default stage', () => {
    const { stack, api } = build();
    const role = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    api.grantInvoke(role);
    const apiId = stack.getLogicalId(api.api!.node.defaultChild as never);
    template(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: stack.getLogicalId(role.node.defaultChild as never) }],
      PolicyDocument: {
        Statement: [{
          Action: 'execute-api:Invoke',
          Effect: 'Allow',
          Resource: { 'Fn::Join': ['', Match.arrayWith([{ Ref: apiId }, '/$default/$default'])] },
        }],
      },
    });
  });

  test('a timeout above 29 s is fine behind a function URL', () => {
    const { stack } = build({ endpoint: ProvisionedApiEndpoint.FUNCTION_URL, timeout: Duration.seconds(60) });
    template(stack).hasResourceProperties('AWS::Lambda::Function', { Timeout: 60 });
  });

  test('a JWT authorizer replaces the IAM default', () => {
    const { stack } = build({ authorizer: new HttpJwtAuthorizer('Jwt', 'https://issuer.example.com', { jwtAudience: ['shop'] }) });
    const t = template(stack);
    t.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: '$default', AuthorizationType: 'JWT' });
    t.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { AuthorizerType: 'JWT', JwtConfiguration: { Issuer: 'https://issuer.example.com', Audience: ['shop'] } });
  });

  test('a public HTTP API only with HttpNoneAuthorizer set explicitly, with an acknowledgeable warning', () => {
    const { stack } = build({ authorizer: new HttpNoneAuthorizer() });
    template(stack).hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: '$default', AuthorizationType: 'NONE' });
    const warnings = warningsOf(stack);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/authorizer is HttpNoneAuthorizer: anyone on the internet can call the API/);
    expect(warnings[0]).toMatch(/\[ack: cdk-serverless-patterns:ProvisionedApi\.publicHttpApi\]/);
  });

  test('alarmsEnabled false creates no alarms', () => {
    const { stack, api } = build({ alarmsEnabled: false });
    expect(api.alarms).toEqual([]);
    template(stack).resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });

  test('alarms notify the alarm topic', () => {
    const stack = newStack();
    const topic = new sns.Topic(stack, 'Topic');
    build({ alarmTopic: topic }, stack);
    const topicId = stack.getLogicalId(topic.node.defaultChild as never);
    const alarms = Object.values(template(stack).findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(6);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
  });

  test('HandlerCode.fromFunction: wires the given lambda.Function', () => {
    const stack = newStack();
    const fn = new lambda.Function(stack, 'Own', {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>({})'),
      timeout: Duration.seconds(5),
    });
    const api = new ProvisionedApi(stack, 'Api', { handler: HandlerCode.fromFunction(fn) });
    expect(api.function).toBe(fn);
    template(stack).resourceCountIs('AWS::Lambda::Function', 1);
    expect(api.reservedConcurrency).toBeUndefined();
  });

  test('tokens are not validated at synth (CfnParameter for provisioned concurrency)', () => {
    const stack = newStack();
    const pc = new CfnParameter(stack, 'Pc', { type: 'Number' }).valueAsNumber;
    const api = new ProvisionedApi(stack, 'Api', { handler: code(), provisionedConcurrency: pc, autoScaling: { minCapacity: 1, maxCapacity: 10 } });
    expect(api.idleCost).toBeDefined();
    template(stack).hasResourceProperties('AWS::Lambda::Alias', { ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: { Ref: 'Pc' } } });
  });
});

describe('ProvisionedApi errors', () => {
  test('provisioned > reserved', () => {
    // Provisioned within the autoscaling bounds, so the reserved rule is the one that fires first.
    expectError({ provisionedConcurrency: 12, reservedConcurrency: 10, autoScaling: { minCapacity: 1, maxCapacity: 12 } },
      'provisionedConcurrency', /provisioned concurrency 12 exceeds the function's reserved concurrency 10: Lambda rejects the deployment/,
      /lower provisionedConcurrency to 10 or raise reservedConcurrency to 12/);
  });

  test('provisioned > autoscaling max', () => expectError({ provisionedConcurrency: 15, autoScaling: { maxCapacity: 12 } },
    'provisionedConcurrency', /must not exceed autoScaling\.maxCapacity \(given provisionedConcurrency 15 > maxCapacity 12\)/,
    /lower provisionedConcurrency to 12 or raise autoScaling\.maxCapacity to 15/));

  test('provisioned < autoscaling min', () => expectError({ provisionedConcurrency: 2, autoScaling: { minCapacity: 4 } },
    'provisionedConcurrency', /must be at least autoScaling\.minCapacity \(given provisionedConcurrency 2 < minCapacity 4\)/,
    /raise provisionedConcurrency to 4/));

  test('min > max', () => expectError({ provisionedConcurrency: 3, autoScaling: { minCapacity: 6, maxCapacity: 5 } },
    'autoScaling.minCapacity', /must not exceed autoScaling\.maxCapacity \(given minCapacity 6 > maxCapacity 5\)/,
    /lower minCapacity to 5 or raise maxCapacity to 6/));

  test('autoscaling max > reserved', () => expectError({ reservedConcurrency: 8, autoScaling: { maxCapacity: 10 } },
    'autoScaling.maxCapacity', /must not exceed reservedConcurrency \(given maxCapacity 10 > reservedConcurrency 8\)/,
    /lower autoScaling\.maxCapacity to 8 or raise reservedConcurrency to 10/));

  test('timeout above 29 s behind API Gateway explains the integration limit', () => expectError({ timeout: Duration.seconds(30) },
    'timeout', /the timeout \(30 s\) is longer than the 29 seconds API Gateway waits, and the function answers requests through API Gateway: the front gives up \(API Gateway answers 503\/504\)/,
    /at most 29 s behind API Gateway.*SqsWorker, AsyncFunction.*FUNCTION_URL/));

  test('a function URL endpoint with the 15-minute maximum timeout (the API timeout rule of the guardrails)', () => expectError(
    { endpoint: ProvisionedApiEndpoint.FUNCTION_URL, timeout: Duration.minutes(15) },
    'timeout', /the timeout \(900 s\) is longer than a request should take \(15 minutes is Lambda's maximum\), and the function answers requests through a function URL/,
    /at most 29 s behind API Gateway/));

  test('a fromFunction function whose own reserved concurrency is below provisionedConcurrency', () => {
    const stack = newStack();
    const fn = new lambda.Function(stack, 'Own', {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('x'), reservedConcurrentExecutions: 1,
    });
    expect(() => new ProvisionedApi(stack, 'Api', { handler: HandlerCode.fromFunction(fn) }))
      .toThrow("TestStack/Api: invalid prop 'handler': provisioned concurrency 2 exceeds the function's reserved concurrency 1: Lambda "
        + 'rejects the deployment, since it cannot keep more environments warm than the function may run. '
        + 'Fix: lower provisionedConcurrency to 1 or raise reservedConcurrency to 2');
  });

  test('a fromFunction function with a timeout above 29 s', () => {
    const stack = newStack();
    const fn = new lambda.Function(stack, 'Own', {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('x'), timeout: Duration.minutes(2),
    });
    expect(() => new ProvisionedApi(stack, 'Api', { handler: HandlerCode.fromFunction(fn) }))
      .toThrow(/^TestStack\/Api: invalid prop 'handler': the timeout \(120 s\) is longer than the 29 seconds API Gateway waits.*Fix: /);
  });

  test('an imported function cannot be versioned here', () => {
    const stack = newStack();
    const fn = lambda.Function.fromFunctionArn(stack, 'Imported', 'arn:aws:lambda:us-east-1:123456789012:function:x');
    expect(() => new ProvisionedApi(stack, 'Api', { handler: HandlerCode.fromFunction(fn) }))
      .toThrow(/^TestStack\/Api: invalid prop 'handler': HandlerCode\.fromFunction\(\) needs a lambda\.Function.*Fix: pass a lambda\.Function/);
  });

  test.each([
    ['0 8 ? * MON-FRI', /expected 6 fields, found 5/],
    ['0 8 * * MON-FRI *', /exactly one of day-of-month and day-of-week must be '\?'/],
    ['0 8 ? * ? *', /exactly one of day-of-month and day-of-week must be '\?'/],
    ['60 8 ? * MON-FRI *', /minutes value '60' is outside 0-59/],
    ['0 24 ? * MON-FRI *', /hours value '24' is outside 0-23/],
    ['0 8 ? FOO MON-FRI *', /month value 'FOO' is outside 1-12 \(or JAN-DEC\)/],
    ['0 8 ? * FRI-MON *', /day-of-week range 'FRI-MON' runs backwards/],
    ['0 8 ? * 8 *', /day-of-week value '8' is outside 1-7/],
    ['0 8 32 * ? *', /day-of-month value '32' is outside 1-31/],
    ['0 8 ? * MON#6 *', /must name the 1st to 5th weekday/],
    ['0 8 ? * MON-FRI 1969', /year value '1969' is outside 1970-2199/],
    ['0 8/0 ? * MON-FRI *', /hours step in '8\/0' must be 1 or more/],
    ['rate(1 hour)', /expected 6 fields, found 2/],
  ])('invalid cron %s', (cron, reason) => {
    expectError({ schedule: { scaleUp: cron, scaleDown: '0 18 ? * MON-FRI *' } }, 'schedule.scaleUp',
      new RegExp(`is not a valid cron expression: .*${reason.source}`), /six fields `Minutes Hours Day-of-month Month Day-of-week Year`/);
  });

  test('invalid scaleDown cron names scaleDown', () => expectError({ schedule: { scaleUp: '0 8 ? * MON-FRI *', scaleDown: '0 18 ? * MON-FRI' } },
    'schedule.scaleDown', /is not a valid cron expression: expected 6 fields, found 5 \(given '0 18 \? \* MON-FRI'\)/, /e\.g\. '0 8 \? \* MON-FRI \*'/));

  test.each([
    '0 8 ? * MON-FRI *', 'cron(15,45 */2 L * ? *)', '0 9 LW * ? *', '0 9 15W * ? *', '0 9 ? * 6L *', '0 9 ? JAN-MAR 2#1 2027-2030',
    '0 0 1-7/2 * ? *', '0 12 ? * L *',
  ])('valid cron %s is accepted', (cron) => {
    expect(() => build({ schedule: { scaleUp: cron, scaleDown: '0 20 ? * * *' } })).not.toThrow();
  });

  test('reserved that would leave fewer than 100 unreserved of the account limit', () => {
    expectError({ reservedConcurrency: 950 }, 'reservedConcurrency',
      /would leave 50 of the account concurrency limit 1000 unreserved \(given reservedConcurrency 950\); Lambda keeps at least 100 unreserved/,
      /lower reservedConcurrency to 900 or less, or set accountConcurrencyLimit/);
    expect(() => build({ reservedConcurrency: 900 })).not.toThrow();
    expect(() => build({ reservedConcurrency: 950, accountConcurrencyLimit: 5000 })).not.toThrow();
  });

  test('utilization target outside 0.1-0.9', () => expectError({ utilizationTarget: 0.95 }, 'utilizationTarget',
    /must be between 0\.1 and 0\.9 \(given 0\.95\)/, /about 0\.7/));

  test('functionUrlAuthType with the HTTP API', () => expectError({ functionUrlAuthType: lambda.FunctionUrlAuthType.AWS_IAM },
    'functionUrlAuthType', /only applies to endpoint: FUNCTION_URL/, /remove functionUrlAuthType/));

  test('throttling with a function URL', () => expectError({ endpoint: ProvisionedApiEndpoint.FUNCTION_URL, throttling: { rateLimit: 10 } },
    'throttling', /function URLs have no stage throttling/, /reservedConcurrency caps a function URL/));

  test('an authorizer with a function URL', () => expectError({ endpoint: ProvisionedApiEndpoint.FUNCTION_URL, authorizer: new HttpNoneAuthorizer() },
    'authorizer', /only applies to endpoint: HTTP_API/, /functionUrlAuthType AWS_IAM/));

  test('credentials with the * origin', () => expectError({ cors: { allowOrigins: ['*'], allowCredentials: true } },
    'cors.allowCredentials', /cannot be combined with the '\*' origin/, /exact origins/));

  test('schedule peakMin above the autoscaling max', () => expectError({ schedule: { scaleUp: '0 8 ? * * *', scaleDown: '0 18 ? * * *', peakMin: 11 } },
    'schedule.peakMin', /must not exceed autoScaling\.maxCapacity \(given peakMin 11 > maxCapacity 10\)/, /lower schedule\.peakMin to 10/));

  test('schedule offPeakMin above peakMin', () => expectError({ schedule: { scaleUp: '0 8 ? * * *', scaleDown: '0 18 ? * * *', peakMin: 2, offPeakMin: 3 } },
    'schedule.offPeakMin', /must not exceed schedule\.peakMin \(given offPeakMin 3 > peakMin 2\)/, /lower schedule\.offPeakMin to 2/));

  test('provisioned concurrency of 0', () => expectError({ provisionedConcurrency: 0, autoScaling: { minCapacity: 0 } },
    'provisionedConcurrency', /must be an integer between 1 and 10000 inclusive \(given 0\)/, /SqsWorker or AsyncFunction/));

  test('latency threshold of 0', () => expectError({ latencyThreshold: Duration.millis(0) }, 'latencyThreshold',
    /must be between 1 millisecond and 30 seconds/, /Duration\.millis\(500\)/));
});

describe('ProvisionedApi idle cost', () => {
  test('defaults: 2 warm x 512 MB around the clock on arm64', () => {
    const { stack, api } = build();
    // By hand: 2 environments x 0.5 GB x 730 h x 3600 s = 2,628,000 GB-s.
    const gbSeconds = 2 * 0.5 * 730 * 3600;
    expect(gbSeconds).toBe(2_628_000);
    expect(api.idleCost!.gbSecondsPerMonth).toBeCloseTo(gbSeconds, 6);
    expect(api.idleCost!.architecture).toBe('arm64');
    expect(api.idleCost!.monthlyCost).toBeCloseTo(8.7601752, 6); // 2,628,000 x 0.0000033334
    expect(api.idleCost!.monthlyCostArm64).toBeCloseTo(8.7601752, 6);
    expect(api.idleCost!.monthlyCostX86).toBeCloseTo(10.9500876, 6); // 2,628,000 x 0.0000041667
    const infos = infosOf(stack);
    expect(infos).toHaveLength(1);
    expect(infos[0]).toContain('idle provisioned concurrency costs about $8.76 per month on arm64 (arm64 $8.76, x86_64 $10.95)');
    expect(infos[0]).toContain('2 warm around the clock (730 h per month) x 512 MB = 2,628,000 GB-seconds x $0.0000033334 per GB-second');
    expect(infos[0]).toContain('[ack: cdk-serverless-patterns:ProvisionedApi.idleProvisionedConcurrencyCost]');
  });

  test('the demo configuration: business hours in New York, 1024 MB', () => {
    const stack = newStack();
    const api = addProvisionedApiDemo(stack, new sns.Topic(stack, 'Alarms'));
    // By hand: 2027 has 261 weekdays (365 days = 52 weeks + 1 day, and 1 Jan 2027 is a Friday).
    // Peak 08:00-20:00 on weekdays = 261 x 12 h = 3132 h per year = 261 h per average month.
    const peakHours = (261 * 12) / 12;
    const offPeakHours = 730 - peakHours; // 469
    const gbSeconds = (5 * peakHours + 1 * offPeakHours) * 3600 * 1; // 1024 MB = 1 GB
    expect(gbSeconds).toBe(6_386_400);
    expect(api.idleCost!.peakHoursPerMonth).toBeCloseTo(261, 9);
    expect(api.idleCost!.gbSecondsPerMonth).toBeCloseTo(gbSeconds, 6);
    expect(api.idleCost!.monthlyCostArm64).toBeCloseTo(gbSeconds * ARM_PRICE, 9);
    expect(api.idleCost!.monthlyCostArm64).toBeCloseTo(21.28842576, 6);
    expect(api.idleCost!.monthlyCostX86).toBeCloseTo(gbSeconds * X86_PRICE, 9);
    expect(api.idleCost!.monthlyCostX86).toBeCloseTo(26.61021288, 6);
    expect(api.idleCost!.monthlyCost).toBe(api.idleCost!.monthlyCostArm64);
    // Without the schedule the same 5 would cost: 5 x 1 GB x 730 h x 3600 s x price.
    expect(5 * SECONDS_PER_MONTH * ARM_PRICE).toBeCloseTo(43.80, 2);
    expect(infosOf(stack)[0]).toContain('$21.29 per month on arm64 (arm64 $21.29, x86_64 $26.61): 5 warm for 261.0 h and 1 for 469.0 h per month x 1024 MB');
    expect(infosOf(stack)[0]).toMatch(/; set provisionedConcurrencyPrice for regions other than us-east-1 \[ack: /);
  });

  test('an x86 function with an overridden price table', () => {
    const stack = newStack();
    const fn = new lambda.Function(stack, 'Own', {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('x'),
      architecture: lambda.Architecture.X86_64, memorySize: 2048, timeout: Duration.seconds(5),
    });
    const api = new ProvisionedApi(stack, 'Api', {
      handler: HandlerCode.fromFunction(fn), provisionedConcurrency: 3,
      provisionedConcurrencyPrice: { x86PerGbSecond: 0.000005, arm64PerGbSecond: 0.000004 },
    });
    const gbSeconds = 3 * 2 * 730 * 3600; // 15,768,000
    expect(api.idleCost!.architecture).toBe('x86_64');
    expect(api.idleCost!.pricePerGbSecond).toBe(0.000005);
    expect(api.idleCost!.monthlyCost).toBeCloseTo(gbSeconds * 0.000005, 9); // 78.84
    expect(api.idleCost!.monthlyCost).toBeCloseTo(78.84, 6);
    expect(api.idleCost!.monthlyCostArm64).toBeCloseTo(63.072, 6);
    expect(infosOf(stack)[0]).toContain('$78.84 per month on x86_64 (arm64 $63.07, x86_64 $78.84)');
    // The regional price hint is for the default price table only (issue 13 item 8).
    expect(infosOf(stack)[0]).not.toContain('provisionedConcurrencyPrice');
    expect(infosOf(stack)[0]).toMatch(/per GB-second, before requests and duration \[ack: /);
  });

  test('a schedule with last-day-of-month forms: 12 h on the last day + 12 h on the 1st = 24 h per month', () => {
    const { api } = build({
      provisionedConcurrency: 4, autoScaling: { minCapacity: 1 },
      schedule: { scaleUp: '0 12 L * ? *', scaleDown: '0 12 1 * ? *', peakMin: 4, offPeakMin: 1 },
    });
    expect(api.idleCost!.peakHoursPerMonth).toBeCloseTo(24, 9);
    // (4 x 24 + 1 x 706) / 730 environments on average, x 0.5 GB.
    expect(api.idleCost!.averageWarmEnvironments).toBeCloseTo((4 * 24 + 706) / 730, 9);
    expect(api.idleCost!.gbSecondsPerMonth).toBeCloseTo((4 * 24 + 706) * 3600 * 0.5, 6);
  });

  test('a schedule that never fires in the simulated year keeps the autoscaling minimum', () => {
    const { api } = build({ schedule: { scaleUp: '0 8 ? * MON-FRI 2030', scaleDown: '0 18 ? * MON-FRI 2030', peakMin: 2, offPeakMin: 0 } });
    expect(api.idleCost!.peakHoursPerMonth).toBe(0);
    expect(api.idleCost!.averageWarmEnvironments).toBe(2);
  });
});

describe('ProvisionedApi rule packs (cdk-nag AwsSolutions + Serverless)', () => {
  const findings = (stack: Stack) => [new AwsSolutionsChecks(), new ServerlessChecks()]
    .flatMap((pack) => pack.validateScope(stack).violations.map((v) => v.ruleName));

  test('defaults (IAM-authorized HTTP API) and an IAM function URL: no findings', () => {
    expect(findings(build().stack)).toEqual([]);
    expect(findings(build({ endpoint: ProvisionedApiEndpoint.FUNCTION_URL }).stack)).toEqual([]);
  });

  test('CORS with the IAM default: the preflight routes are acknowledged for APIG4 with their reason', () => {
    const { stack, api } = build({ cors: { allowOrigins: ['https://shop.example.com'] } });
    expect(findings(stack)).toEqual([]);
    const preflight = api.api!.node.findAll().filter((c) => /OPTIONS/.test(c.node.id));
    expect(preflight).toHaveLength(2);
    for (const route of preflight) {
      expect(JSON.stringify(route.node.metadata)).toContain('CORS preflight (OPTIONS) route: browsers never authenticate a preflight');
    }
  });

  test('without the DLQ acknowledgement the Serverless pack would flag the sync function (the check is live)', () => {
    const stack = newStack();
    new lambda.Function(stack, 'Plain', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('x') });
    expect(findings(stack)).toContain('Serverless-LambdaDLQ');
  });

  test('an explicit HttpNoneAuthorizer: APIG4 is acknowledged with its reason, the warning stays', () => {
    const { stack, api } = build({ authorizer: new HttpNoneAuthorizer() });
    expect(findings(stack)).toEqual([]);
    const acks = api.api!.node.metadata.filter((m) => JSON.stringify(m.data).includes('AwsSolutions-APIG4'));
    expect(JSON.stringify(acks)).toContain('public API chosen explicitly with HttpNoneAuthorizer');
    expect(warningsOf(stack)).toHaveLength(1);
  });

  test('the demo (public, warning acknowledged with its reason): no findings, no warnings', () => {
    const stack = newStack();
    addProvisionedApiDemo(stack, new sns.Topic(stack, 'Alarms', { enforceSSL: true }));
    expect(findings(stack)).toEqual([]);
    expect(warningsOf(stack)).toEqual([]);
  });
});

test('resource count: a stack holding just the demo ProvisionedApi has 19 resources (18 before the RecursiveInvocationsDropped alarm)', () => {
  const stack = newStack();
  addProvisionedApiDemo(stack, sns.Topic.fromTopicArn(stack, 'Alarms', 'arn:aws:sns:us-east-1:123456789012:alarms'));
  const resources = Object.values(template(stack).toJSON().Resources as Record<string, { Type: string }>);
  const byType: Record<string, number> = {};
  for (const r of resources) byType[r.Type] = (byType[r.Type] ?? 0) + 1;
  expect(byType).toEqual({
    'AWS::Lambda::Function': 1, 'AWS::IAM::Role': 1, 'AWS::Logs::LogGroup': 2,
    'AWS::Lambda::Version': 1, 'AWS::Lambda::Alias': 1, 'AWS::Lambda::Permission': 1,
    'AWS::ApplicationAutoScaling::ScalableTarget': 1, 'AWS::ApplicationAutoScaling::ScalingPolicy': 1,
    'AWS::ApiGatewayV2::Api': 1, 'AWS::ApiGatewayV2::Integration': 1, 'AWS::ApiGatewayV2::Route': 1, 'AWS::ApiGatewayV2::Stage': 1,
    'AWS::CloudWatch::Alarm': 6,
  });
  expect(resources).toHaveLength(19);
});

test('snapshot of the demo configuration', () => {
  const stack = newStack();
  addProvisionedApiDemo(stack, new sns.Topic(stack, 'Alarms'));
  expect(snapshotTemplate(stack)).toMatchSnapshot();
});
