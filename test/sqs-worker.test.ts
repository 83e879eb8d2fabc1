import { CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { FanOutPipeline, HandlerCode, IdempotencyTable, SqsWorker, SqsWorkerProps } from '../lib';
import { functionPolicies, newStack, snapshotTemplate, template, warningsOf } from './support/cdk';

const handler = HandlerCode.bundled('sqs-worker/example');

function worker(props: Partial<SqsWorkerProps> = {}, stack: Stack = newStack()) {
  const w = new SqsWorker(stack, 'Worker', { handler, ...props });
  return { stack, worker: w, t: template(stack) };
}

describe('SqsWorker defaults', () => {
  const { stack, worker: w, t } = worker();

  test('creates exactly the resources of one worker', () => {
    t.resourceCountIs('AWS::SQS::Queue', 2);
    t.resourceCountIs('AWS::Lambda::Function', 1);
    t.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    t.resourceCountIs('AWS::DynamoDB::Table', 1);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 5);
    t.resourceCountIs('AWS::Logs::LogGroup', 1);
  });

  test('source queue: SSE-SQS, visibility 6 x 30 s, redrive to the DLQ after 5 receives', () => {
    t.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 180,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('WorkerDeadLetterQueue'), 'Arn'] }, maxReceiveCount: 5 },
    });
  });

  test('dead-letter queue: 14 days retention, SSE-SQS', () => {
    t.hasResourceProperties('AWS::SQS::Queue', {
      MessageRetentionPeriod: 14 * 24 * 3600,
      SqsManagedSseEnabled: true,
      RedrivePolicy: Match.absent(),
    });
  });

  test('both queues deny requests without TLS', () => {
    const policies = t.findResources('AWS::SQS::QueuePolicy');
    expect(Object.keys(policies)).toHaveLength(2);
    for (const policy of Object.values(policies)) {
      expect(policy.Properties.PolicyDocument.Statement).toEqual(expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      ]));
    }
  });

  test('function: ARM64, Node.js 24, X-Ray active, 30 s, 512 MB, JSON logs, idempotency env', () => {
    t.hasResourceProperties('AWS::Lambda::Function', {
      Architectures: ['arm64'],
      Runtime: 'nodejs24.x',
      TracingConfig: { Mode: 'Active' },
      Timeout: 30,
      MemorySize: 512,
      Handler: 'index.handler',
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
      Environment: {
        Variables: {
          SQS_WORKER_FIFO: 'false',
          IDEMPOTENCY_TABLE_NAME: { Ref: Match.stringLikeRegexp('^ServerlessPatternsIdempotencyTable') },
          IDEMPOTENCY_KEY_PREFIX: 'TestStackWorker8E12EF1E',
          IDEMPOTENCY_TTL_SECONDS: '3600',
          IDEMPOTENCY_KEY_PATH: 'messageId',
          POWERTOOLS_SERVICE_NAME: 'TestStack-Worker',
        },
      },
    });
  });

  test('log group has explicit retention', () => {
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  test('event source mapping reports batch item failures, batch size 10', () => {
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('WorkerQueue'), 'Arn'] },
      ScalingConfig: Match.absent(),
      MaximumBatchingWindowInSeconds: Match.absent(),
    });
  });

  test('idempotency table: on demand, TTL, PITR, encrypted, destroyed with the stack', () => {
    t.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      },
      DeletionPolicy: 'Delete',
    });
  });

  test('function role gets only the four item actions Powertools uses on the table', () => {
    const statements = functionPolicies(t).flatMap((p) => p.statements);
    const dynamo = statements.filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('dynamodb:')));
    expect(dynamo).toHaveLength(1);
    expect([dynamo[0].Action].flat().sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    // The table is the stack's shared one: only the items under this worker's key prefix.
    expect(dynamo[0].Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['TestStackWorker8E12EF1E#*'] } });
    expect(dynamo[0].Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ServerlessPatternsIdempotencyTable/), 'Arn'] });
  });

  test('alarms: DLQ >= 1, oldest message >= 5 x 180 s, errors >= 1, throttles >= 1, recursive invocations dropped >= 1', () => {
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 1, Statistic: 'Maximum',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('WorkerDeadLetterQueue'), 'QueueName'] } }],
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 900 });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Errors', Threshold: 1, Namespace: 'AWS/Lambda' });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Throttles', Threshold: 1, Namespace: 'AWS/Lambda' });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'RecursiveInvocationsDropped', Threshold: 1, Namespace: 'AWS/Lambda' });
    expect(w.alarms).toHaveLength(5);
  });

  test('exposes what it made', () => {
    expect(w.queue).toBeInstanceOf(sqs.Queue);
    expect(w.deadLetterQueue).toBeInstanceOf(sqs.Queue);
    expect(w.function).toBeInstanceOf(lambda.Function);
    expect(w.eventSourceMapping).toBeInstanceOf(lambda.EventSourceMapping);
    expect(w.idempotencyTable).toBeInstanceOf(dynamodb.Table);
    expect(w.visibilityTimeout?.toSeconds()).toBe(180);
  });

  test('no warnings with defaults', () => {
    expect(warningsOf(stack)).toEqual([]);
  });

  test('snapshot', () => {
    expect(snapshotTemplate(stack)).toMatchSnapshot();
  });
});

