import { App, Aspects, Duration, Stack, Stage, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { GuardrailRule, GuardrailSeverity, HandlerCode, ServerlessGuardrails, SqsWorker } from '../lib';
import { findingsOf, guardedStack, messageOf, synthReport, userFunction } from './guardrails-support';
import { attachUnknownManagedPolicy, RECURSION_TABLE } from './support/recursion-table';

/** A queue with a DLQ, consumed with partial batch responses: the correct SQS wiring. */
function sqsConsumer(stack: Stack, opts: { visibility?: Duration; dlq?: boolean; partial?: boolean; window?: Duration } = {}) {
  const fn = userFunction(stack, 'Consumer', { timeout: Duration.seconds(10) });
  const queue = new sqs.Queue(stack, 'Jobs', {
    visibilityTimeout: opts.visibility ?? Duration.seconds(60),
    deadLetterQueue: opts.dlq === false ? undefined
      : { queue: new sqs.Queue(stack, 'JobsDlq'), maxReceiveCount: 5 },
  });
  fn.addEventSource(new SqsEventSource(queue, {
    reportBatchItemFailures: opts.partial ?? true,
    maxBatchingWindow: opts.window,
  }));
  return { fn, queue };
}

const ESM_PATH = '/UserStack/Consumer/SqsEventSource:UserStackJobs51C9D9C0/Resource';

describe('ServerlessGuardrails on SQS event sources', () => {
  test('correct wiring (visibility 6x timeout, DLQ, partial batch responses) gets no finding', () => {
    const stack = guardedStack();
    sqsConsumer(stack);
    expect(findingsOf(stack)).toEqual([]);
  });

  test(`${GuardrailRule.SQS_VISIBILITY_TIMEOUT}: visibility below 6 x timeout + window is an error on the mapping`, () => {
    const stack = guardedStack();
    sqsConsumer(stack, { visibility: Duration.seconds(61), window: Duration.seconds(2) });
    expect(findingsOf(stack)).toEqual([{ level: 'error', path: ESM_PATH, rule: 'SPG-SQS-VISIBILITY' }]);
    const message = messageOf(stack, 'SPG-SQS-VISIBILITY');
    expect(message).toContain('the visibility timeout of queue UserStack/Jobs/Resource (61 s) is below 6 x the timeout of function UserStack/Consumer/Resource (10 s) + the batching window (2 s) = 62 s');
    expect(message).toContain('Fix: set the queue\'s visibilityTimeout to at least Duration.seconds(62)');
  });

  test('visibility exactly 6 x timeout + window passes', () => {
    const stack = guardedStack();
    sqsConsumer(stack, { visibility: Duration.seconds(62), window: Duration.seconds(2) });
    expect(findingsOf(stack)).toEqual([]);
  });

  test('defaults of CloudFormation count: a queue left at 30 s feeding a 10 s function is flagged', () => {
    const stack = guardedStack();
    const fn = userFunction(stack, 'Consumer');
    const queue = new sqs.Queue(stack, 'Jobs', { deadLetterQueue: { queue: new sqs.Queue(stack, 'JobsDlq'), maxReceiveCount: 5 } });
    fn.addEventSource(new SqsEventSource(queue, { reportBatchItemFailures: true }));
    expect(findingsOf(stack)).toEqual([{ level: 'error', path: ESM_PATH, rule: 'SPG-SQS-VISIBILITY' }]);
    expect(messageOf(stack, 'SPG-SQS-VISIBILITY')).toContain('the visibility timeout of queue UserStack/Jobs/Resource (30 s) is below 6 x the timeout of function UserStack/Consumer/Resource (10 s) + the batching window (0 s) = 60 s');
  });

  test(`${GuardrailRule.SQS_PARTIAL_BATCH_RESPONSE}: a mapping without ReportBatchItemFailures is a warning`, () => {
    const stack = guardedStack();
    sqsConsumer(stack, { partial: false });
    expect(findingsOf(stack)).toEqual([{ level: 'warning', path: ESM_PATH, rule: 'SPG-SQS-PARTIAL-BATCH' }]);
    expect(messageOf(stack, 'SPG-SQS-PARTIAL-BATCH')).toContain(`${ESM_PATH.slice(1)}: the SQS event source mapping does not report batch item failures`);
    expect(messageOf(stack, 'SPG-SQS-PARTIAL-BATCH')).toContain('Fix: set reportBatchItemFailures: true');
  });

  test(`${GuardrailRule.SQS_SOURCE_REDRIVE}: a source queue without a redrive policy is an error on the queue`, () => {
    const stack = guardedStack();
    sqsConsumer(stack, { dlq: false });
    expect(findingsOf(stack)).toEqual([{ level: 'error', path: '/UserStack/Jobs/Resource', rule: 'SPG-SQS-REDRIVE' }]);
    expect(messageOf(stack, 'SPG-SQS-REDRIVE')).toContain(`UserStack/Jobs/Resource: this queue feeds Lambda (${ESM_PATH.slice(1)}) but has no redrive policy`);
  });

  test(`${GuardrailRule.SQS_MAX_CONCURRENCY}: maxConcurrency above the function's reserve is an error on the mapping`, () => {
    const stack = guardedStack();
    const fn = userFunction(stack, 'Consumer', { reservedConcurrentExecutions: 5 });
    const queue = new sqs.Queue(stack, 'Jobs', {
      visibilityTimeout: Duration.seconds(60), deadLetterQueue: { queue: new sqs.Queue(stack, 'JobsDlq'), maxReceiveCount: 5 },
    });
    fn.addEventSource(new SqsEventSource(queue, { reportBatchItemFailures: true, maxConcurrency: 10 }));
    expect(findingsOf(stack)).toEqual([{ level: 'error', path: ESM_PATH, rule: 'SPG-SQS-MAX-CONCURRENCY' }]);
    expect(messageOf(stack, 'SPG-SQS-MAX-CONCURRENCY')).toContain('maximum concurrency 10 of the SQS event source exceeds the reserved concurrency 5 of UserStack/Consumer/Resource');
    expect(messageOf(stack, 'SPG-SQS-MAX-CONCURRENCY')).toContain('Fix: lower maxConcurrency to 5 or raise reservedConcurrency to 10');
  });

  test('maxConcurrency within the reserve gets no finding', () => {
    const stack = guardedStack();
    const fn = userFunction(stack, 'Consumer', { reservedConcurrentExecutions: 10 });
    const queue = new sqs.Queue(stack, 'Jobs', {
      visibilityTimeout: Duration.seconds(60), deadLetterQueue: { queue: new sqs.Queue(stack, 'JobsDlq'), maxReceiveCount: 5 },
    });
    fn.addEventSource(new SqsEventSource(queue, { reportBatchItemFailures: true, maxConcurrency: 10 }));
    expect(findingsOf(stack)).toEqual([]);
  });

  test('a queue nobody consumes through Lambda needs no redrive policy from this rule', () => {
    const stack = guardedStack();
    new sqs.Queue(stack, 'Outbox');
    expect(findingsOf(stack)).toEqual([]);
  });

  test('raw L1 resources are checked the same way', () => {
    const stack = guardedStack();
    const logGroup = new logs.CfnLogGroup(stack, 'FnLogs', { retentionInDays: 7 });
    const fn = new lambda.CfnFunction(stack, 'RawFn', {
      code: { zipFile: 'exports.handler = async () => ({});' }, handler: 'index.handler', runtime: 'nodejs22.x',
      role: 'arn:aws:iam::123456789012:role/worker', timeout: 20, loggingConfig: { logGroup: logGroup.ref },
    });
    const queue = new sqs.CfnQueue(stack, 'RawQueue', { visibilityTimeout: 100 });
    new lambda.CfnEventSourceMapping(stack, 'RawMapping', { eventSourceArn: queue.attrArn, functionName: fn.ref });
    expect(findingsOf(stack)).toEqual([
      { level: 'warning', path: '/UserStack/RawMapping', rule: 'SPG-SQS-PARTIAL-BATCH' },
      { level: 'error', path: '/UserStack/RawMapping', rule: 'SPG-SQS-VISIBILITY' },
      { level: 'error', path: '/UserStack/RawQueue', rule: 'SPG-SQS-REDRIVE' },
    ]);
  });

  test('the L1\'s typed attributes are what gets checked (raw property overrides are not seen)', () => {
    const stack = guardedStack();
    const { queue } = sqsConsumer(stack);
    (queue.node.defaultChild as sqs.CfnQueue).visibilityTimeout = 20;
    expect(findingsOf(stack)).toEqual([{ level: 'error', path: ESM_PATH, rule: 'SPG-SQS-VISIBILITY' }]);
  });

  test('an imported queue cannot be inspected: only the mapping itself is checked', () => {
    const stack = guardedStack();
    const fn = userFunction(stack, 'Consumer');
    const queue = sqs.Queue.fromQueueArn(stack, 'Imported', 'arn:aws:sqs:us-east-1:123456789012:jobs');
    fn.addEventSource(new SqsEventSource(queue, { reportBatchItemFailures: false }));
    expect(findingsOf(stack)).toEqual([{
      level: 'warning', path: '/UserStack/Consumer/SqsEventSource:UserStackImportedD7E5C78B/Resource', rule: 'SPG-SQS-PARTIAL-BATCH',
    }]);
  });

  test('a queue of another stack is not followed (no guess), the mapping is still checked', () => {
    const app = new App();
    Aspects.of(app).add(new ServerlessGuardrails());
    const env = { account: '123456789012', region: 'us-east-1' };
    const producer = new Stack(app, 'Producer', { env });
    const consumer = new Stack(app, 'Consumer', { env });
    const queue = new sqs.Queue(producer, 'Jobs', { visibilityTimeout: Duration.seconds(5) });
    const fn = userFunction(consumer, 'Worker');
    fn.addEventSource(new SqsEventSource(queue, { reportBatchItemFailures: true }));
    expect(findingsOf(consumer)).toEqual([]);
    expect(findingsOf(producer)).toEqual([]);
  });

  test('SqsWorker with defaults passes every rule', () => {
    const stack = guardedStack();
    new SqsWorker(stack, 'Worker', { handler: HandlerCode.bundled('sqs-worker/example') });
    expect(findingsOf(stack)).toEqual([]);
  });
});

describe(`ServerlessGuardrails: ${GuardrailRule.ASYNC_ON_FAILURE}`, () => {
  const triggers: Array<[string, (stack: Stack, fn: lambda.Function) => void, string]> = [
    ['SNS', (stack, fn) => new sns.Topic(stack, 'Topic').addSubscription(new subscriptions.LambdaSubscription(fn)), 'SNS'],
    ['EventBridge', (stack, fn) => new events.Rule(stack, 'Nightly', {
      schedule: events.Schedule.cron({ hour: '2', minute: '0' }),
      // The rule target's DLQ (SPG-SCHEDULED-RULE-DLQ) is set, so only the function's own failure path is under test here.
      targets: [new targets.LambdaFunction(fn, { deadLetterQueue: new sqs.Queue(stack, 'RuleDlq') })],
    }), 'EventBridge'],
    ['S3', (stack, fn) => new s3.Bucket(stack, 'Uploads')
      .addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(fn)), 'S3'],
  ];

  test.each(triggers)('%s trigger without on-failure destination or DLQ is an error on the function', (_name, wire, service) => {
    const stack = guardedStack();
    const fn = userFunction(stack, 'Handler');
    wire(stack, fn);
    expect(findingsOf(stack)).toEqual([{ level: 'error', path: '/UserStack/Handler/Resource', rule: 'SPG-ASYNC-ON-FAILURE' }]);
    const message = messageOf(stack, 'SPG-ASYNC-ON-FAILURE');
    expect(message).toContain(`UserStack/Handler/Resource: invoked asynchronously by ${service}`);
    expect(message).toContain('Fix: set onFailure');
  });

  test.each(triggers)('%s trigger with an on-failure destination gets no finding', (_name, wire) => {
    const stack = guardedStack();
    const fn = userFunction(stack, 'Handler', { onFailure: new destinations.SqsDestination(new sqs.Queue(stack, 'Failures')) });
    wire(stack, fn);
    expect(findingsOf(stack)).toEqual([]);
  });

  test('a dead-letter queue on the function also satisfies the rule', () => {
    const stack = guardedStack();
    const fn = userFunction(stack, 'Handler', { deadLetterQueueEnabled: true });
    triggers[0][1](stack, fn);
    expect(findingsOf(stack)).toEqual([]);
  });

  test('an on-failure destination configured on an alias counts for the function', () => {
    const stack = guardedStack();
    const fn = userFunction(stack, 'Handler');
    const alias = new lambda.Alias(stack, 'Live', { aliasName: 'live', version: fn.currentVersion });
    alias.configureAsyncInvoke({ onFailure: new destinations.SqsDestination(new sqs.Queue(stack, 'Failures')) });
    new sns.Topic(stack, 'Topic').addSubscription(new subscriptions.LambdaSubscription(alias));
    expect(findingsOf(stack)).toEqual([]);
  });

  test('synchronous invokers (API Gateway) do not need an on-failure destination', () => {
    const stack = guardedStack();
    const fn = userFunction(stack, 'Handler');
    new apigwv2.HttpApi(stack, 'Api', { defaultIntegration: new HttpLambdaIntegration('Integration', fn) });
    expect(findingsOf(stack)).toEqual([]);
  });
});

