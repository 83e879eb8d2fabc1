import { CfnElement, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { IConstruct } from 'constructs';
import { AsyncDestination, AsyncDestinationKind, AsyncFunction, AsyncFunctionProps, HandlerCode } from '../lib';
import { functionPolicies, hasFunctionPolicy, newStack, snapshotTemplate, template, warningsOf } from './support/cdk';
import { attachUnknownManagedPolicy, RECURSION_TABLE } from './support/recursion-table';

const handler = HandlerCode.bundled('async-function/example');

function build(props: Partial<AsyncFunctionProps> = {}) {
  const stack = newStack();
  const fn = new AsyncFunction(stack, 'Async', { handler, ...props });
  return { stack, fn };
}

function logicalId(construct: IConstruct, stack: Stack): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

describe('AsyncFunction defaults', () => {
  test('event invoke config: 2 retries, one-hour event age, failures to the created queue', () => {
    const { stack, fn } = build();
    const t = template(stack);
    const functionId = logicalId(fn.function as lambda.Function, stack);
    const queueId = logicalId(fn.failureQueue as sqs.Queue, stack);
    t.resourceCountIs('AWS::Lambda::EventInvokeConfig', 1);
    t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: functionId },
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
    expect(t.toJSON().Resources[logicalId(fn.eventInvokeConfig, stack)].Properties.DestinationConfig.OnSuccess).toBeUndefined();
    expect(fn.retryAttempts).toBe(2);
    expect(fn.maxEventAge.toSeconds()).toBe(3600);
  });

  test('failure queue: SSE, 14 days, SSL enforced, parks unreplayable messages after 3 receives', () => {
    const { stack, fn } = build();
    const t = template(stack);
    const queueId = logicalId(fn.failureQueue as sqs.Queue, stack);
    const dlqId = logicalId(fn.redriveDeadLetterQueue as sqs.Queue, stack);
    t.hasResourceProperties('AWS::SQS::Queue', {
      MessageRetentionPeriod: 1209600,
      SqsManagedSseEnabled: true,
      // 6 x the redrive function's 30 s timeout.
      VisibilityTimeout: 180,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: 3 },
    });
    t.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true, RedrivePolicy: Match.absent() });
    t.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        })]),
      },
    });
  });

  test('destination policy: the function may send to the failure queue, and exists only after that grant', () => {
    const { stack, fn } = build();
    const t = template(stack);
    const queueId = logicalId(fn.failureQueue as sqs.Queue, stack);
    const role = (fn.function as lambda.Function).role as iam.Role;
    // The grant is inline in the role (FunctionPolicy): it exists as soon as the role does.
    t.hasResourceProperties('AWS::IAM::Role', {
      Policies: [{
        PolicyName: 'FunctionPolicy',
        PolicyDocument: {
          Statement: Match.arrayWith([{
            Effect: 'Allow',
            Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
            Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
          }]),
          Version: '2012-10-17',
        },
      }],
    });
    t.resourceCountIs('AWS::IAM::Policy', 0);
    // Lambda checks destination permissions when the invoke config is created: the function (which
    // the config names) depends on its role, so the permission is there first.
    const functionResource = t.toJSON().Resources[logicalId(fn.function as lambda.Function, stack)];
    expect(functionResource.DependsOn).toEqual([logicalId(role, stack)]);
    t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { FunctionName: { Ref: logicalId(fn.function as lambda.Function, stack) } });
  });

  test('function: library defaults with the async timeout', () => {
    const { stack } = build();
    template(stack).hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Async function TestStack/Async',
      Timeout: 60,
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
    });
  });

  test('redrive: bundled function, narrow invoke permission, disabled mapping with partial batch responses', () => {
    const { stack, fn } = build();
    const t = template(stack);
    const functionId = logicalId(fn.function as lambda.Function, stack);
    const queueId = logicalId(fn.failureQueue as sqs.Queue, stack);
    const redriveId = logicalId(fn.redriveFunction as lambda.Function, stack);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Replays the failure queue of TestStack/Async',
      Timeout: 30,
      MemorySize: 256,
      Environment: { Variables: Match.objectLike({ REDRIVE_TARGET_FUNCTION_ARN: { 'Fn::GetAtt': [functionId, 'Arn'] } }) },
    });
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: redriveId },
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      Enabled: false,
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
    const redriveRole = (fn.redriveFunction as lambda.Function).role as iam.Role;
    const policy = functionPolicies(t).find((p) => p.roleId === logicalId(redriveRole, stack))!;
    const invoke = policy.statements.filter((s: { Action: unknown }) => JSON.stringify(s.Action).includes('lambda:'));
    expect(invoke).toEqual([{
      Effect: 'Allow',
      Action: 'lambda:InvokeFunction',
      Resource: [
        { 'Fn::GetAtt': [functionId, 'Arn'] },
        { 'Fn::Join': ['', [{ 'Fn::GetAtt': [functionId, 'Arn'] }, ':*']] },
      ],
    }]);
    expect(warningsOf(stack).filter((w) => w.includes('AsyncFunction.'))).toEqual([]);
  });

  test('alarms: errors, throttles, destination delivery failures, failure queue, parked redrive messages, recursive loops of both functions', () => {
    const { stack, fn } = build();
    const t = template(stack);
    expect(fn.alarms.map((a) => a.node.id)).toEqual([
      'ErrorsAlarm', 'ThrottlesAlarm', 'DestinationDeliveryFailuresAlarm', 'FailureQueueAlarm', 'RedriveDeadLetterQueueAlarm',
      'RecursiveInvocationsDroppedAlarm', 'RedriveRecursiveInvocationsDroppedAlarm',
    ]);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 7);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda', MetricName: 'DestinationDeliveryFailures', Statistic: 'Sum', Threshold: 1,
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(fn.function as lambda.Function, stack) } }],
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Statistic: 'Maximum', Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(fn.failureQueue as sqs.Queue, stack), 'QueueName'] } }],
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Errors', Threshold: 1 });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Throttles', Threshold: 1 });
  });

  test('a default AsyncFunction is 19 resources', () => {
    const { stack } = build();
    const resources = template(stack).toJSON().Resources as Record<string, { Type: string }>;
    // 19 before the two functions' grants moved inline into their roles; 17 then, and 19 again with
    // an alarm on RecursiveInvocationsDropped for each of the two functions (issue 28).
    expect(Object.keys(resources)).toHaveLength(19);
  });

  test('snapshot', () => {
    const { stack } = build();
    expect(snapshotTemplate(stack)).toMatchSnapshot();
  });
});