describe('SqsWorker props', () => {
  test('FIFO: both queues FIFO, runtime told to keep order', () => {
    const { t } = worker({ fifo: true });
    const queues = Object.values(t.findResources('AWS::SQS::Queue'));
    expect(queues.map((q) => q.Properties.FifoQueue)).toEqual([true, true]);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SQS_WORKER_FIFO: 'true' }) },
    });
  });

  test('batching window, batch size, max concurrency, reserved concurrency, timeout, memory', () => {
    const { t } = worker({
      batchSize: 100, maxBatchingWindow: Duration.seconds(5), maxConcurrency: 10, reservedConcurrency: 20,
      timeout: Duration.seconds(60), memorySize: 1024, maxReceiveCount: 8,
    });
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 100, MaximumBatchingWindowInSeconds: 5, ScalingConfig: { MaximumConcurrency: 10 },
    });
    t.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 20, Timeout: 60, MemorySize: 1024 });
    // 6 x 60 s + 5 s window
    t.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 365, RedrivePolicy: Match.objectLike({ maxReceiveCount: 8 }) });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 365 * 8 });
  });

  test('explicit visibility timeout at or above the minimum is used', () => {
    const { t } = worker({ visibilityTimeout: Duration.minutes(5) });
    t.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 300 });
  });

  test('KMS key encrypts both queues and the function may decrypt', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    const { t } = worker({ encryptionKey: key }, stack);
    const queues = Object.values(t.findResources('AWS::SQS::Queue'));
    expect(queues).toHaveLength(2);
    for (const q of queues) expect(q.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] });
    const statements = functionPolicies(t).flatMap((p) => p.statements);
    expect(statements.some((s: any) => [s.Action].flat().includes('kms:Decrypt'))).toBe(true);
  });

  test('idempotency off: no table, no idempotency variables', () => {
    const { t, worker: w } = worker({ idempotency: { enabled: false } });
    t.resourceCountIs('AWS::DynamoDB::Table', 0);
    expect(w.idempotencyTable).toBeUndefined();
    const fn = Object.values(t.findResources('AWS::Lambda::Function'))[0];
    expect(Object.keys(fn.Properties.Environment.Variables).sort()).toEqual(['POWERTOOLS_SERVICE_NAME', 'SQS_WORKER_FIFO']);
  });

  test('existing idempotency table, custom TTL and key path', () => {
    const stack = newStack();
    const table = new dynamodb.Table(stack, 'Shared', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } });
    const { t, worker: w } = worker({ idempotency: { table, ttl: Duration.hours(24), eventKeyJmesPath: 'powertools_json(body).orderId' } }, stack);
    t.resourceCountIs('AWS::DynamoDB::Table', 1);
    expect(w.idempotencyTable).toBe(table);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({
        IDEMPOTENCY_TABLE_NAME: { Ref: Match.stringLikeRegexp('Shared') },
        IDEMPOTENCY_TTL_SECONDS: '86400',
        IDEMPOTENCY_KEY_PATH: 'powertools_json(body).orderId',
      }) },
    });
  });

  test('workers of one stack share one idempotency table, each with its own key prefix and grant', () => {
    const stack = newStack();
    const first = new SqsWorker(stack, 'First', { handler: HandlerCode.bundled('sqs-worker/example') });
    const second = new SqsWorker(stack, 'Second', { handler: HandlerCode.bundled('sqs-worker/example') });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::DynamoDB::Table', 1);
    expect(first.idempotencyTable).toBe(second.idempotencyTable);
    expect(first.idempotencyTable).toBe(IdempotencyTable.forStack(stack));
    const prefixes = Object.values(t.findResources('AWS::Lambda::Function'))
      .map((fn) => fn.Properties.Environment.Variables.IDEMPOTENCY_KEY_PREFIX).sort();
    expect(prefixes).toEqual(['TestStackFirst84C5E412', 'TestStackSecond59400877']);
    const leadingKeys = functionPolicies(t).flatMap((p) => p.statements)
      .filter((st: any) => st.Condition?.['ForAllValues:StringLike'])
      .map((st: any) => st.Condition['ForAllValues:StringLike']['dynamodb:LeadingKeys']).sort();
    expect(leadingKeys).toEqual([['TestStackFirst84C5E412#*'], ['TestStackSecond59400877#*']]);
  });

  test('sharedTable: false gives the worker a table of its own, with no key prefix and no key condition', () => {
    const { t, worker: w } = worker({ idempotency: { sharedTable: false } });
    t.resourceCountIs('AWS::DynamoDB::Table', 1);
    expect(w.idempotencyTable!.node.path).toBe('TestStack/Worker/IdempotencyTable');
    const fn = Object.values(t.findResources('AWS::Lambda::Function'))[0];
    expect(fn.Properties.Environment.Variables.IDEMPOTENCY_KEY_PREFIX).toBeUndefined();
    const dynamo = functionPolicies(t).flatMap((p) => p.statements)
      .filter((st: any) => [st.Action].flat().some((a: string) => a.startsWith('dynamodb:')));
    expect(dynamo).toHaveLength(1);
    expect(dynamo[0].Condition).toBeUndefined();
  });

  test('sharedTable together with a table of your own is an error', () => {
    const stack = newStack();
    const table = new dynamodb.Table(stack, 'Mine', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } });
    expect(() => new SqsWorker(stack, 'Worker', { handler: HandlerCode.bundled('sqs-worker/example'), idempotency: { table, sharedTable: true } }))
      .toThrow("TestStack/Worker: invalid prop 'idempotency.sharedTable': is set together with idempotency.table, which already names "
        + "the table. Fix: remove idempotency.sharedTable, or remove idempotency.table to use the stack's shared table (true) or one of "
        + "the worker's own (false)");
  });

  test('alarm topic receives alarm and OK notifications; alarms can be turned off', () => {
    const stack = newStack();
    const topic = new sns.Topic(stack, 'Alarms');
    const { t } = worker({ alarmTopic: topic }, stack);
    const alarms = Object.values(t.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(5);
    for (const a of alarms) {
      expect(a.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Alarms/) }]);
      expect(a.Properties.OKActions).toEqual([{ Ref: expect.stringMatching(/^Alarms/) }]);
    }
    const off = worker({ alarmsEnabled: false });
    off.t.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    expect(off.worker.alarms).toEqual([]);
  });

  test('existing queue with a DLQ: no queues created, mapping on the given queue', () => {
    const stack = newStack();
    const dlq = new sqs.Queue(stack, 'MyDlq');
    const queue = new sqs.Queue(stack, 'MyQueue', { visibilityTimeout: Duration.minutes(3), deadLetterQueue: { queue: dlq, maxReceiveCount: 5 } });
    const { t, worker: w } = worker({ queue }, stack);
    t.resourceCountIs('AWS::SQS::Queue', 2);
    expect(w.queue).toBe(queue);
    expect(w.deadLetterQueue).toBe(dlq);
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', { EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('MyQueue'), 'Arn'] } });
    expect(warningsOf(stack)).toEqual([]);
  });

  test('existing queue whose L1 has a redrive policy (set without the L2 deadLetterQueue): the redrive rule sees it, no warning', () => {
    const stack = newStack();
    const queue = new sqs.Queue(stack, 'Raw');
    (queue.node.defaultChild as sqs.CfnQueue).redrivePolicy = { deadLetterTargetArn: new sqs.Queue(stack, 'RawDlq').queueArn, maxReceiveCount: 5 };
    worker({ queue }, stack);
    expect(warningsOf(stack)).toEqual([]);
  });

  test('an imported queue cannot be inspected: warning that no dead-letter queue can be seen', () => {
    const stack = newStack();
    const queue = sqs.Queue.fromQueueArn(stack, 'Imported', 'arn:aws:sqs:us-east-1:123456789012:jobs');
    worker({ queue }, stack);
    expect(warningsOf(stack)).toEqual([expect.stringContaining('the given queue has no dead-letter queue this worker can see')]);
  });

  test('existing queue without a DLQ: warning with an acknowledgeable id', () => {
    const stack = newStack();
    const queue = new sqs.Queue(stack, 'Bare');
    const { worker: w } = worker({ queue }, stack);
    expect(warningsOf(stack)).toEqual([expect.stringContaining('the given queue has no dead-letter queue')]);
    expect(warningsOf(stack)[0]).toContain('[ack: cdk-serverless-patterns:SqsWorker.queueWithoutDeadLetterQueue]');
    expect(w.alarms.map((a) => a.node.id).sort()).toEqual(['ErrorsAlarm', 'MessageAgeAlarm', 'RecursiveInvocationsDroppedAlarm', 'ThrottlesAlarm']);
  });

  test('a function of your own is wired as is and gets the runtime variables', () => {
    const stack = newStack();
    const own = new lambda.Function(stack, 'Own', {
      code: lambda.Code.fromInline('exports.handler = async () => ({ batchItemFailures: [] })'),
      handler: 'index.handler', runtime: lambda.Runtime.NODEJS_22_X, timeout: Duration.seconds(45),
    });
    const { t, worker: w } = worker({ handler: HandlerCode.fromFunction(own) }, stack);
    expect(w.function).toBe(own);
    t.resourceCountIs('AWS::Lambda::Function', 1);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 45,
      Environment: { Variables: Match.objectLike({ SQS_WORKER_FIFO: 'false', IDEMPOTENCY_KEY_PATH: 'messageId' }) },
    });
    // visibility derived from the given function's timeout
    t.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 270 });
  });

  test('grantSendMessages gives a producer send rights on the source queue only', () => {
    const stack = newStack();
    const w = new SqsWorker(stack, 'Worker', { handler });
    const producer = new iam.Role(stack, 'Producer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    w.grantSendMessages(producer);
    const t = template(stack);
    t.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('Producer') }],
      PolicyDocument: { Statement: [Match.objectLike({
        Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
        Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('WorkerQueue'), 'Arn'] },
      })] },
    });
  });

  test('metric helpers point at the right queues', () => {
    const { worker: w, stack } = worker();
    expect(stack.resolve(w.metricDeadLetterMessagesVisible().dimensions)).toEqual({
      QueueName: { 'Fn::GetAtt': [expect.stringMatching(/^WorkerDeadLetterQueue/), 'QueueName'] },
    });
    expect(w.metricAgeOfOldestMessage().metricName).toBe('ApproximateAgeOfOldestMessage');
    expect(stack.resolve(w.metricMessagesVisible().dimensions)).toEqual({
      QueueName: { 'Fn::GetAtt': [expect.stringMatching(/^WorkerQueue/), 'QueueName'] },
    });
  });

  test('reserved concurrency below 5 warns about the SQS poller minimum', () => {
    const { stack } = worker({ reservedConcurrency: 2, maxConcurrency: 2 });
    const warnings = warningsOf(stack);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/reservedConcurrency 2 is below 5: the SQS event source starts with 5 concurrent pollers/);
    expect(warnings[0]).toContain('[ack: cdk-serverless-patterns:SqsWorker.lowReservedConcurrency]');
  });

  test('the low-reserve warning can be acknowledged with CDK\'s own API', () => {
    const stack = newStack();
    const { Annotations } = jest.requireActual('aws-cdk-lib');
    const w = new SqsWorker(stack, 'Worker', { handler, reservedConcurrency: 2, maxConcurrency: 2 });
    Annotations.of(w).acknowledgeWarning('cdk-serverless-patterns:SqsWorker.lowReservedConcurrency', 'batch job, throttling is fine');
    expect(warningsOf(stack)).toEqual([]);
  });

  test('tokens are not validated (CfnParameter values resolve at deploy time)', () => {
    const stack = newStack();
    const batch = new CfnParameter(stack, 'Batch', { type: 'Number' }).valueAsNumber;
    const reserved = new CfnParameter(stack, 'Reserved', { type: 'Number' }).valueAsNumber;
    expect(() => new SqsWorker(stack, 'Worker', { handler, batchSize: batch, reservedConcurrency: reserved, maxConcurrency: 50 })).not.toThrow();
  });
});