describe('ServerlessGuardrails on logs', () => {
  test(`${GuardrailRule.LOG_RETENTION}: a log group that never expires is a warning on it`, () => {
    const stack = guardedStack();
    userFunction(stack, 'Handler', { logGroup: new logs.LogGroup(stack, 'Forever', { retention: logs.RetentionDays.INFINITE }) });
    expect(findingsOf(stack)).toEqual([{ level: 'warning', path: '/UserStack/Forever/Resource', rule: 'SPG-LOG-RETENTION' }]);
    expect(messageOf(stack, 'SPG-LOG-RETENTION')).toContain('UserStack/Forever/Resource: the log group has no retention');
  });

  test(`${GuardrailRule.FUNCTION_LOG_GROUP}: a function on Lambda's default log group is a warning on it`, () => {
    const stack = guardedStack();
    new lambda.Function(stack, 'Plain', {
      code: lambda.Code.fromInline('exports.handler = async () => ({});'), handler: 'index.handler', runtime: lambda.Runtime.NODEJS_22_X,
    });
    expect(findingsOf(stack)).toEqual([{ level: 'warning', path: '/UserStack/Plain/Resource', rule: 'SPG-LAMBDA-LOG-GROUP' }]);
    expect(messageOf(stack, 'SPG-LAMBDA-LOG-GROUP')).toContain('Fix: pass a logGroup');
  });

  test('a declared default log group /aws/lambda/<name> with retention counts as explicit', () => {
    const stack = guardedStack();
    const fn = new lambda.Function(stack, 'Plain', {
      code: lambda.Code.fromInline('exports.handler = async () => ({});'), handler: 'index.handler', runtime: lambda.Runtime.NODEJS_22_X,
    });
    new logs.LogGroup(stack, 'PlainLogs', { logGroupName: `/aws/lambda/${fn.functionName}`, retention: logs.RetentionDays.ONE_WEEK });
    expect(findingsOf(stack)).toEqual([]);
  });

  test('logRetention (Custom::LogRetention) counts as explicit, and CDK\'s own handler is not flagged', () => {
    const stack = guardedStack();
    // Users' stacks still use the deprecated prop; aws-cdk-lib warns about it on the console.
    const warnings = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      new lambda.Function(stack, 'Legacy', {
        code: lambda.Code.fromInline('exports.handler = async () => ({});'), handler: 'index.handler', runtime: lambda.Runtime.NODEJS_22_X,
        logRetention: logs.RetentionDays.ONE_WEEK,
      });
      expect(warnings.mock.calls.map((c) => c.join(' '))).toEqual([
        expect.stringContaining('aws-cdk-lib.aws_lambda.FunctionOptions#logRetention is deprecated'),
      ]);
    } finally {
      warnings.mockRestore();
    }
    expect(findingsOf(stack)).toEqual([]);
  });
});