describe('AsyncFunction props', () => {
  test('retryAttempts and maxEventAge at their bounds', () => {
    const { stack } = build({ retryAttempts: 0, maxEventAge: Duration.hours(6) });
    template(stack).hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 21600 });
    const low = build({ retryAttempts: 2, maxEventAge: Duration.seconds(60) });
    template(low.stack).hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumEventAgeInSeconds: 60 });
  });

  test('onSuccess to a topic: destination config and sns:Publish', () => {
    const stack = newStack();
    const topic = new sns.Topic(stack, 'Done');
    new AsyncFunction(stack, 'Async', { handler, onSuccess: AsyncDestination.toTopic(topic) });
    const t = template(stack);
    const topicId = logicalId(topic, stack);
    t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      DestinationConfig: { OnSuccess: { Destination: { Ref: topicId } }, OnFailure: Match.objectLike({}) },
    });
    hasFunctionPolicy(t, {
      PolicyDocument: { Statement: Match.arrayWith([{ Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: topicId } }]) },
    });
  });

  test('onFailure to an event bus: no queue, no redrive, an AsyncEventsDropped alarm instead of queue depth', () => {
    const stack = newStack();
    const bus = new events.EventBus(stack, 'Bus');
    const fn = new AsyncFunction(stack, 'Async', { handler, onFailure: AsyncDestination.toEventBus(bus) });
    const t = template(stack);
    const busArn = { 'Fn::GetAtt': [logicalId(bus, stack), 'Arn'] };
    t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { DestinationConfig: { OnFailure: { Destination: busArn } } });
    hasFunctionPolicy(t, {
      PolicyDocument: { Statement: Match.arrayWith([{ Effect: 'Allow', Action: 'events:PutEvents', Resource: busArn }]) },
    });
    t.resourceCountIs('AWS::SQS::Queue', 0);
    t.resourceCountIs('AWS::Lambda::EventSourceMapping', 0);
    expect(fn.failureQueue).toBeUndefined();
    expect(fn.redriveFunction).toBeUndefined();
    expect(fn.alarms.map((a) => a.node.id)).toEqual(['ErrorsAlarm', 'ThrottlesAlarm', 'DestinationDeliveryFailuresAlarm', 'AsyncEventsDroppedAlarm',
      'RecursiveInvocationsDroppedAlarm']);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'AsyncEventsDropped', Statistic: 'Sum', Threshold: 1 });
    expect(() => fn.metricFailureQueueMessagesVisible()).toThrow(/TestStack\/Async: onFailure is your own destination/);
  });

  test('onFailure to another function and to your own queue grant invoke / send on that resource only', () => {
    const stack = newStack();
    const other = new lambda.Function(stack, 'Other', {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>{}'),
    });
    new AsyncFunction(stack, 'ToFn', { handler, onFailure: AsyncDestination.toFunction(other) });
    const queue = new sqs.Queue(stack, 'Mine');
    const toQueue = new AsyncFunction(stack, 'ToQueue', { handler, onFailure: AsyncDestination.toQueue(queue) });
    const t = template(stack);
    const otherArn = { 'Fn::GetAtt': [logicalId(other, stack), 'Arn'] };
    t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { DestinationConfig: { OnFailure: { Destination: otherArn } } });
    hasFunctionPolicy(t, {
      PolicyDocument: { Statement: Match.arrayWith([{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: [otherArn, Match.anyValue()] }]) },
    });
    t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalId(toQueue.function as lambda.Function, stack) },
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(queue, stack), 'Arn'] } } },
    });
    expect(toQueue.failureQueue).toBeUndefined();
    expect(AsyncDestination.toQueue(queue).kind).toBe(AsyncDestinationKind.QUEUE);
  });

  test('redriveEnabled turns the mapping on and warns about poison events cycling', () => {
    const { stack } = build({ redriveEnabled: true });
    template(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', { Enabled: true });
    const warnings = warningsOf(stack);
    expect(warnings).toEqual([expect.stringContaining('cycles between the function and the queue')]);
    expect(warnings[0]).toContain('cdk-serverless-patterns:AsyncFunction.redriveEnabled');
  });

  test('redrive: false keeps the failure queue without the redrive function', () => {
    const { stack, fn } = build({ redrive: false });
    const t = template(stack);
    t.resourceCountIs('AWS::SQS::Queue', 1);
    t.resourceCountIs('AWS::Lambda::Function', 1);
    t.resourceCountIs('AWS::Lambda::EventSourceMapping', 0);
    t.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 1209600, RedrivePolicy: Match.absent() });
    expect(fn.alarms.map((a) => a.node.id)).toContain('FailureQueueAlarm');
  });

  test('alarmsEnabled false creates no alarms; alarmTopic gets alarm and OK actions', () => {
    const off = build({ alarmsEnabled: false });
    template(off.stack).resourceCountIs('AWS::CloudWatch::Alarm', 0);
    expect(off.fn.alarms).toEqual([]);
    const stack = newStack();
    const topic = new sns.Topic(stack, 'Alarms');
    new AsyncFunction(stack, 'Async', { handler, alarmTopic: topic });
    const alarms = Object.values(template(stack).findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(7);
    for (const a of alarms) {
      expect(a.Properties.AlarmActions).toEqual([{ Ref: logicalId(topic, stack) }]);
      expect(a.Properties.OKActions).toEqual([{ Ref: logicalId(topic, stack) }]);
    }
  });

  test('an adopted function with a dead-letter queue gets a DeadLetterErrors alarm', () => {
    const stack = newStack();
    const own = new lambda.Function(stack, 'Own', {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>{}'),
      deadLetterQueueEnabled: true,
    });
    const fn = new AsyncFunction(stack, 'Async', { handler: HandlerCode.fromFunction(own) });
    expect(fn.function).toBe(own);
    expect(fn.alarms.map((a) => a.node.id)).toContain('DeadLetterErrorsAlarm');
    template(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'DeadLetterErrors', Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(own, stack) } }],
    });
  });

  test('an adopted alias or version: the invoke config names its function with its qualifier', () => {
    const stack = newStack();
    const own = new lambda.Function(stack, 'Own', {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>{}'),
    });
    const alias = new lambda.Alias(stack, 'Live', { aliasName: 'live', version: own.currentVersion });
    const viaAlias = new AsyncFunction(stack, 'ViaAlias', { handler: HandlerCode.fromFunction(alias) });
    const other = new lambda.Function(stack, 'Other', {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>{}'),
    });
    const version = new lambda.Version(stack, 'OtherV1', { lambda: other });
    const viaVersion = new AsyncFunction(stack, 'ViaVersion', { handler: HandlerCode.fromFunction(version) });
    const resources = template(stack).toJSON().Resources;
    expect(resources[logicalId(viaAlias.eventInvokeConfig, stack)].Properties).toMatchObject({
      FunctionName: { Ref: logicalId(own, stack) }, Qualifier: 'live',
    });
    expect(resources[logicalId(viaVersion.eventInvokeConfig, stack)].Properties).toMatchObject({
      FunctionName: { Ref: logicalId(other, stack) }, Qualifier: { 'Fn::GetAtt': [logicalId(version, stack), 'Version'] },
    });
  });

  test('token values are not validated at synth', () => {
    const stack = newStack();
    const retries = new CfnParameter(stack, 'Retries', { type: 'Number' });
    new AsyncFunction(stack, 'Async', { handler, retryAttempts: retries.valueAsNumber });
    template(stack).hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: { Ref: 'Retries' } });
  });
});