describe('SqsWorker validation errors name the path, the prop and the fix', () => {
  const cases: Array<[string, Partial<SqsWorkerProps>, RegExp]> = [
    ['visibility timeout below 6 x timeout', { timeout: Duration.seconds(30), visibilityTimeout: Duration.seconds(120) },
      /^TestStack\/Worker: invalid prop 'visibilityTimeout': the visibility timeout \(120 s\) is below 6 x the function timeout \(30 s\) \+ the batching window \(0 s\) = 180 s.*Fix: set the queue's visibilityTimeout to at least Duration\.seconds\(180\)/],
    ['visibility timeout below 6 x timeout + window', { timeout: Duration.seconds(10), maxBatchingWindow: Duration.seconds(30), visibilityTimeout: Duration.seconds(60), batchSize: 10 },
      /invalid prop 'visibilityTimeout': the visibility timeout \(60 s\) is below 6 x the function timeout \(10 s\) \+ the batching window \(30 s\) = 90 s/],
    ['maxConcurrency above reservedConcurrency', { maxConcurrency: 50, reservedConcurrency: 20 },
      /^TestStack\/Worker: invalid prop 'maxConcurrency': maximum concurrency 50 of the SQS event source exceeds the reserved concurrency 20:.*Fix: lower maxConcurrency to 20 or raise reservedConcurrency to 50/],
    ['FIFO with batch size above 10', { fifo: true, batchSize: 20, maxBatchingWindow: Duration.seconds(1) },
      /invalid prop 'batchSize': FIFO queues deliver at most 10 records per batch \(given 20\)\. Fix: set batchSize to 10 or less/],
    ['batch size above 10 without a batching window', { batchSize: 50 },
      /invalid prop 'batchSize': a batch size above 10 needs a batching window \(given 50 without maxBatchingWindow\)\. Fix: set maxBatchingWindow/],
    ['maxReceiveCount below 1', { maxReceiveCount: 0 },
      /invalid prop 'maxReceiveCount': must be an integer between 1 and 1000 inclusive \(given 0\)\. Fix: set maxReceiveCount between 1 and 1000/],
    ['timeout above 15 minutes', { timeout: Duration.minutes(16) },
      /invalid prop 'timeout': must be between 1 second and 15 minutes \(given 16 minutes\)\. Fix: Lambda functions run at most 15 minutes/],
    ['batch size out of range', { batchSize: 20000, maxBatchingWindow: Duration.seconds(1) },
      /invalid prop 'batchSize': must be an integer between 1 and 10000 inclusive \(given 20000\)/],
    ['maxConcurrency below the SQS minimum of 2', { maxConcurrency: 1 },
      /invalid prop 'maxConcurrency': must be an integer between 2 and 1000 inclusive \(given 1\)/],
    ['batching window above 5 minutes', { maxBatchingWindow: Duration.minutes(6) },
      /invalid prop 'maxBatchingWindow': must be between 0 seconds and 5 minutes \(given 6 minutes\)/],
    ['visibility timeout above the SQS maximum', { visibilityTimeout: Duration.hours(13) },
      /invalid prop 'visibilityTimeout': must be between 0 seconds and 12 hours \(given 13 hours\)/],
    // Lambda rejects MaximumBatchingWindowInSeconds on FIFO sources at deploy time.
    ['FIFO with a batching window', { fifo: true, maxBatchingWindow: Duration.seconds(2) },
      /^TestStack\/Worker: invalid prop 'maxBatchingWindow': FIFO queues do not support a batching window \(given 2 seconds\)\. Fix: remove maxBatchingWindow/],
    ['batching window in fractions of a second', { maxBatchingWindow: Duration.millis(500) },
      /^TestStack\/Worker: invalid prop 'maxBatchingWindow': must be a whole number of seconds \(given 500 millis\)\. Fix: round maxBatchingWindow/],
  ];
  test.each(cases)('%s', (_name, props, message) => {
    expect(() => new SqsWorker(newStack(), 'Worker', { handler, ...props })).toThrow(message);
  });

  test('visibility timeout below 6 x the timeout of a function of your own', () => {
    const stack = newStack();
    const own = new lambda.Function(stack, 'Own', {
      code: lambda.Code.fromInline('exports.handler = async () => ({})'), handler: 'index.handler', runtime: lambda.Runtime.NODEJS_22_X,
      timeout: Duration.minutes(5),
    });
    expect(() => new SqsWorker(stack, 'Worker', { handler: HandlerCode.fromFunction(own), visibilityTimeout: Duration.seconds(60) }))
      .toThrow(/^TestStack\/Worker: invalid prop 'visibilityTimeout': the visibility timeout \(60 s\) is below 6 x the function timeout \(300 s\) \+ the batching window \(0 s\) = 1800 s/);
  });

  test('an existing FIFO queue is processed as FIFO and held to the FIFO rules', () => {
    const stack = newStack();
    const queue = new sqs.Queue(stack, 'Orders', { fifo: true, visibilityTimeout: Duration.minutes(3) });
    new SqsWorker(stack, 'Worker', { handler, queue });
    template(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SQS_WORKER_FIFO: 'true' }) },
    });
    expect(() => new SqsWorker(stack, 'Big', { handler, queue, batchSize: 20, maxBatchingWindow: Duration.seconds(1) }))
      .toThrow(/^TestStack\/Big: invalid prop 'batchSize': FIFO queues deliver at most 10 records per batch \(given 20\)/);
    expect(() => new SqsWorker(stack, 'Mismatch', { handler, queue, fifo: false }))
      .toThrow(/^TestStack\/Mismatch: invalid prop 'fifo': is false, but the given queue is a FIFO queue\. Fix: leave fifo unset/);
  });

  test('queue settings cannot be combined with a queue of your own (they would be ignored)', () => {
    const stack = newStack();
    const queue = new sqs.Queue(stack, 'Mine');
    expect(() => new SqsWorker(stack, 'Worker', { handler, queue, visibilityTimeout: Duration.minutes(10) }))
      .toThrow(/^TestStack\/Worker: invalid prop 'visibilityTimeout': configures the queue SqsWorker creates, and an existing queue was given.*Fix: set visibilityTimeout on your own queue/);
    expect(() => new SqsWorker(stack, 'Keyed', { handler, queue, encryptionKey: new kms.Key(stack, 'Key') }))
      .toThrow(/^TestStack\/Keyed: invalid prop 'encryptionKey': configures the queue SqsWorker creates/);
  });

  test('function props cannot be combined with a function of your own', () => {
    const stack = newStack();
    const own = new lambda.Function(stack, 'Own', {
      code: lambda.Code.fromInline('exports.handler = async () => ({})'), handler: 'index.handler', runtime: lambda.Runtime.NODEJS_22_X,
    });
    expect(() => new SqsWorker(stack, 'Worker', { handler: HandlerCode.fromFunction(own), memorySize: 1024 }))
      .toThrow(/^TestStack\/Worker: invalid prop 'memorySize': cannot be combined with HandlerCode\.fromFunction\(\).*Fix: set memorySize on your own function/);
  });
});