describe(`ServerlessGuardrails: ${GuardrailRule.API_TIMEOUT}`, () => {
  test('a 15 minute function behind an HTTP API is a warning naming the integration', () => {
    const stack = guardedStack();
    const fn = userFunction(stack, 'Handler', { timeout: Duration.minutes(15) });
    new apigwv2.HttpApi(stack, 'Api', { defaultIntegration: new HttpLambdaIntegration('Integration', fn) });
    expect(findingsOf(stack)).toEqual([{ level: 'warning', path: '/UserStack/Handler/Resource', rule: 'SPG-API-TIMEOUT' }]);
    const message = messageOf(stack, 'SPG-API-TIMEOUT');
    expect(message).toContain('HTTP API integration (UserStack/Api/DefaultRoute/Integration/Resource)');
    expect(message).toContain('at most 29 s behind API Gateway');
  });

  test('a 15 minute function behind a function URL is a warning', () => {
    const stack = guardedStack();
    const fn = userFunction(stack, 'Handler', { timeout: Duration.minutes(15) });
    fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });
    expect(findingsOf(stack)).toEqual([{ level: 'warning', path: '/UserStack/Handler/Resource', rule: 'SPG-API-TIMEOUT' }]);
    expect(messageOf(stack, 'SPG-API-TIMEOUT')).toContain('function URL (UserStack/Handler/FunctionUrl/Resource)');
  });

  test('a 15 minute function behind a REST API is a warning naming the method', () => {
    const stack = guardedStack();
    const fn = userFunction(stack, 'Handler', { timeout: Duration.minutes(15) });
    new apigw.LambdaRestApi(stack, 'Rest', { handler: fn, proxy: false }).root.addMethod('GET');
    expect(findingsOf(stack)).toEqual([{ level: 'warning', path: '/UserStack/Handler/Resource', rule: 'SPG-API-TIMEOUT' }]);
    expect(messageOf(stack, 'SPG-API-TIMEOUT')).toContain('REST API method (UserStack/Rest/Default/GET/Resource)');
  });

  test('a short timeout behind an API, or 15 minutes without an API, gets no finding', () => {
    const stack = guardedStack();
    const api = userFunction(stack, 'Handler', { timeout: Duration.seconds(29) });
    new apigwv2.HttpApi(stack, 'Api', { defaultIntegration: new HttpLambdaIntegration('Integration', api) });
    userFunction(stack, 'Batch', { timeout: Duration.minutes(15) });
    expect(findingsOf(stack)).toEqual([]);
  });
});