describe('AsyncFunction triggers', () => {
  test('addS3Trigger: notification with filters and a permission for that bucket and account only', () => {
    const { stack, fn } = build();
    const bucket = new s3.Bucket(stack, 'Uploads');
    fn.addS3Trigger(bucket, { filters: [{ prefix: 'incoming/', suffix: '.json' }] });
    const t = template(stack);
    const functionArn = { 'Fn::GetAtt': [logicalId(fn.function as lambda.Function, stack), 'Arn'] };
    t.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: functionArn,
      Principal: 's3.amazonaws.com',
      SourceAccount: '123456789012',
      SourceArn: { 'Fn::GetAtt': [logicalId(bucket, stack), 'Arn'] },
    });
    t.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [{
          Events: ['s3:ObjectCreated:*'],
          LambdaFunctionArn: functionArn,
          Filter: { Key: { FilterRules: [{ Name: 'suffix', Value: '.json' }, { Name: 'prefix', Value: 'incoming/' }] } },
        }],
      },
    });
  });

  test('addEventBridgeRule: rule target with retries and the failure queue as its dead-letter queue', () => {
    const { stack, fn } = build();
    const rule = fn.addEventBridgeRule({ source: ['orders'], detailType: ['OrderPlaced'] });
    const t = template(stack);
    const functionArn = { 'Fn::GetAtt': [logicalId(fn.function as lambda.Function, stack), 'Arn'] };
    const queueArn = { 'Fn::GetAtt': [logicalId(fn.failureQueue as sqs.Queue, stack), 'Arn'] };
    const ruleArn = { 'Fn::GetAtt': [logicalId(rule, stack), 'Arn'] };
    t.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { 'source': ['orders'], 'detail-type': ['OrderPlaced'] },
      Targets: [Match.objectLike({ Arn: functionArn, DeadLetterConfig: { Arn: queueArn }, RetryPolicy: { MaximumRetryAttempts: 185 } })],
    });
    t.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'events.amazonaws.com', SourceArn: ruleArn, FunctionName: functionArn });
    t.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Effect: 'Allow', Action: 'sqs:SendMessage', Principal: { Service: 'events.amazonaws.com' },
          Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },
        })]),
      },
    });
  });

  test('addSchedule: a scheduled rule; a second rule gets its own id', () => {
    const { stack, fn } = build();
    fn.addSchedule(events.Schedule.rate(Duration.hours(1)));
    const second = fn.addSchedule(events.Schedule.expression('cron(0 3 * * ? *)'), { description: 'nightly' });
    expect(second.node.id).toBe('Rule2');
    const t = template(stack);
    t.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 hour)' });
    t.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(0 3 * * ? *)', Description: 'nightly' });
    t.resourceCountIs('AWS::Lambda::Permission', 2);
  });

  test('addSnsSubscription: lambda subscription with filter policy and a permission for that topic only', () => {
    const { stack, fn } = build();
    const topic = new sns.Topic(stack, 'Orders');
    fn.addSnsSubscription(topic, { filterPolicy: { kind: sns.SubscriptionFilter.stringFilter({ allowlist: ['paid'] }) } });
    const t = template(stack);
    const functionArn = { 'Fn::GetAtt': [logicalId(fn.function as lambda.Function, stack), 'Arn'] };
    t.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda', Endpoint: functionArn, TopicArn: { Ref: logicalId(topic, stack) }, FilterPolicy: { kind: ['paid'] },
    });
    t.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'sns.amazonaws.com', SourceArn: { Ref: logicalId(topic, stack) }, FunctionName: functionArn,
    });
    // Undeliverable messages go to the failure queue, which lets this topic (only) send to it.
    const queueArn = { 'Fn::GetAtt': [logicalId(fn.failureQueue as sqs.Queue, stack), 'Arn'] };
    t.hasResourceProperties('AWS::SNS::Subscription', { RedrivePolicy: { deadLetterTargetArn: queueArn } });
    t.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Effect: 'Allow', Action: 'sqs:SendMessage', Principal: { Service: 'sns.amazonaws.com' },
          Condition: { ArnEquals: { 'aws:SourceArn': { Ref: logicalId(topic, stack) } } },
        })]),
      },
    });
  });

  test('an S3 trigger is fine when the function only reads that bucket or writes another one', () => {
    const { stack, fn } = build();
    const source = new s3.Bucket(stack, 'Source');
    const output = new s3.Bucket(stack, 'Output');
    fn.addS3Trigger(source);
    source.grantRead(fn.function);
    output.grantWrite(fn.function);
    expect(() => template(stack)).not.toThrow();
  });

  test('an imported trigger bucket is not confused with a bucket whose name extends it', () => {
    const { stack, fn } = build();
    fn.addS3Trigger(s3.Bucket.fromBucketName(stack, 'Uploads', 'uploads-bucket'));
    fn.function.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: ['arn:aws:s3:::uploads-bucket-archive/*'] }));
    expect(() => template(stack)).not.toThrow();
  });
});