describe('environment variables the worker sets itself (issue 13 item 6)', () => {
  test.each(['IDEMPOTENCY_TABLE_NAME', 'IDEMPOTENCY_KEY_PATH', 'IDEMPOTENCY_KEY_PREFIX', 'SQS_WORKER_FIFO'])('a user value for %s is rejected by name', (name) => {
    expect(() => new SqsWorker(newStack(), 'Worker', { handler, environment: { [name]: 'mine', OTHER: 'kept' } }))
      .toThrow(`TestStack/Worker: invalid prop 'environment': sets ${name}, which this construct sets itself and would overwrite. `
        + `Fix: remove ${name} from environment, and configure it through the construct's props instead`);
  });

  test('other variables, and POWERTOOLS_SERVICE_NAME, are the user\'s to set', () => {
    const stack = newStack();
    new SqsWorker(stack, 'Worker', { handler, environment: { OTHER: 'kept', POWERTOOLS_SERVICE_NAME: 'orders' } });
    template(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ OTHER: 'kept', POWERTOOLS_SERVICE_NAME: 'orders', SQS_WORKER_FIFO: 'false' }) },
    });
  });
});

describe('FIFO producer settings (issue 13 item 4)', () => {
  const queueProps = (t: ReturnType<typeof template>) => {
    const queues = Object.values(t.findResources('AWS::SQS::Queue')).map((q) => q.Properties);
    return { source: queues.find((q) => q.RedrivePolicy)!, deadLetter: queues.find((q) => !q.RedrivePolicy)! };
  };

  test('contentBasedDeduplication is set on the created FIFO source queue', () => {
    const { source, deadLetter } = queueProps(worker({ fifo: true, contentBasedDeduplication: true }).t);
    expect(source).toMatchObject({ FifoQueue: true, ContentBasedDeduplication: true });
    expect(deadLetter.ContentBasedDeduplication).toBeUndefined();
  });

  test('high-throughput FIFO: deduplication per message group, throughput per message group id', () => {
    const { source } = queueProps(worker({
      fifo: true, deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP, fifoThroughputLimit: sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
    }).t);
    expect(source).toMatchObject({ FifoQueue: true, DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' });
  });

  test('per-group deduplication with the per-queue throughput limit is valid (normal throughput)', () => {
    const { source } = queueProps(worker({
      fifo: true, deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP, fifoThroughputLimit: sqs.FifoThroughputLimit.PER_QUEUE,
    }).t);
    expect(source).toMatchObject({ DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perQueue' });
  });

  test('a FIFO queue without them keeps the SQS defaults (no template change)', () => {
    const { source } = queueProps(worker({ fifo: true }).t);
    expect([source.ContentBasedDeduplication, source.DeduplicationScope, source.FifoThroughputLimit]).toEqual([undefined, undefined, undefined]);
  });

  const errors: Array<[string, Partial<SqsWorkerProps>, RegExp]> = [
    ['contentBasedDeduplication on a standard queue', { contentBasedDeduplication: true },
      /^TestStack\/Worker: invalid prop 'contentBasedDeduplication': applies to FIFO queues only, and this worker creates a standard queue\. Fix: set fifo: true, or remove contentBasedDeduplication$/],
    ['deduplicationScope on a standard queue', { fifo: false, deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP },
      /^TestStack\/Worker: invalid prop 'deduplicationScope': applies to FIFO queues only/],
    ['fifoThroughputLimit on a standard queue', { fifoThroughputLimit: sqs.FifoThroughputLimit.PER_QUEUE },
      /^TestStack\/Worker: invalid prop 'fifoThroughputLimit': applies to FIFO queues only/],
    ['PER_MESSAGE_GROUP_ID with the default (queue) deduplication scope', { fifo: true, fifoThroughputLimit: sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID },
      /^TestStack\/Worker: invalid prop 'fifoThroughputLimit': PER_MESSAGE_GROUP_ID needs deduplication per message group \(given deduplicationScope QUEUE \(the default\)\)\. Fix: set deduplicationScope: sqs\.DeduplicationScope\.MESSAGE_GROUP/],
    ['PER_MESSAGE_GROUP_ID with deduplication per queue', {
      fifo: true, deduplicationScope: sqs.DeduplicationScope.QUEUE, fifoThroughputLimit: sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
    }, /invalid prop 'fifoThroughputLimit': PER_MESSAGE_GROUP_ID needs deduplication per message group \(given deduplicationScope queue\)/],
  ];
  test.each(errors)('%s is an error', (_name, props, message) => {
    expect(() => new SqsWorker(newStack(), 'Worker', { handler, ...props })).toThrow(message);
  });

  test('with a queue of your own they are an error (they configure the queue SqsWorker creates)', () => {
    const stack = newStack();
    const queue = new sqs.Queue(stack, 'Mine', { fifo: true });
    expect(() => new SqsWorker(stack, 'Worker', { handler, queue, contentBasedDeduplication: true }))
      .toThrow(/^TestStack\/Worker: invalid prop 'contentBasedDeduplication': configures the queue SqsWorker creates, and an existing queue was given.*Fix: set contentBasedDeduplication on your own queue/);
  });
});

describe('SqsWorker idempotency.ttl is validated at synth (issue 13 item 5)', () => {
  const cases: Array<[string, Duration, RegExp]> = [
    ['0', Duration.seconds(0), /^TestStack\/Worker: invalid prop 'idempotency\.ttl': must be between 1 second and 14 days \(given 0 seconds\): SQS keeps a message at most 14 days.*Fix: set idempotency\.ttl to how long a delivery can be repeated/],
    ['below one second', Duration.millis(999), /invalid prop 'idempotency\.ttl': must be between 1 second and 14 days \(given 999 millis\)/],
    ['above the SQS retention maximum', Duration.days(15), /invalid prop 'idempotency\.ttl': must be between 1 second and 14 days \(given 15 days\)/],
    ['fractions of a second', Duration.millis(90_500), /invalid prop 'idempotency\.ttl': must be a whole number of seconds \(given 90500 milliseconds\)\. Fix: round idempotency\.ttl to whole seconds, e\.g\. Duration\.seconds\(91\)/],
  ];
  test.each(cases)('%s is an error', (_name, ttl, message) => {
    expect(() => worker({ idempotency: { ttl } })).toThrow(message);
  });

  test('the same check applies to a FanOutPipeline consumer', () => {
    expect(() => new FanOutPipeline(newStack(), 'Pipeline', {
      consumers: [{ name: 'audit', handler: HandlerCode.bundled('fan-out-pipeline/example'), worker: { idempotency: { ttl: Duration.seconds(0) } } }],
    })).toThrow(/^TestStack\/Pipeline\/audit\/Worker: invalid prop 'idempotency\.ttl': must be between 1 second and 14 days \(given 0 seconds\)/);
  });

  test('1 second and 14 days are accepted and reach the function', () => {
    for (const [ttl, seconds] of [[Duration.seconds(1), '1'], [Duration.days(14), '1209600']] as const) {
      worker({ idempotency: { ttl } }).t.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ IDEMPOTENCY_TTL_SECONDS: seconds }) },
      });
    }
  });
});