describe('ServerlessGuardrails on provisioned concurrency', () => {
  test(`${GuardrailRule.PROVISIONED_ON_LATEST}: provisioned concurrency on an alias of $LATEST is an error on the alias`, () => {
    const stack = guardedStack();
    const fn = userFunction(stack, 'Handler');
    new lambda.Alias(stack, 'Live', { aliasName: 'live', version: fn.latestVersion, provisionedConcurrentExecutions: 5 });
    expect(findingsOf(stack)).toEqual([{ level: 'error', path: '/UserStack/Live/Resource', rule: 'SPG-PC-LATEST' }]);
    expect(messageOf(stack, 'SPG-PC-LATEST')).toContain('Fix: point the alias at a version (fn.currentVersion)');
  });

  test(`${GuardrailRule.PROVISIONED_ABOVE_RESERVED}: provisioned above reserved is an error on the function`, () => {
    const stack = guardedStack();
    const fn = userFunction(stack, 'Handler', { reservedConcurrentExecutions: 5 });
    new lambda.Alias(stack, 'Live', { aliasName: 'live', version: fn.currentVersion, provisionedConcurrentExecutions: 8 });
    expect(findingsOf(stack)).toEqual([{ level: 'error', path: '/UserStack/Handler/Resource', rule: 'SPG-PC-ABOVE-RESERVED' }]);
    expect(messageOf(stack, 'SPG-PC-ABOVE-RESERVED')).toContain('provisioned concurrency 8 (UserStack/Live/Resource: 8) exceeds the function\'s reserved concurrency 5');
  });

  test(`${GuardrailRule.PROVISIONED_BYPASSED}: an API integrated with the function instead of its provisioned alias is a warning`, () => {
    const stack = guardedStack();
    const fn = userFunction(stack, 'Handler');
    new lambda.Alias(stack, 'Live', { aliasName: 'live', version: fn.currentVersion, provisionedConcurrentExecutions: 2 });
    new apigwv2.HttpApi(stack, 'Api', { defaultIntegration: new HttpLambdaIntegration('Integration', fn) });
    expect(findingsOf(stack)).toEqual([{ level: 'warning', path: '/UserStack/Handler/Resource', rule: 'SPG-PC-BYPASSED' }]);
    const message = messageOf(stack, 'SPG-PC-BYPASSED');
    expect(message).toContain('provisioned concurrency is configured on UserStack/Live/Resource, but UserStack/Api/DefaultRoute/Integration-Permission, UserStack/Api/DefaultRoute/Integration/Resource invoke the unqualified function ($LATEST)');
  });

  test('an API integrated with the provisioned alias gets no finding', () => {
    const stack = guardedStack();
    const fn = userFunction(stack, 'Handler');
    const alias = new lambda.Alias(stack, 'Live', { aliasName: 'live', version: fn.currentVersion, provisionedConcurrentExecutions: 2 });
    new apigwv2.HttpApi(stack, 'Api', { defaultIntegration: new HttpLambdaIntegration('Integration', alias) });
    expect(findingsOf(stack)).toEqual([]);
  });

  test('a function URL on the provisioned alias (Qualifier beside the function ARN) gets no finding', () => {
    const stack = guardedStack();
    const fn = userFunction(stack, 'Handler');
    const alias = new lambda.Alias(stack, 'Live', { aliasName: 'live', version: fn.currentVersion, provisionedConcurrentExecutions: 2 });
    alias.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });
    expect(findingsOf(stack)).toEqual([]);
  });

  test('a function URL on the function itself bypasses the provisioned alias: a warning naming the URL', () => {
    const stack = guardedStack();
    const fn = userFunction(stack, 'Handler');
    new lambda.Alias(stack, 'Live', { aliasName: 'live', version: fn.currentVersion, provisionedConcurrentExecutions: 2 });
    fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });
    expect(findingsOf(stack)).toEqual([{ level: 'warning', path: '/UserStack/Handler/Resource', rule: 'SPG-PC-BYPASSED' }]);
    expect(messageOf(stack, 'SPG-PC-BYPASSED')).toContain('but UserStack/Handler/FunctionUrl/Resource invokes the unqualified function ($LATEST)');
  });

  test('provisioned on a version alias, within the reserve, gets no finding', () => {
    const stack = guardedStack();
    const fn = userFunction(stack, 'Handler', { reservedConcurrentExecutions: 8 });
    new lambda.Alias(stack, 'Live', { aliasName: 'live', version: fn.currentVersion, provisionedConcurrentExecutions: 8 });
    expect(findingsOf(stack)).toEqual([]);
  });
});