describe('AsyncFunction errors', () => {
  test.each([
    [3, '3'], [-1, '-1'], [1.5, '1.5'],
  ])('retryAttempts %p', (retryAttempts, given) => {
    expect(() => build({ retryAttempts })).toThrow(
      `TestStack/Async: invalid prop 'retryAttempts': must be an integer between 0 and 2 inclusive (given ${given}). `
      + 'Fix: set retryAttempts to 0, 1 or 2 (Lambda\'s limits); replay further from the failure queue with the redrive');
  });

  test.each([
    [Duration.seconds(59), '59 seconds'], [Duration.hours(7), '7 hours'],
  ])('maxEventAge %p', (maxEventAge, given) => {
    expect(() => build({ maxEventAge })).toThrow(
      `TestStack/Async: invalid prop 'maxEventAge': must be between 1 minute and 6 hours (given ${given}). `
      + 'Fix: set maxEventAge between Duration.seconds(60) and Duration.hours(6) (Lambda\'s limits)');
  });

  test('maxEventAge that is not whole seconds', () => {
    expect(() => build({ maxEventAge: Duration.millis(90500) })).toThrow(
      "TestStack/Async: invalid prop 'maxEventAge': must be whole seconds (given 90500 milliseconds). Fix: use Duration.seconds(91)");
  });

  test('onFailure pointing at the function itself', () => {
    const stack = newStack();
    const own = new lambda.Function(stack, 'Own', {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>{}'),
    });
    expect(() => new AsyncFunction(stack, 'Async', { handler: HandlerCode.fromFunction(own), onFailure: AsyncDestination.toFunction(own) }))
      .toThrow("TestStack/Async: invalid prop 'onFailure': points at the function itself: every record would invoke the function again "
        + 'with an envelope it does not expect, in a loop. Fix: leave onFailure unset for the failure queue, '
        + 'or send records to another queue, topic, event bus or function');
  });

  test('onSuccess pointing at an alias of the function itself', () => {
    const stack = newStack();
    const own = new lambda.Function(stack, 'Own', {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>{}'),
    });
    const alias = new lambda.Alias(stack, 'Live', { aliasName: 'live', version: own.currentVersion });
    expect(() => new AsyncFunction(stack, 'Async', { handler: HandlerCode.fromFunction(own), onSuccess: AsyncDestination.toFunction(alias) }))
      .toThrow("TestStack/Async: invalid prop 'onSuccess': points at the function itself");
  });

  test('onFailure pointing at the same imported function ARN', () => {
    const stack = newStack();
    const arn = 'arn:aws:lambda:us-east-1:123456789012:function:worker';
    const a = lambda.Function.fromFunctionArn(stack, 'A', arn);
    const b = lambda.Function.fromFunctionArn(stack, 'B', arn);
    expect(() => new AsyncFunction(stack, 'Async', { handler: HandlerCode.fromFunction(a), onFailure: AsyncDestination.toFunction(b) }))
      .toThrow("TestStack/Async: invalid prop 'onFailure': points at the function itself");
  });

  test('redrive with your own onFailure destination', () => {
    const stack = newStack();
    const queue = new sqs.Queue(stack, 'Mine');
    expect(() => new AsyncFunction(stack, 'Async', { handler, onFailure: AsyncDestination.toQueue(queue), redrive: true }))
      .toThrow("TestStack/Async: invalid prop 'redrive': replays the created failure queue only, and onFailure is set to your own destination. "
        + 'Fix: leave onFailure unset to get the failure queue, or set redrive to false and replay from your destination yourself');
  });

  test('redriveEnabled without the redrive function', () => {
    expect(() => build({ redrive: false, redriveEnabled: true }))
      .toThrow("TestStack/Async: invalid prop 'redriveEnabled': needs the redrive function, which is off. "
        + 'Fix: set redrive to true (and leave onFailure unset), or drop redriveEnabled');
  });

  test('function props with HandlerCode.fromFunction', () => {
    const stack = newStack();
    const own = new lambda.Function(stack, 'Own', {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>{}'),
    });
    expect(() => new AsyncFunction(stack, 'Async', { handler: HandlerCode.fromFunction(own), timeout: Duration.seconds(10) }))
      .toThrow("TestStack/Async: invalid prop 'timeout': cannot be combined with HandlerCode.fromFunction()");
  });

  test('an adopted function imported without its role', () => {
    const stack = newStack();
    const imported = lambda.Function.fromFunctionArn(stack, 'Imported', 'arn:aws:lambda:us-east-1:123456789012:function:worker');
    expect(() => new AsyncFunction(stack, 'Async', { handler: HandlerCode.fromFunction(imported) }))
      .toThrow("TestStack/Async: invalid prop 'handler': the function given to HandlerCode.fromFunction() was imported without its "
        + 'execution role, which Lambda uses to send invocation records to the destinations and which must therefore be granted '
        + 'access to them. Fix: import it with lambda.Function.fromFunctionAttributes({ functionArn, role: iam.Role.fromRoleArn(...) })');
    // With its role it is wired: the grant goes to an attached policy of the imported role.
    const withRole = lambda.Function.fromFunctionAttributes(stack, 'WithRole', {
      functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:other',
      role: iam.Role.fromRoleArn(stack, 'OtherRole', 'arn:aws:iam::123456789012:role/other'),
      sameEnvironment: true,
    });
    new AsyncFunction(stack, 'Adopted', { handler: HandlerCode.fromFunction(withRole) });
    template(stack).hasResourceProperties('AWS::Lambda::EventInvokeConfig', { FunctionName: 'other', Qualifier: '$LATEST' });
  });

  test('an adopted function that already has an event invoke config', () => {
    const stack = newStack();
    const own = new lambda.Function(stack, 'Own', {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>{}'),
      retryAttempts: 1,
    });
    expect(() => new AsyncFunction(stack, 'Async', { handler: HandlerCode.fromFunction(own) }))
      .toThrow("TestStack/Async: invalid prop 'handler': the function given to HandlerCode.fromFunction() already has an event invoke config "
        + '(configureAsyncInvoke(), or onFailure/onSuccess/retryAttempts/maxEventAge on the function); Lambda allows one per function. '
        + 'Fix: remove those settings from your function and set them on AsyncFunction');
  });

  test('addSchedule on a custom event bus', () => {
    const { stack, fn } = build();
    const bus = new events.EventBus(stack, 'Bus');
    expect(() => fn.addSchedule(events.Schedule.rate(Duration.hours(1)), { eventBus: bus }))
      .toThrow("TestStack/Async: invalid prop 'eventBus': cannot be set on a schedule: scheduled rules run on the default event bus. "
        + 'Fix: drop eventBus from the addSchedule options');
  });

  const recursion = "TestStack/Async: invalid prop 'allowWritesToTriggerBucket': the function TestStack/Async/Function is triggered "
    + 'by S3 events of TestStack/Uploads and allowed to write to the same bucket';

  test('S3 trigger on a bucket the function writes to, granted after the trigger', () => {
    const { stack, fn } = build();
    const bucket = new s3.Bucket(stack, 'Uploads');
    fn.addS3Trigger(bucket);
    bucket.grantWrite(fn.function);
    expect(() => template(stack)).toThrow(recursion);
    expect(() => template(stack)).toThrow(/Fix: write to another bucket; or, if the writes land outside what triggers the function/);
  });

  test('S3 trigger on a bucket the function reads and writes, granted before the trigger', () => {
    const { stack, fn } = build();
    const bucket = new s3.Bucket(stack, 'Uploads');
    bucket.grantReadWrite(fn.function);
    fn.addS3Trigger(bucket, { filters: [{ prefix: 'in/' }] });
    expect(() => template(stack)).toThrow(recursion);
  });

  test('S3 trigger with a wildcard s3:* statement on every resource, and with s3:Put* on the bucket ARN', () => {
    const wildcard = build();
    const bucket = new s3.Bucket(wildcard.stack, 'Uploads');
    wildcard.fn.addS3Trigger(bucket);
    wildcard.fn.function.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:*'], resources: ['*'] }));
    expect(() => template(wildcard.stack)).toThrow(recursion);

    const put = build();
    const other = new s3.Bucket(put.stack, 'Uploads');
    put.fn.addS3Trigger(other);
    put.fn.function.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:Put*'], resources: [other.arnForObjects('out/*')] }));
    expect(() => template(put.stack)).toThrow(recursion);
  });

  test('S3 trigger on an imported bucket that a separate policy lets the function write to', () => {
    const { stack, fn } = build();
    const bucket = s3.Bucket.fromBucketName(stack, 'Uploads', 'uploads-bucket');
    fn.addS3Trigger(bucket);
    new iam.Policy(stack, 'Extra', {
      roles: [(fn.function as lambda.Function).role!],
      statements: [new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: ['arn:aws:s3:::uploads-bucket/*'] })],
    });
    expect(() => template(stack)).toThrow(recursion);
  });

  test.each(RECURSION_TABLE)('issue 12 table: %s on the trigger bucket is a recursion error', (_name, grant) => {
    const { stack, fn } = build();
    const bucket = new s3.Bucket(stack, 'Uploads');
    fn.addS3Trigger(bucket);
    grant(stack, bucket, fn.function.role!, fn.function);
    expect(() => template(stack)).toThrow(recursion);
  });

  test('an AWS managed policy the IAM model does not know is a warning (cannot tell), not an error', () => {
    const { stack, fn } = build();
    fn.addS3Trigger(new s3.Bucket(stack, 'Uploads'));
    attachUnknownManagedPolicy(fn.function.role!);
    expect(() => template(stack)).not.toThrow();
    expect(warningsOf(stack)).toEqual([expect.stringContaining(
      "invalid prop 'allowWritesToTriggerBucket': the function TestStack/Async/Function is triggered by S3 events of TestStack/Uploads, "
      + 'and whether it may write to that bucket cannot be told: AWS managed policy AmazonEC2FullAccess.')]);
    expect(warningsOf(stack)[0]).toContain('[ack: cdk-serverless-patterns:SPG-S3-RECURSION]');
  });

  test('an object-removed trigger checks deletes: a role that may delete objects of the bucket is a recursion error', () => {
    const { stack, fn } = build();
    const bucket = new s3.Bucket(stack, 'Uploads');
    fn.addS3Trigger(bucket, { events: [s3.EventType.OBJECT_REMOVED] });
    fn.function.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:DeleteObject'], resources: [bucket.arnForObjects('*')] }));
    expect(() => template(stack)).toThrow(`${recursion} ('s3:DeleteObject')`);
  });

  test('S3 recursion acknowledged with allowWritesToTriggerBucket', () => {
    const { stack, fn } = build();
    const bucket = new s3.Bucket(stack, 'Uploads');
    fn.addS3Trigger(bucket, { filters: [{ prefix: 'in/' }], allowWritesToTriggerBucket: true });
    bucket.grantWrite(fn.function, 'out/*');
    expect(() => template(stack)).not.toThrow();
  });
});
