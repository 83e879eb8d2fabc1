import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as lib from '../lib';
import { identityStatements, newStack, template, warningsOf } from './support/cdk';

/**
 * Issue 17 item 6: every construct that takes an existing resource takes it imported too
 * (`fromXxxArn`/`fromXxxName`/`fromXxxAttributes` in the same stack), and wires it by its ARN or name.
 */
const ACCOUNT = '123456789012';
const arn = (service: string, resource: string) => `arn:aws:${service}:us-east-1:${ACCOUNT}:${resource}`;
const QUEUE_ARN = arn('sqs', 'orders');
const TOPIC_ARN = arn('sns', 'orders');
const BUS_ARN = arn('events', 'event-bus/orders');
const FUNCTION_ARN = arn('lambda', 'function:orders');
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/orders-role`;
const STREAM_ARN = arn('kinesis', 'stream/orders');
const TABLE_STREAM_ARN = arn('dynamodb', 'table/orders/stream/2026-01-01T00:00:00.000');
const STATE_MACHINE_ARN = arn('states', 'stateMachine:orders');

const code = () => lib.HandlerCode.bundled('sqs-worker/example');

/** An imported function with its execution role, as a team hands one in. */
function importedFunction(stack: Stack, id = 'Imported'): lambda.IFunction {
  return lambda.Function.fromFunctionAttributes(stack, id, {
    functionArn: FUNCTION_ARN, role: iam.Role.fromRoleArn(stack, `${id}Role`, ROLE_ARN), sameEnvironment: true,
  });
}

/** Statements of every IAM policy in the template (DefaultPolicies and the functions' inline policies). */
function statements(t: Template): Array<{ Action: string | string[]; Resource: unknown }> {
  return identityStatements(t);
}

/** The actions granted on `resource` (matched as JSON), over every policy. */
function actionsOn(t: Template, resource: unknown): string[] {
  const wanted = JSON.stringify(resource);
  return statements(t).filter((s) => [s.Resource].flat().some((r) => JSON.stringify(r) === wanted))
    .flatMap((s) => [s.Action].flat()).sort();
}

/** Policies attached to the imported role by name (`Roles: ['orders-role']`). */
function importedRolePolicies(t: Template): unknown[] {
  return Object.values(t.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties.Roles) === '["orders-role"]');
}

describe('SqsWorker', () => {
  test('an imported queue is consumed by its ARN, and the worker warns that it cannot see a dead-letter queue', () => {
    const stack = newStack();
    const worker = new lib.SqsWorker(stack, 'Worker', { handler: code(), queue: sqs.Queue.fromQueueArn(stack, 'Queue', QUEUE_ARN) });
    const t = template(stack);
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', { EventSourceArn: QUEUE_ARN, FunctionResponseTypes: ['ReportBatchItemFailures'] });
    expect(actionsOn(t, QUEUE_ARN)).toEqual(['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl', 'sqs:ReceiveMessage']);
    t.resourceCountIs('AWS::SQS::Queue', 0);
    expect(worker.deadLetterQueue).toBeUndefined();
    expect(warningsOf(stack)).toEqual([expect.stringContaining('the given queue has no dead-letter queue this worker can see')]);
  });

  test('an imported FIFO queue (its ARN ends in .fifo) gets FIFO processing', () => {
    const stack = newStack();
    new lib.SqsWorker(stack, 'Worker', { handler: code(), queue: sqs.Queue.fromQueueArn(stack, 'Queue', `${QUEUE_ARN}.fifo`) });
    template(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SQS_WORKER_FIFO: 'true' }) },
    });
  });

  test('an imported function is the mapping\'s target, and the grants go to its imported role', () => {
    const stack = newStack();
    new lib.SqsWorker(stack, 'Worker', {
      handler: lib.HandlerCode.fromFunction(importedFunction(stack)), idempotency: { enabled: false },
    });
    const t = template(stack);
    // CDK names an imported function of the same account and region by its name.
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', { FunctionName: 'orders' });
    t.resourceCountIs('AWS::Lambda::Function', 0);
    const [policy] = importedRolePolicies(t) as Array<{ Properties: { PolicyDocument: { Statement: unknown[] } } }>;
    expect(policy.Properties.PolicyDocument.Statement).toEqual([expect.objectContaining({
      Action: expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage']),
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^WorkerQueue/), 'Arn'] },
    })]);
  });

  test('an imported idempotency table is named in the environment and granted by its ARN', () => {
    const stack = newStack();
    const table = dynamodb.Table.fromTableName(stack, 'Table', 'orders-idempotency');
    new lib.SqsWorker(stack, 'Worker', { handler: code(), idempotency: { table } });
    const t = template(stack);
    t.resourceCountIs('AWS::DynamoDB::Table', 0);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ IDEMPOTENCY_TABLE_NAME: 'orders-idempotency' }) },
    });
    const tableArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':dynamodb:us-east-1:123456789012:table/orders-idempotency']] };
    expect(actionsOn(t, tableArn)).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
  });

  test('an imported alarm topic receives every alarm', () => {
    const stack = newStack();
    const worker = new lib.SqsWorker(stack, 'Worker', { handler: code(), alarmTopic: sns.Topic.fromTopicArn(stack, 'Alarms', TOPIC_ARN) });
    const alarms = Object.values(template(stack).findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(worker.alarms.length);
    for (const alarm of alarms) expect(alarm.Properties).toMatchObject({ AlarmActions: [TOPIC_ARN], OKActions: [TOPIC_ARN] });
  });
});

describe('FanOutPipeline', () => {
  test('an imported SNS topic gets one subscription per consumer, and nothing is created in its place', () => {
    const stack = newStack();
    new lib.FanOutPipeline(stack, 'Pipeline', {
      source: lib.FanOutSource.snsTopic(sns.Topic.fromTopicArn(stack, 'Topic', TOPIC_ARN)),
      consumers: [{ name: 'audit', handler: code() }, { name: 'billing', handler: code() }],
    });
    const t = template(stack);
    t.resourceCountIs('AWS::SNS::Topic', 0);
    t.resourceCountIs('AWS::SNS::Subscription', 2);
    t.allResourcesProperties('AWS::SNS::Subscription', { TopicArn: TOPIC_ARN, Protocol: 'sqs', RawMessageDelivery: true });
    // Each consumer queue lets exactly this topic send to it.
    t.hasResourceProperties('AWS::SQS::QueuePolicy', { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
      Action: 'sqs:SendMessage', Condition: { ArnEquals: { 'aws:SourceArn': TOPIC_ARN } },
    })]) } });
  });

  test('an imported event bus gets one rule per consumer on that bus', () => {
    const stack = newStack();
    new lib.FanOutPipeline(stack, 'Pipeline', {
      source: lib.FanOutSource.eventBus(events.EventBus.fromEventBusArn(stack, 'Bus', BUS_ARN)),
      consumers: [{ name: 'audit', handler: code(), filter: lib.ConsumerFilter.eventPattern({ source: ['orders'] }) }],
    });
    const t = template(stack);
    t.resourceCountIs('AWS::Events::EventBus', 0);
    t.hasResourceProperties('AWS::Events::Rule', { EventBusName: 'orders', EventPattern: { source: ['orders'] } });
  });
});

describe('AsyncFunction', () => {
  test('an imported function (with its role) gets the event invoke config and the failure queue grant', () => {
    const stack = newStack();
    const construct = new lib.AsyncFunction(stack, 'Async', { handler: lib.HandlerCode.fromFunction(importedFunction(stack)) });
    const t = template(stack);
    t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { FunctionName: 'orders', Qualifier: '$LATEST' });
    expect(JSON.stringify(importedRolePolicies(t))).toContain('sqs:SendMessage');
    expect(construct.redriveFunction).toBeDefined();
    // The redrive invokes the imported function by its ARN.
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ REDRIVE_TARGET_FUNCTION_ARN: FUNCTION_ARN }) },
    });
  });

  test('an imported function without its role is an error naming the import that works', () => {
    const stack = newStack();
    const fn = lambda.Function.fromFunctionArn(stack, 'Imported', FUNCTION_ARN);
    expect(() => new lib.AsyncFunction(stack, 'Async', { handler: lib.HandlerCode.fromFunction(fn) }))
      .toThrow(/^TestStack\/Async: invalid prop 'handler': the function given to HandlerCode.fromFunction\(\) was imported without its execution role.*Fix: import it with lambda.Function.fromFunctionAttributes/);
  });

  test('an imported alias is configured on its function with the alias as qualifier', () => {
    const stack = newStack();
    const version = lambda.Version.fromVersionAttributes(stack, 'Version', { version: '7', lambda: importedFunction(stack) });
    const alias = lambda.Alias.fromAliasAttributes(stack, 'Alias', { aliasName: 'live', aliasVersion: version });
    new lib.AsyncFunction(stack, 'Async', { handler: lib.HandlerCode.fromFunction(alias) });
    template(stack).hasResourceProperties('AWS::Lambda::EventInvokeConfig', { FunctionName: 'orders', Qualifier: 'live' });
  });

  test('an imported version is configured with its version number as qualifier', () => {
    const stack = newStack();
    const version = lambda.Version.fromVersionAttributes(stack, 'Version', { version: '7', lambda: importedFunction(stack) });
    new lib.AsyncFunction(stack, 'Async', { handler: lib.HandlerCode.fromFunction(version) });
    template(stack).hasResourceProperties('AWS::Lambda::EventInvokeConfig', { FunctionName: 'orders', Qualifier: '7' });
  });

  test.each([
    ['toQueue', (s: Stack) => lib.AsyncDestination.toQueue(sqs.Queue.fromQueueArn(s, 'Dest', QUEUE_ARN)), QUEUE_ARN, 'sqs:SendMessage'],
    ['toTopic', (s: Stack) => lib.AsyncDestination.toTopic(sns.Topic.fromTopicArn(s, 'Dest', TOPIC_ARN)), TOPIC_ARN, 'sns:Publish'],
    ['toEventBus', (s: Stack) => lib.AsyncDestination.toEventBus(events.EventBus.fromEventBusArn(s, 'Dest', BUS_ARN)), BUS_ARN, 'events:PutEvents'],
    ['toFunction', (s: Stack) => lib.AsyncDestination.toFunction(lambda.Function.fromFunctionArn(s, 'Dest', FUNCTION_ARN)), FUNCTION_ARN, 'lambda:InvokeFunction'],
  ])('AsyncDestination.%s with an imported resource: the destination is its ARN, and the function may deliver to it', (_name, destination, resourceArn, action) => {
    const stack = newStack();
    new lib.AsyncFunction(stack, 'Async', { handler: lib.HandlerCode.bundled('async-function/example'), onFailure: destination(stack), redrive: false });
    const t = template(stack);
    t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { DestinationConfig: { OnFailure: { Destination: resourceArn } } });
    expect(actionsOn(t, resourceArn).concat(actionsOn(t, [resourceArn, `${resourceArn}:*`]))).toContain(action);
  });
});

describe('SagaStateMachine', () => {
  test('imported step functions are invoked by ARN, and the role may invoke exactly them', () => {
    const stack = newStack();
    const reserve = lambda.Function.fromFunctionArn(stack, 'Reserve', arn('lambda', 'function:reserve'));
    const release = lambda.Function.fromFunctionArn(stack, 'Release', arn('lambda', 'function:release'));
    const charge = lambda.Function.fromFunctionArn(stack, 'Charge', arn('lambda', 'function:charge'));
    // The compensation runs when a later step fails, so a second step.
    const saga = new lib.SagaStateMachine(stack, 'Saga', {
      steps: [{ name: 'reserve', action: reserve, compensation: release }, { name: 'charge', action: charge }],
    });
    const t = template(stack);
    const definition = JSON.stringify(t.findResources('AWS::StepFunctions::StateMachine'));
    expect(definition).toContain(arn('lambda', 'function:reserve'));
    expect(definition).toContain(arn('lambda', 'function:release'));
    const invoke = statements(t).filter((s) => [s.Action].flat().includes('lambda:InvokeFunction'));
    expect(invoke.flatMap((s) => [s.Resource].flat()).sort()).toEqual([
      arn('lambda', 'function:charge'), `${arn('lambda', 'function:charge')}:*`, arn('lambda', 'function:release'), `${arn('lambda', 'function:release')}:*`,
      arn('lambda', 'function:reserve'), `${arn('lambda', 'function:reserve')}:*`,
    ]);
    expect(saga.stateMachine).toBeDefined();
  });

  test('a callback step through an imported queue sends to its URL and may send to its ARN', () => {
    const stack = newStack();
    const queue = sqs.Queue.fromQueueArn(stack, 'Partner', QUEUE_ARN);
    new lib.SagaStateMachine(stack, 'Saga', {
      steps: [{ name: 'approve', actionTask: lib.SagaTask.callbackViaQueue(queue, { timeout: Duration.hours(1) }) }],
    });
    const t = template(stack);
    expect(JSON.stringify(t.findResources('AWS::StepFunctions::StateMachine'))).toContain('https://sqs.us-east-1.');
    expect(actionsOn(t, QUEUE_ARN)).toEqual(['sqs:SendMessage']);
  });
});

describe('ProvisionedApi', () => {
  test('an imported function is a clear error: its versions cannot be published here', () => {
    const stack = newStack();
    expect(() => new lib.ProvisionedApi(stack, 'Api', { handler: lib.HandlerCode.fromFunction(importedFunction(stack)) }))
      .toThrow("TestStack/Api: invalid prop 'handler': HandlerCode.fromFunction() needs a lambda.Function, whose versions this "
        + 'construct publishes (given an imported function). Fix: pass a lambda.Function you created in this app, or HandlerCode.fromCode()/fromAsset()');
  });

  test('an imported alarm topic receives its alarms', () => {
    const stack = newStack();
    new lib.ProvisionedApi(stack, 'Api', { handler: lib.HandlerCode.bundled('provisioned-api/example'), alarmTopic: sns.Topic.fromTopicArn(stack, 'Alarms', TOPIC_ARN) });
    const alarms = Object.values(template(stack).findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([TOPIC_ARN]);
  });
});

describe('StreamWorker', () => {
  test('an imported Kinesis stream is read by its ARN', () => {
    const stack = newStack();
    new lib.StreamWorker(stack, 'Worker', {
      handler: lib.HandlerCode.bundled('stream-worker/example'), source: lib.StreamSource.kinesis(kinesis.Stream.fromStreamArn(stack, 'Stream', STREAM_ARN)),
    });
    const t = template(stack);
    t.resourceCountIs('AWS::Kinesis::Stream', 0);
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', { EventSourceArn: STREAM_ARN, BisectBatchOnFunctionError: true });
    expect(actionsOn(t, STREAM_ARN)).toEqual(expect.arrayContaining(['kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:DescribeStream']));
  });

  test('an imported table with its stream ARN is read through that stream', () => {
    const stack = newStack();
    const table = dynamodb.Table.fromTableAttributes(stack, 'Table', { tableArn: arn('dynamodb', 'table/orders'), tableStreamArn: TABLE_STREAM_ARN });
    new lib.StreamWorker(stack, 'Worker', { handler: lib.HandlerCode.bundled('stream-worker/example'), source: lib.StreamSource.dynamoDb(table) });
    const t = template(stack);
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', { EventSourceArn: TABLE_STREAM_ARN });
    expect(actionsOn(t, TABLE_STREAM_ARN)).toEqual(expect.arrayContaining(['dynamodb:GetRecords', 'dynamodb:GetShardIterator']));
  });

  test('an imported table without a stream ARN is an error naming the import that works', () => {
    const stack = newStack();
    const table = dynamodb.Table.fromTableName(stack, 'Table', 'orders');
    expect(() => new lib.StreamWorker(stack, 'Worker', { handler: lib.HandlerCode.bundled('stream-worker/example'), source: lib.StreamSource.dynamoDb(table) }))
      .toThrow(/^TestStack\/Worker: invalid prop 'source': the table TestStack\/Table has no stream.*Table\.fromTableAttributes\(\{ tableArn, tableStreamArn \}\)/);
  });

  test('an imported failure bucket is the on-failure destination, and the function may write only under aws/lambda/', () => {
    const stack = newStack();
    new lib.StreamWorker(stack, 'Worker', {
      handler: lib.HandlerCode.bundled('stream-worker/example'),
      onFailure: lib.StreamFailureDestination.toBucket(s3.Bucket.fromBucketName(stack, 'Failures', 'orders-failures')),
    });
    const t = template(stack);
    t.resourceCountIs('AWS::S3::Bucket', 0);
    const bucketArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::orders-failures']] };
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', { DestinationConfig: { OnFailure: { Destination: bucketArn } } });
    expect(actionsOn(t, { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::orders-failures/aws/lambda/*']] })).toEqual(['s3:PutObject']);
    expect(actionsOn(t, bucketArn)).toEqual(['s3:ListBucket']);
  });

  test('an imported failure queue is the on-failure destination, and the function may send to it', () => {
    const stack = newStack();
    new lib.StreamWorker(stack, 'Worker', {
      handler: lib.HandlerCode.bundled('stream-worker/example'), onFailure: lib.StreamFailureDestination.toQueue(sqs.Queue.fromQueueArn(stack, 'Failures', QUEUE_ARN)),
    });
    const t = template(stack);
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', { DestinationConfig: { OnFailure: { Destination: QUEUE_ARN } } });
    expect(actionsOn(t, QUEUE_ARN)).toEqual(expect.arrayContaining(['sqs:SendMessage']));
  });

  test('an imported function reads the stream with its imported role', () => {
    const stack = newStack();
    new lib.StreamWorker(stack, 'Worker', {
      handler: lib.HandlerCode.fromFunction(importedFunction(stack)), idempotency: { enabled: false },
      source: lib.StreamSource.kinesis(kinesis.Stream.fromStreamArn(stack, 'Stream', STREAM_ARN)),
    });
    const t = template(stack);
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', { EventSourceArn: STREAM_ARN, FunctionName: 'orders' });
    expect(JSON.stringify(importedRolePolicies(t))).toContain('kinesis:GetRecords');
  });
});

describe('ScheduledJob', () => {
  test('an imported state machine is started by its ARN, and the Scheduler role may start exactly it', () => {
    const stack = newStack();
    new lib.ScheduledJob(stack, 'Job', {
      schedule: lib.JobSchedule.cron('0 2 * * ? *'),
      target: lib.ScheduledJobTarget.stateMachine(sfn.StateMachine.fromStateMachineArn(stack, 'Machine', STATE_MACHINE_ARN)),
    });
    const t = template(stack);
    t.hasResourceProperties('AWS::Scheduler::Schedule', { Target: Match.objectLike({ Arn: STATE_MACHINE_ARN }) });
    expect(actionsOn(t, STATE_MACHINE_ARN)).toEqual(['states:StartExecution']);
  });

  test('an imported function is invoked by its ARN, with the job\'s retries and dead-letter queue on its invoke config', () => {
    const stack = newStack();
    new lib.ScheduledJob(stack, 'Job', {
      schedule: lib.JobSchedule.cron('0 2 * * ? *'),
      target: lib.ScheduledJobTarget.handler(lib.HandlerCode.fromFunction(importedFunction(stack)), { idempotency: false }),
    });
    const t = template(stack);
    t.hasResourceProperties('AWS::Scheduler::Schedule', { Target: Match.objectLike({ Arn: FUNCTION_ARN }) });
    t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { FunctionName: 'orders', MaximumRetryAttempts: 2 });
    expect(actionsOn(t, FUNCTION_ARN)).toEqual(['lambda:InvokeFunction']);
  });

  test('an imported idempotency table is granted to the job\'s function', () => {
    const stack = newStack();
    new lib.ScheduledJob(stack, 'Job', {
      schedule: lib.JobSchedule.cron('0 2 * * ? *'),
      target: lib.ScheduledJobTarget.handler(lib.HandlerCode.bundled('scheduled-job/example'), {
        idempotencyTable: dynamodb.Table.fromTableArn(stack, 'Table', arn('dynamodb', 'table/jobs-idempotency')),
      }),
    });
    const t = template(stack);
    t.resourceCountIs('AWS::DynamoDB::Table', 0);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ IDEMPOTENCY_TABLE_NAME: 'jobs-idempotency' }) },
    });
    expect(actionsOn(t, arn('dynamodb', 'table/jobs-idempotency'))).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
  });
});

describe('what failed with imported resources before, and what it does now', () => {
  const withoutRole = (stack: Stack) => lib.HandlerCode.fromFunction(lambda.Function.fromFunctionArn(stack, 'Imported', FUNCTION_ARN));
  const roleFix = 'Fix: import it with lambda.Function.fromFunctionAttributes({ functionArn, role: iam.Role.fromRoleArn(...) }) '
    + '(an alias or version: import its function that way and pass it as the lambda of Version.fromVersionAttributes)';

  // Before: aws-cdk-lib's own "Cannot get policy fragment of TestStack/Imported, resource imported without a role", with no prop or fix.
  test.each([
    ['SqsWorker', (s: Stack) => new lib.SqsWorker(s, 'Construct', { handler: withoutRole(s), idempotency: { enabled: false } }),
      'the event source mapping polls the queue with, and which must therefore be granted to consume it'],
    ['StreamWorker', (s: Stack) => new lib.StreamWorker(s, 'Construct', { handler: withoutRole(s), idempotency: { enabled: false } }),
      'the event source mapping reads the stream with, and which must therefore be granted to read it'],
    ['ScheduledJob', (s: Stack) => new lib.ScheduledJob(s, 'Construct', {
      schedule: lib.JobSchedule.cron('0 2 * * ? *'), target: lib.ScheduledJobTarget.handler(withoutRole(s), { idempotency: false }),
    }), 'Lambda uses to send failed runs to the job\'s dead-letter queue (the on-failure destination), and which must therefore be granted to send to it'],
    ['AsyncFunction', (s: Stack) => new lib.AsyncFunction(s, 'Construct', { handler: withoutRole(s) }),
      'Lambda uses to send invocation records to the destinations and which must therefore be granted access to them'],
  ])('%s: a function imported without its role is an error naming why the role is needed and how to import it', (_name, create, why) => {
    expect(() => create(newStack())).toThrow(`TestStack/Construct: invalid prop 'handler': the function given to HandlerCode.fromFunction() `
      + `was imported without its execution role, which ${why}. ${roleFix}`);
  });

  test('FanOutPipeline: a consumer with a function imported without its role names the consumer\'s worker', () => {
    const stack = newStack();
    expect(() => new lib.FanOutPipeline(stack, 'Pipeline', { consumers: [{ name: 'audit', handler: withoutRole(stack), worker: { idempotency: { enabled: false } } }] }))
      .toThrow(/^TestStack\/Pipeline\/audit\/Worker: invalid prop 'handler': the function given to HandlerCode.fromFunction\(\) was imported without its execution role/);
  });

  test('AsyncFunction: an imported version of an imported function without its role gets the same error', () => {
    const stack = newStack();
    expect(() => new lib.AsyncFunction(stack, 'Async', { handler: lib.HandlerCode.fromFunction(lambda.Version.fromVersionArn(stack, 'V', `${FUNCTION_ARN}:7`)) }))
      .toThrow(roleFix);
  });

  // Before: accepted, so every failure record invoked the function again.
  test('AsyncFunction: onFailure pointing at an imported version of the function itself is the self-destination error', () => {
    const stack = newStack();
    const fn = importedFunction(stack);
    const version = lambda.Version.fromVersionAttributes(stack, 'Version', { version: '7', lambda: fn });
    expect(() => new lib.AsyncFunction(stack, 'Async', {
      handler: lib.HandlerCode.fromFunction(fn), onFailure: lib.AsyncDestination.toFunction(version), redrive: false,
    })).toThrow("TestStack/Async: invalid prop 'onFailure': points at the function itself");
    // The same function imported twice (its version by ARN): same ARN, same error.
    const other = newStack();
    expect(() => new lib.AsyncFunction(other, 'Async', {
      handler: lib.HandlerCode.fromFunction(importedFunction(other)), redrive: false,
      onSuccess: lib.AsyncDestination.toFunction(lambda.Version.fromVersionArn(other, 'Again', `${FUNCTION_ARN}:7`)),
      onFailure: lib.AsyncDestination.toQueue(sqs.Queue.fromQueueArn(other, 'Failures', QUEUE_ARN)),
    })).toThrow("TestStack/Async: invalid prop 'onSuccess': points at the function itself");
  });

  // Before: no way to tell the worker the DLQ of an imported queue, so no DLQ alarm, a warning, and ScheduledJob refused the worker.
  test('SqsWorker: deadLetterQueue names the DLQ of an imported queue: alarmed, no warning, and a ScheduledJob target', () => {
    const stack = newStack();
    const worker = new lib.SqsWorker(stack, 'Worker', {
      handler: code(), queue: sqs.Queue.fromQueueArn(stack, 'Queue', QUEUE_ARN),
      deadLetterQueue: sqs.Queue.fromQueueArn(stack, 'Dlq', arn('sqs', 'orders-dlq')),
    });
    new lib.ScheduledJob(stack, 'Job', { schedule: lib.JobSchedule.cron('0 2 * * ? *'), target: lib.ScheduledJobTarget.sqsWorker(worker) });
    const t = template(stack);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Dimensions: [{ Name: 'QueueName', Value: 'orders-dlq' }],
    });
    t.hasResourceProperties('AWS::Scheduler::Schedule', { Target: Match.objectLike({ Arn: QUEUE_ARN }) });
    expect(warningsOf(stack)).toEqual([]);
    expect(worker.deadLetterQueue?.queueArn).toBe(arn('sqs', 'orders-dlq'));
  });

  test('SqsWorker: without deadLetterQueue, ScheduledJob still refuses a worker on an imported queue', () => {
    const stack = newStack();
    const worker = new lib.SqsWorker(stack, 'Worker', { handler: code(), queue: sqs.Queue.fromQueueArn(stack, 'Queue', QUEUE_ARN) });
    expect(() => new lib.ScheduledJob(stack, 'Job', { schedule: lib.JobSchedule.cron('0 2 * * ? *'), target: lib.ScheduledJobTarget.sqsWorker(worker) }))
      .toThrow("TestStack/Job: invalid prop 'target': is an SqsWorker without a dead-letter queue: a scheduled message that keeps failing "
        + 'would be lost when the queue retention ends. Fix: let SqsWorker create its queue (with its DLQ), or give your queue a redrive '
        + 'policy (an imported queue: also pass that dead-letter queue as the SqsWorker\'s deadLetterQueue)');
  });

  test('SqsWorker: deadLetterQueue without queue, or not the DLQ of a queue of this app, is an error', () => {
    const stack = newStack();
    const dlq = sqs.Queue.fromQueueArn(stack, 'Dlq', arn('sqs', 'orders-dlq'));
    expect(() => new lib.SqsWorker(stack, 'Worker', { handler: code(), deadLetterQueue: dlq }))
      .toThrow("TestStack/Worker: invalid prop 'deadLetterQueue': names the dead-letter queue of an existing queue, and no queue was given. "
        + 'Fix: leave deadLetterQueue unset (the worker creates the queue with its dead-letter queue), or pass queue too');
    const own = new sqs.Queue(stack, 'Own', { deadLetterQueue: { queue: new sqs.Queue(stack, 'OwnDlq'), maxReceiveCount: 5 } });
    expect(() => new lib.SqsWorker(stack, 'Worker2', { handler: code(), queue: own, deadLetterQueue: dlq }))
      .toThrow("TestStack/Worker2: invalid prop 'deadLetterQueue': is not the dead-letter queue of the given queue (its redrive policy names "
        + 'TestStack/OwnDlq). Fix: leave deadLetterQueue unset for a queue of this app: the worker reads it from the queue');
  });
});