describe(`ServerlessGuardrails: ${GuardrailRule.S3_RECURSIVE_TRIGGER}`, () => {
  function s3Function(stack: Stack) {
    return userFunction(stack, 'Thumbnailer', {
      onFailure: new destinations.SqsDestination(new sqs.Queue(stack, 'Failures')),
    });
  }

  test('a function triggered by a bucket it can write to is an error naming the bucket', () => {
    const stack = guardedStack();
    const fn = s3Function(stack);
    const bucket = new s3.Bucket(stack, 'Images');
    bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(fn));
    bucket.grantReadWrite(fn);
    expect(findingsOf(stack)).toEqual([{ level: 'error', path: '/UserStack/Thumbnailer/Resource', rule: 'SPG-S3-RECURSION' }]);
    expect(messageOf(stack, 'SPG-S3-RECURSION')).toContain('triggered by S3 events of UserStack/Images/Resource and allowed to write to the same bucket');
  });

  test('an L1 bucket notification to a function whose inline role policy writes the bucket is found too', () => {
    const stack = guardedStack();
    const role = new iam.CfnRole(stack, 'Role', {
      assumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
    });
    const logs1 = new logs.CfnLogGroup(stack, 'Logs', { retentionInDays: 7 });
    const fn = new lambda.CfnFunction(stack, 'Raw', {
      code: { zipFile: 'exports.handler = async () => ({});' }, handler: 'index.handler', runtime: 'nodejs22.x',
      role: role.attrArn, loggingConfig: { logGroup: logs1.ref },
      deadLetterConfig: { targetArn: 'arn:aws:sqs:us-east-1:123456789012:dlq' },
    });
    const bucket = new s3.CfnBucket(stack, 'Bucket', {
      notificationConfiguration: { lambdaConfigurations: [{ event: 's3:ObjectCreated:*', function: fn.attrArn }] },
    });
    role.policies = [{ policyName: 'write', policyDocument: { Statement: [{ Effect: 'Allow', Action: ['s3:PutObject'], Resource: [{ 'Fn::Join': ['', [bucket.attrArn, '/*']] }] }] } }];
    new lambda.CfnPermission(stack, 'S3Invoke', { action: 'lambda:InvokeFunction', functionName: fn.attrArn, principal: 's3.amazonaws.com', sourceArn: bucket.attrArn });
    expect(findingsOf(stack)).toEqual([{ level: 'error', path: '/UserStack/Raw', rule: 'SPG-S3-RECURSION' }]);
  });

  test('writing to another bucket gets no finding', () => {
    const stack = guardedStack();
    const fn = s3Function(stack);
    const input = new s3.Bucket(stack, 'Images');
    input.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(fn));
    input.grantRead(fn);
    new s3.Bucket(stack, 'Thumbnails').grantWrite(fn);
    expect(findingsOf(stack)).toEqual([]);
  });

  test('buckets named by literal ARNs: writing to images-thumbnails is not writing to images, images/* and images* are', () => {
    const build = (resource: string) => {
      const stack = guardedStack();
      const fn = s3Function(stack);
      new s3.Bucket(stack, 'Images', { bucketName: 'images' }).addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(fn));
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [resource] }));
      return findingsOf(stack).map((f) => f.rule);
    };
    expect(build('arn:aws:s3:::images-thumbnails/*')).toEqual([]);
    expect(build('arn:aws:s3:::images/*')).toEqual(['SPG-S3-RECURSION']);
    expect(build('arn:aws:s3:::images*')).toEqual(['SPG-S3-RECURSION']);
  });

  test.each(RECURSION_TABLE)('issue 12 table: %s on the triggering bucket is an error', (_name, grant) => {
    const stack = guardedStack();
    const fn = s3Function(stack);
    const bucket = new s3.Bucket(stack, 'Images');
    bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(fn));
    grant(stack, bucket, fn.role!, fn);
    expect(findingsOf(stack)).toEqual([{ level: 'error', path: '/UserStack/Thumbnailer/Resource', rule: 'SPG-S3-RECURSION' }]);
  });

  test('an AWS managed policy the IAM model does not know is a warning (cannot tell), even at error severity', () => {
    const stack = guardedStack();
    const fn = s3Function(stack);
    new s3.Bucket(stack, 'Images').addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(fn));
    attachUnknownManagedPolicy(fn.role!);
    expect(findingsOf(stack)).toEqual([{ level: 'warning', path: '/UserStack/Thumbnailer/Resource', rule: 'SPG-S3-RECURSION' }]);
    expect(messageOf(stack, 'SPG-S3-RECURSION')).toContain('whether it may write to that bucket cannot be told: AWS managed policy AmazonEC2FullAccess');
  });

  test('a wildcard s3:* on * is a write to the bucket too', () => {
    const stack = guardedStack();
    const fn = s3Function(stack);
    new s3.Bucket(stack, 'Images').addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(fn));
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:*'], resources: ['*'] }));
    expect(findingsOf(stack)).toEqual([{ level: 'error', path: '/UserStack/Thumbnailer/Resource', rule: 'SPG-S3-RECURSION' }]);
  });
});

describe(`ServerlessGuardrails: ${GuardrailRule.EXPRESS_STATE_MACHINE_LOGGING}`, () => {
  test('an EXPRESS state machine without logging is a warning; with logging none', () => {
    const stack = guardedStack();
    new sfn.StateMachine(stack, 'Quiet', {
      stateMachineType: sfn.StateMachineType.EXPRESS, definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'P1')),
    });
    new sfn.StateMachine(stack, 'Logged', {
      stateMachineType: sfn.StateMachineType.EXPRESS, definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'P2')),
      logs: { destination: new logs.LogGroup(stack, 'SfnLogs', { retention: logs.RetentionDays.ONE_MONTH }), level: sfn.LogLevel.ERROR },
    });
    new sfn.StateMachine(stack, 'Standard', { definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'P3')) });
    expect(findingsOf(stack)).toEqual([{ level: 'warning', path: '/UserStack/Quiet/Resource', rule: 'SPG-SFN-EXPRESS-LOGGING' }]);
  });
});

describe('ServerlessGuardrails configuration and acknowledgement', () => {
  test('severity is configurable per rule (error, info, off)', () => {
    const stack = guardedStack({
      severities: {
        [GuardrailRule.SQS_PARTIAL_BATCH_RESPONSE]: GuardrailSeverity.ERROR,
        [GuardrailRule.SQS_SOURCE_REDRIVE]: GuardrailSeverity.OFF,
        'SPG-SQS-VISIBILITY': GuardrailSeverity.INFO,
      },
    });
    sqsConsumer(stack, { partial: false, dlq: false, visibility: Duration.seconds(30) });
    expect(findingsOf(stack)).toEqual([
      { level: 'error', path: ESM_PATH, rule: 'SPG-SQS-PARTIAL-BATCH' },
      { level: 'info', path: ESM_PATH, rule: 'SPG-SQS-VISIBILITY' },
    ]);
  });

  test('ServerlessGuardrails.of registers a validation plugin: an error fails synth with CDK\'s report naming the construct', () => {
    const app = new App();
    const guardrails = ServerlessGuardrails.of(app);
    expect(guardrails.name).toBe('ServerlessGuardrails');
    const stack = new Stack(app, 'UserStack', { env: { account: '123456789012', region: 'us-east-1' } });
    sqsConsumer(stack, { visibility: Duration.seconds(30) });
    expect(() => app.synth()).toThrow(/ERROR UserStack\/Consumer\/SqsEventSource:UserStackJobs51C9D9C0\/Resource: the visibility timeout of queue UserStack\/Jobs\/Resource \(30 s\) is below[^]*Acknowledge with 'ServerlessGuardrails::SPG-SQS-VISIBILITY'/);
  });

  test('a warning does not fail synth; CDK prints it in the validation report', () => {
    const stack = guardedStack();
    sqsConsumer(stack, { partial: false });
    expect(findingsOf(stack)).toEqual([{ level: 'warning', path: ESM_PATH, rule: 'SPG-SQS-PARTIAL-BATCH' }]);
    expect(synthReport(stack).console).toContain(`WARNING ${ESM_PATH.slice(1)}: the SQS event source mapping does not report batch item failures`);
  });

  test.each([
    ['with CDK\'s own Validations.addPlugins', (app: App) => Validations.of(app).addPlugins(new ServerlessGuardrails())],
    ['as an aspect (deprecated: the aspect registers the plugin)', (app: App) => Aspects.of(app).add(new ServerlessGuardrails())],
  ])('registered %s, the guardrails judge the whole app', (_how, register) => {
    const app = new App();
    register(app);
    const stack = new Stack(app, 'UserStack', { env: { account: '123456789012', region: 'us-east-1' } });
    sqsConsumer(stack, { partial: false });
    expect(findingsOf(stack)).toEqual([{ level: 'warning', path: ESM_PATH, rule: 'SPG-SQS-PARTIAL-BATCH' }]);
  });

  test('given a Stack, only resources under it are judged', () => {
    const app = new App();
    const env = { account: '123456789012', region: 'us-east-1' };
    const checked = new Stack(app, 'Checked', { env });
    const other = new Stack(app, 'Other', { env });
    ServerlessGuardrails.of(checked);
    new logs.LogGroup(checked, 'Forever', { retention: logs.RetentionDays.INFINITE });
    new logs.LogGroup(other, 'Forever', { retention: logs.RetentionDays.INFINITE });
    expect(findingsOf(checked)).toEqual([{ level: 'warning', path: '/Checked/Forever/Resource', rule: 'SPG-LOG-RETENTION' }]);
    expect(findingsOf(other)).toEqual([]);
  });

  test('nested Stages: guardrails registered on the App judge the stacks of nested Stages too', () => {
    const env = { account: '123456789012', region: 'us-east-1' };
    const app = new App();
    ServerlessGuardrails.of(app);
    const checked = new Stack(new Stage(app, 'Prod', { env }), 'Orders');
    new logs.LogGroup(checked, 'Forever', { retention: logs.RetentionDays.INFINITE });
    expect(findingsOf(checked)).toEqual([{ level: 'warning', path: '/Prod/Orders/Forever/Resource', rule: 'SPG-LOG-RETENTION' }]);
  });

  test('defaultSeverity documents each rule\'s default', () => {
    expect(ServerlessGuardrails.defaultSeverity(GuardrailRule.SQS_VISIBILITY_TIMEOUT)).toBe(GuardrailSeverity.ERROR);
    expect(ServerlessGuardrails.defaultSeverity(GuardrailRule.SQS_PARTIAL_BATCH_RESPONSE)).toBe(GuardrailSeverity.WARNING);
  });

  test('an unknown rule id in severities throws naming the prop and the valid ids', () => {
    expect(() => new ServerlessGuardrails({ severities: { 'SPG-NOPE': GuardrailSeverity.OFF } }))
      .toThrow("ServerlessGuardrails: invalid prop 'severities': unknown rule id 'SPG-NOPE'. Fix: use one of SPG-SQS-VISIBILITY,");
  });

  test('an error is acknowledged per construct with ServerlessGuardrails.acknowledge and a reason', () => {
    const stack = guardedStack();
    const fn = userFunction(stack, 'Handler');
    const other = userFunction(stack, 'Other');
    new sns.Topic(stack, 'Topic').addSubscription(new subscriptions.LambdaSubscription(fn));
    new sns.Topic(stack, 'Topic2').addSubscription(new subscriptions.LambdaSubscription(other));
    ServerlessGuardrails.acknowledge(fn, GuardrailRule.ASYNC_ON_FAILURE, 'events are replayable from the topic archive');
    expect(findingsOf(stack)).toEqual([{ level: 'error', path: '/UserStack/Other/Resource', rule: 'SPG-ASYNC-ON-FAILURE' }]);
    // Not as CDK's acknowledgement of the plugin's rule: aws-cdk-lib 2.263-2.270 applies that to the
    // whole app, which would also hide Other's finding (this test fails that way on the floor).
    expect(fn.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)).toEqual([]);
  });

  test('acknowledgeRule takes the GuardrailRule constant (jsii languages), ruleId gives the SPG id for severities', () => {
    const stack = guardedStack();
    const fn = userFunction(stack, 'Handler');
    new sns.Topic(stack, 'Topic').addSubscription(new subscriptions.LambdaSubscription(fn));
    ServerlessGuardrails.acknowledgeRule(fn, GuardrailRule.ASYNC_ON_FAILURE, 'events are replayable from the topic archive');
    expect(findingsOf(stack)).toEqual([]);
    expect(ServerlessGuardrails.ruleId(GuardrailRule.SQS_VISIBILITY_TIMEOUT)).toBe('SPG-SQS-VISIBILITY');
    expect(() => new ServerlessGuardrails({ severities: { [ServerlessGuardrails.ruleId(GuardrailRule.LOG_RETENTION)]: GuardrailSeverity.OFF } }))
      .not.toThrow();
  });

  test.each(['SPG-SQS-PARTIAL-BATCH', 'ServerlessGuardrails::SPG-SQS-PARTIAL-BATCH'])(
    'a finding is acknowledged with CDK\'s own Validations.acknowledge on an ancestor (id %s)', (id) => {
      const stack = guardedStack();
      sqsConsumer(stack, { partial: false });
      Validations.of(stack).acknowledge({ id, reason: 'handler is transactional per batch' });
      expect(findingsOf(stack)).toEqual([]);
    });

  test('an error acknowledged with Validations.acknowledge on an ancestor no longer fails synth; elsewhere it still does', () => {
    const elsewhere = guardedStack();
    const { queue } = sqsConsumer(elsewhere, { visibility: Duration.seconds(30) });
    Validations.of(queue).acknowledge({ id: 'SPG-SQS-VISIBILITY', reason: 'the queue is not the mapping' });
    expect(findingsOf(elsewhere)).toEqual([{ level: 'error', path: ESM_PATH, rule: 'SPG-SQS-VISIBILITY' }]);

    const acknowledged = guardedStack();
    sqsConsumer(acknowledged, { visibility: Duration.seconds(30) });
    Validations.of(acknowledged).acknowledge({ id: 'SPG-SQS-VISIBILITY', reason: 'load test stack, never deployed' });
    expect(() => (acknowledged.node.root as App).synth()).not.toThrow();
  });

  test('a warning is acknowledged with Validations.acknowledge on the construct it names; not on a sibling', () => {
    const named = guardedStack();
    sqsConsumer(named, { partial: false });
    const mapping = named.node.findAll().find((c) => `/${c.node.path}` === ESM_PATH)!;
    Validations.of(mapping).acknowledge({ id: 'SPG-SQS-PARTIAL-BATCH', reason: 'handler is transactional per batch' });
    expect(findingsOf(named)).toEqual([]);

    const sibling = guardedStack();
    const { queue } = sqsConsumer(sibling, { partial: false });
    Validations.of(queue).acknowledge({ id: 'SPG-SQS-PARTIAL-BATCH', reason: 'acknowledged on the wrong construct' });
    expect(findingsOf(sibling)).toEqual([{ level: 'warning', path: ESM_PATH, rule: 'SPG-SQS-PARTIAL-BATCH' }]);
  });

  test('an info is acknowledged with Validations.acknowledge on the construct it names', () => {
    const stack = guardedStack({ severities: { [ServerlessGuardrails.ruleId(GuardrailRule.SQS_PARTIAL_BATCH_RESPONSE)]: GuardrailSeverity.INFO } });
    sqsConsumer(stack, { partial: false });
    expect(findingsOf(stack)).toEqual([{ level: 'info', path: ESM_PATH, rule: 'SPG-SQS-PARTIAL-BATCH' }]);
    const acknowledged = guardedStack({ severities: { [ServerlessGuardrails.ruleId(GuardrailRule.SQS_PARTIAL_BATCH_RESPONSE)]: GuardrailSeverity.INFO } });
    sqsConsumer(acknowledged, { partial: false });
    const mapping = acknowledged.node.findAll().find((c) => `/${c.node.path}` === ESM_PATH)!;
    Validations.of(mapping).acknowledge({ id: 'SPG-SQS-PARTIAL-BATCH', reason: 'handler is transactional per batch' });
    expect(findingsOf(acknowledged)).toEqual([]);
  });

  test('acknowledging without a reason throws', () => {
    const stack = guardedStack();
    expect(() => ServerlessGuardrails.acknowledge(stack, GuardrailRule.LOG_RETENTION, ' '))
      .toThrow("UserStack: invalid argument 'reason': acknowledging SPG-LOG-RETENTION needs a reason");
  });
});
