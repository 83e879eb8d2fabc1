import { CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import {
  HandlerCode, StreamFailureDestination, StreamSource, StreamWorker, StreamWorkerProps,
} from '../lib';
import { functionPolicies, hasFunctionPolicy, infosOf, newStack, snapshotTemplate, template, warningsOf } from './support/cdk';

const handler = HandlerCode.bundled('stream-worker/example');

function worker(props: Partial<StreamWorkerProps> = {}, stack: Stack = newStack()) {
  const w = new StreamWorker(stack, 'Worker', { handler, ...props });
  return { stack, worker: w, t: template(stack) };
}

const importedStream = (stack: Stack) => kinesis.Stream.fromStreamArn(stack, 'Imported', 'arn:aws:kinesis:us-east-1:123456789012:stream/orders');
const streamTable = (stack: Stack) => new dynamodb.Table(stack, 'Orders', {
  partitionKey: { name: 'orderId', type: dynamodb.AttributeType.STRING },
  stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
});

describe('StreamWorker defaults', () => {
  const { stack, worker: w, t } = worker();

  test('creates exactly the resources of one worker', () => {
    const counts = Object.values(t.toJSON().Resources as Record<string, { Type: string }>)
      .reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.Type]: (acc[r.Type] ?? 0) + 1 }), {});
    expect(counts).toEqual({
      'AWS::Kinesis::Stream': 1,
      'AWS::Lambda::Function': 1,
      'AWS::IAM::Role': 1,
      'AWS::Logs::LogGroup': 1,
      'AWS::Lambda::EventSourceMapping': 1,
      'AWS::S3::Bucket': 1,
      'AWS::S3::BucketPolicy': 1,
      'AWS::DynamoDB::Table': 1,
      'AWS::CloudWatch::Alarm': 6,
    });
  });

  test('the created stream is on-demand, encrypted with the AWS-managed key, 24-hour retention', () => {
    t.hasResourceProperties('AWS::Kinesis::Stream', {
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
      RetentionPeriodHours: 24,
    });
  });

  test('mapping: partial batch response, bisect, 10 retries, 12 h record age, TRIM_HORIZON, batch 100, S3 on failure, EventCount metrics', () => {
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('WorkerStream'), 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 12 * 3600,
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      ParallelizationFactor: 1,
      MaximumBatchingWindowInSeconds: Match.absent(),
      TumblingWindowInSeconds: Match.absent(),
      FilterCriteria: Match.absent(),
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('WorkerFailureBucket'), 'Arn'] } } },
      MetricsConfig: { Metrics: ['EventCount'] },
    });
    expect(w.maxRetryAttempts).toBe(10);
    expect(w.maxRecordAge.toHours()).toBe(12);
    expect(w.parallelizationFactor).toBe(1);
    expect(w.failureBucket).toBeDefined();
    expect(w.onFailure.keepsRecords).toBe(true);
  });

  test('failure bucket: SSE-S3, public access blocked, objects expire after 30 days, retained with the stack, TLS only', () => {
    t.hasResource('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LifecycleConfiguration: { Rules: [{ Id: 'ExpireFailureRecords', ExpirationInDays: 30, Status: 'Enabled' }] },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('the role may read the stream, write failure records (PutObject, ListBucket) and idempotency records; nothing else', () => {
    const [policy] = functionPolicies(t);
    const actions = policy.statements.map((s: { Action: string | string[] }) => s.Action);
    expect(actions).toEqual([
      ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
      ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      ['kinesis:DescribeStreamSummary', 'kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:ListShards',
        'kinesis:SubscribeToShard', 'kinesis:DescribeStream', 'kinesis:ListStreams', 'kinesis:DescribeStreamConsumer'],
      's3:PutObject',
      's3:ListBucket',
    ]);
  });

  test('function: idempotency on eventID for 24 hours, 30 s timeout, ARM64, tracing', () => {
    t.hasResourceProperties('AWS::Lambda::Function', {
      Architectures: ['arm64'],
      Timeout: 30,
      TracingConfig: { Mode: 'Active' },
      Environment: { Variables: Match.objectLike({
        IDEMPOTENCY_TABLE_NAME: { Ref: Match.stringLikeRegexp('^ServerlessPatternsIdempotencyTable') },
        IDEMPOTENCY_KEY_PREFIX: 'TestStackWorker8E12EF1E',
        IDEMPOTENCY_TTL_SECONDS: '86400',
        IDEMPOTENCY_KEY_PATH: 'eventID',
      }) },
    });
  });

  test('alarms: iterator age at half the record age (6 h), failure records, delivery failures, errors, throttles', () => {
    const alarms = Object.values(t.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    const byMetric = Object.fromEntries(alarms.map((a) => [a.MetricName, a]));
    expect(Object.keys(byMetric).sort()).toEqual(
      ['DestinationDeliveryFailures', 'Errors', 'IteratorAge', 'OnFailureDestinationDeliveredEventCount', 'RecursiveInvocationsDropped', 'Throttles']);
    expect(byMetric.IteratorAge).toMatchObject({ Threshold: 6 * 3600 * 1000, Statistic: 'Maximum', Namespace: 'AWS/Lambda' });
    expect(byMetric.OnFailureDestinationDeliveredEventCount).toMatchObject({
      Threshold: 1, Statistic: 'Sum', Dimensions: [{ Name: 'EventSourceMappingUUID', Value: { Ref: expect.stringMatching(/^WorkerEventSourceMapping/) } }],
    });
    expect(byMetric.DestinationDeliveryFailures).toMatchObject({ Threshold: 1, Statistic: 'Sum' });
    for (const alarm of alarms) expect(alarm.TreatMissingData).toBe('notBreaching');
  });

  test('reports the concurrency at synth as an info (shards of an on-demand stream are not known)', () => {
    expect(infosOf(stack)).toEqual([expect.stringMatching(
      /^concurrent invocations: shards \(unknown at synth\) x parallelizationFactor \(1\) = 1 per shard \[ack: cdk-serverless-patterns:StreamWorker.concurrency\]$/)]);
    expect(warningsOf(stack)).toEqual([]);
    expect(w.concurrency).toBeUndefined();
  });

  test('metric methods', () => {
    const resolve = (m: { toMetricConfig(): unknown }) => stack.resolve(m.toMetricConfig());
    expect(resolve(w.metricDroppedRecords())).toMatchObject({ metricStat: { metricName: 'DroppedEventCount', statistic: 'Sum' } });
    expect(resolve(w.metricErrors())).toMatchObject({ metricStat: { metricName: 'Errors' } });
    expect(resolve(w.metricThrottles())).toMatchObject({ metricStat: { metricName: 'Throttles' } });
    expect(resolve(w.metricIteratorAge({ period: Duration.minutes(5) }))).toMatchObject({ metricStat: { metricName: 'IteratorAge', period: Duration.minutes(5) } });
  });

  test('snapshot', () => {
    expect(snapshotTemplate(stack)).toMatchSnapshot();
  });
});

describe('StreamWorker sources', () => {
  test('an imported Kinesis stream (IStream); grantPutRecords lets a producer write', () => {
    const stack = newStack();
    const w = new StreamWorker(stack, 'Worker', { handler, source: StreamSource.kinesis(importedStream(stack)) });
    const producer = new iam.Role(stack, 'Producer', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    w.grantPutRecords(producer);
    const t = template(stack);
    t.resourceCountIs('AWS::Kinesis::Stream', 0);
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', { EventSourceArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/orders' });
    t.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('Producer') }],
      PolicyDocument: { Statement: [Match.objectLike({ Action: Match.arrayWith(['kinesis:PutRecords']), Resource: 'arn:aws:kinesis:us-east-1:123456789012:stream/orders' })] },
    });
  });

  test('a DynamoDB table with a stream, and an imported one (ITable with tableStreamArn)', () => {
    const stack = newStack();
    new StreamWorker(stack, 'Worker', { handler, source: StreamSource.dynamoDb(streamTable(stack)) });
    const imported = dynamodb.Table.fromTableAttributes(stack, 'ImportedTable', {
      tableArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/legacy',
      tableStreamArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/legacy/stream/2026-01-01T00:00:00.000',
    });
    const w2 = new StreamWorker(stack, 'Legacy', { handler, source: StreamSource.dynamoDb(imported) });
    const t = template(stack);
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('Orders'), 'StreamArn'] }, StartingPosition: 'TRIM_HORIZON',
    });
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', { EventSourceArn: imported.tableStreamArn });
    expect(w2.table).toBe(imported);
    expect(w2.stream).toBeUndefined();
    expect(() => w2.grantPutRecords(new iam.AccountRootPrincipal())).toThrow(
      'TestStack/Legacy: grantPutRecords needs a Kinesis source; this worker reads a DynamoDB stream. Fix: grant writes on the table instead (table.grantWriteData(grantee))');
    expect(infosOf(stack)).toEqual(expect.arrayContaining([expect.stringContaining('shards (unknown at synth: DynamoDB manages them)')]));
  });

  test('a DynamoDB table without a stream is a synth error that names the fix', () => {
    const stack = newStack();
    const table = new dynamodb.Table(stack, 'NoStream', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } });
    expect(() => new StreamWorker(stack, 'Worker', { handler, source: StreamSource.dynamoDb(table) })).toThrow(
      "TestStack/Worker: invalid prop 'source': the table TestStack/NoStream has no stream, so there is nothing to consume. "
      + 'Fix: create the table with stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES (or NEW_IMAGE), or import it with '
      + 'Table.fromTableAttributes({ tableArn, tableStreamArn })');
  });

  test('enhanced fan-out: a consumer, the mapping reads the consumer ARN', () => {
    const { worker: w, t } = worker({ source: StreamSource.newKinesisStream({ enhancedFanOut: true, retentionPeriod: Duration.hours(48) }) });
    t.resourceCountIs('AWS::Kinesis::StreamConsumer', 1);
    t.hasResourceProperties('AWS::Kinesis::Stream', { RetentionPeriodHours: 48 });
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('WorkerConsumer'), 'ConsumerARN'] },
    });
    hasFunctionPolicy(t, { PolicyDocument: { Statement: Match.arrayWith([
      Match.objectLike({ Action: ['kinesis:DescribeStreamConsumer', 'kinesis:SubscribeToShard'] }),
    ]) } });
    expect(w.streamConsumer).toBeDefined();
  });

  test('consumerName without enhancedFanOut is an error', () => {
    const stack = newStack();
    expect(() => new StreamWorker(stack, 'Worker', { handler, source: StreamSource.kinesis(importedStream(stack), { consumerName: 'c' }) }))
      .toThrow("TestStack/Worker: invalid prop 'source.consumerName': names an enhanced fan-out consumer, and enhancedFanOut is off. Fix: set enhancedFanOut: true, or remove consumerName");
  });
});

describe('StreamWorker props', () => {
  test('every mapping prop reaches the template', () => {
    const { t } = worker({
      batchSize: 500,
      maxBatchingWindow: Duration.seconds(5),
      parallelizationFactor: 4,
      maxRetryAttempts: 20,
      maxRecordAge: Duration.hours(2),
      startingPosition: lambda.StartingPosition.AT_TIMESTAMP,
      startingPositionTimestamp: 1_764_000_000,
      tumblingWindow: Duration.seconds(60),
      filters: [lambda.FilterCriteria.filter({ data: { type: lambda.FilterRule.isEqual('order') } })],
      iteratorAgeAlarmThreshold: Duration.minutes(10),
      failureRecordRetention: Duration.days(90),
      idempotency: { ttl: Duration.days(3), eventKeyJmesPath: 'kinesis.sequenceNumber' },
      timeout: Duration.seconds(60),
    });
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 500, MaximumBatchingWindowInSeconds: 5, ParallelizationFactor: 4, MaximumRetryAttempts: 20,
      MaximumRecordAgeInSeconds: 7200, StartingPosition: 'AT_TIMESTAMP', StartingPositionTimestamp: 1_764_000_000,
      TumblingWindowInSeconds: 60, FilterCriteria: { Filters: [{ Pattern: '{"data":{"type":["order"]}}' }] },
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'IteratorAge', Threshold: 600_000 });
    t.hasResourceProperties('AWS::S3::Bucket', { LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 90 })] } });
    t.hasResourceProperties('AWS::Lambda::Function', { Timeout: 60, Environment: { Variables: Match.objectLike({
      IDEMPOTENCY_TTL_SECONDS: String(3 * 86400), IDEMPOTENCY_KEY_PATH: 'kinesis.sequenceNumber',
    }) } });
  });

  test('idempotency off: no table, no variables; alarms off: none', () => {
    const { t } = worker({ idempotency: { enabled: false }, alarmsEnabled: false });
    t.resourceCountIs('AWS::DynamoDB::Table', 0);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    t.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.not(Match.objectLike({ IDEMPOTENCY_TABLE_NAME: Match.anyValue() })) } });
  });

  test('alarms notify the alarm topic', () => {
    const stack = newStack();
    const { t } = worker({ alarmTopic: new sns.Topic(stack, 'Alarms') }, stack);
    for (const alarm of Object.values(t.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Alarms/) }]);
      expect(alarm.Properties.OKActions).toEqual([{ Ref: expect.stringMatching(/^Alarms/) }]);
    }
  });

  test('a bucket of your own (KMS-encrypted): PutObject, ListBucket and kms:GenerateDataKey only, no bucket created', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Failures', { encryption: s3.BucketEncryption.KMS, encryptionKey: new kms.Key(stack, 'Key'), enforceSSL: true });
    const { worker: w, t } = worker({ onFailure: StreamFailureDestination.toBucket(bucket) }, stack);
    expect(w.failureBucket).toBeUndefined();
    t.resourceCountIs('AWS::S3::Bucket', 1);
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', { DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('Failures'), 'Arn'] } } } });
    hasFunctionPolicy(t, { PolicyDocument: { Statement: Match.arrayWith([
      Match.objectLike({ Action: 'kms:GenerateDataKey', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('Key'), 'Arn'] } }),
    ]) } });
    expect(warningsOf(stack)).toEqual([]);
  });

  test.each([
    ['queue', (s: Stack) => StreamFailureDestination.toQueue(new sqs.Queue(s, 'Q', { enforceSSL: true })), 'sqs:SendMessage'],
    ['topic', (s: Stack) => StreamFailureDestination.toTopic(new sns.Topic(s, 'T', { enforceSSL: true })), 'sns:Publish'],
  ])('a %s destination keeps only metadata: allowed, with a warning', (_kind, make, action) => {
    const stack = newStack();
    const { worker: w, t } = worker({ onFailure: make(stack) }, stack);
    expect(w.onFailure.keepsRecords).toBe(false);
    t.resourceCountIs('AWS::S3::Bucket', 0);
    hasFunctionPolicy(t, { PolicyDocument: { Statement: Match.arrayWith([
      Match.objectLike({ Action: action === 'sns:Publish' ? action : Match.arrayWith([action]) }),
    ]) } });
    expect(warningsOf(stack)).toEqual([expect.stringMatching(
      /^the on-failure destination is a queue or topic: Lambda sends it the shard and sequence numbers of a discarded batch, not the records, .* \[ack: cdk-serverless-patterns:StreamWorker.metadataOnlyFailureDestination\]$/)]);
  });

  test('HandlerCode.fromFunction: the function gets the idempotency variables and grants', () => {
    const stack = newStack();
    const fn = new lambda.Function(stack, 'Mine', {
      code: lambda.Code.fromInline('exports.handler = async () => ({ batchItemFailures: [] });'), handler: 'index.handler', runtime: lambda.Runtime.NODEJS_22_X,
    });
    const { t } = worker({ handler: HandlerCode.fromFunction(fn) }, stack);
    t.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ IDEMPOTENCY_KEY_PATH: 'eventID' }) } });
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', { FunctionName: { Ref: Match.stringLikeRegexp('Mine') } });
  });

  test('tokens (CfnParameter) are never a false error', () => {
    const stack = newStack();
    const batch = new CfnParameter(stack, 'Batch', { type: 'Number' }).valueAsNumber;
    const retries = new CfnParameter(stack, 'Retries', { type: 'Number' }).valueAsNumber;
    const age = new CfnParameter(stack, 'Age', { type: 'Number' }).valueAsNumber;
    const reserved = new CfnParameter(stack, 'Reserved', { type: 'Number' }).valueAsNumber;
    expect(() => worker({
      // maxRecordAge stays concrete: aws-cdk-lib's EventSourceMapping itself cannot take a token there.
      batchSize: batch, maxRetryAttempts: retries, reservedConcurrency: reserved, iteratorAgeAlarmThreshold: Duration.millis(age),
      parallelizationFactor: new CfnParameter(stack, 'Factor', { type: 'Number' }).valueAsNumber,
    }, stack)).not.toThrow();
  });
});

describe('StreamWorker concurrency: shards x parallelizationFactor', () => {
  const provisioned = (stack: Stack, shardCount: number) => new kinesis.Stream(stack, 'Provisioned', { shardCount, streamMode: kinesis.StreamMode.PROVISIONED });

  test('known shards: reported as an info and exposed', () => {
    const stack = newStack();
    const { worker: w } = worker({ source: StreamSource.kinesis(provisioned(stack, 4)), parallelizationFactor: 3, reservedConcurrency: 12 }, stack);
    expect(w.concurrency).toBe(12);
    expect(infosOf(stack)).toEqual([expect.stringContaining('concurrent invocations: shards (4) x parallelizationFactor (3) = 12')]);
    expect(warningsOf(stack)).toEqual([]);
  });

  test('known shards: reservedConcurrency below shards x factor is an error', () => {
    const stack = newStack();
    expect(() => worker({ source: StreamSource.kinesis(provisioned(stack, 4)), parallelizationFactor: 3, reservedConcurrency: 10 }, stack)).toThrow(
      "TestStack/Worker: invalid prop 'reservedConcurrency': reserved concurrency 10 is below shards (4) x parallelization factor (3) = 12: "
      + 'the poller is throttled, throttled batches are retried without counting attempts, and the shards that wait fall behind until '
      + 'their records age out. Fix: raise reservedConcurrency to at least 12, or lower parallelizationFactor');
  });

  test('shard count given for an imported stream is checked the same way', () => {
    const stack = newStack();
    expect(() => worker({ source: StreamSource.kinesis(importedStream(stack), { shardCount: 8 }), reservedConcurrency: 7 }, stack))
      .toThrow(/reserved concurrency 7 is below shards \(8\) x parallelization factor \(1\) = 8/);
  });

  test('unknown shards: reservedConcurrency is a warning saying how many shards it covers', () => {
    const stack = newStack();
    worker({ parallelizationFactor: 2, reservedConcurrency: 5 }, stack);
    expect(warningsOf(stack)).toEqual([
      'reservedConcurrency 5 covers 2 shard(s) at parallelizationFactor 2, and the shard count is not known at synth: if the stream has more '
      + 'shards, they wait for a free slot and fall behind. Pass the shard count (StreamSource.kinesis(stream, { shardCount })) to check it, '
      + 'or leave the function unreserved. [ack: cdk-serverless-patterns:StreamWorker.reservedConcurrencyUnknownShards]',
    ]);
  });
});

describe('StreamWorker errors (construct path, prop, fix)', () => {
  const cases: Array<[string, Partial<StreamWorkerProps>, string]> = [
    ['unbounded retries', { maxRetryAttempts: -1 },
      "TestStack/Worker: invalid prop 'maxRetryAttempts': the stream mapping retries a failing batch without limit (MaximumRetryAttempts -1, the default): "
      + "one poison record blocks its shard until the stream's retention drops it, and every record behind it waits. "
      + 'Fix: set retryAttempts (e.g. 10) and bisectBatchOnError: true on the event source, with an onFailure destination'],
    ['retries above 10000', { maxRetryAttempts: 10001 },
      "TestStack/Worker: invalid prop 'maxRetryAttempts': must be an integer between 0 and 10000 inclusive (given 10001). Fix: set maxRetryAttempts between 0 and 10000 (the default 10 isolates a poison record in a batch of 100)"],
    ['record age below 60 s', { maxRecordAge: Duration.seconds(59) },
      "TestStack/Worker: invalid prop 'maxRecordAge': must be between 1 minute and 7 days (given 59 seconds). Fix: set maxRecordAge between 1 minute and 7 days"],
    ['record age above 7 days', { maxRecordAge: Duration.days(8) }, "invalid prop 'maxRecordAge': must be between 1 minute and 7 days (given 8 days)"],
    ['record age not below the retention', { maxRecordAge: Duration.hours(24) },
      "TestStack/Worker: invalid prop 'maxRecordAge': the maximum record age (86400 s) is not below the stream's retention (86400 s): the stream deletes "
      + 'a blocked record before Lambda discards it, so it never reaches the on-failure destination. Fix: set maxRecordAge below Duration.seconds(86400), '
      + "or raise the stream's retention"],
    ['record age in milliseconds', { maxRecordAge: Duration.millis(90_500) }, "invalid prop 'maxRecordAge': must be a whole number of seconds (given 1 minute 30 seconds). Fix: round maxRecordAge to whole seconds, e.g. Duration.seconds(91)"],
    ['batch size 0', { batchSize: 0 }, "TestStack/Worker: invalid prop 'batchSize': must be an integer between 1 and 10000 inclusive (given 0)"],
    ['batch size 10001', { batchSize: 10001 }, "invalid prop 'batchSize': must be an integer between 1 and 10000 inclusive (given 10001)"],
    ['parallelization 0', { parallelizationFactor: 0 }, "invalid prop 'parallelizationFactor': must be an integer between 1 and 10 inclusive (given 0)"],
    ['parallelization 11', { parallelizationFactor: 11 }, "invalid prop 'parallelizationFactor': must be an integer between 1 and 10 inclusive (given 11)"],
    ['batching window above 300 s', { maxBatchingWindow: Duration.seconds(301) }, "invalid prop 'maxBatchingWindow': must be between 0 seconds and 5 minutes (given 5 minutes 1 second)"],
    ['batching window in milliseconds', { maxBatchingWindow: Duration.millis(1500) }, "invalid prop 'maxBatchingWindow': must be a whole number of seconds (given 1 second 500 millis). Fix: round maxBatchingWindow to whole seconds, e.g. Duration.seconds(2)"],
    ['tumbling window above 900 s', { tumblingWindow: Duration.seconds(901) }, "invalid prop 'tumblingWindow': must be between 0 seconds and 15 minutes (given 15 minutes 1 second)"],
    ['AT_TIMESTAMP without timestamp', { startingPosition: lambda.StartingPosition.AT_TIMESTAMP },
      "TestStack/Worker: invalid prop 'startingPositionTimestamp': is required with startingPosition AT_TIMESTAMP. Fix: set startingPositionTimestamp (Unix seconds), or use TRIM_HORIZON"],
    ['timestamp without AT_TIMESTAMP', { startingPositionTimestamp: 1 }, "invalid prop 'startingPositionTimestamp': only applies to startingPosition AT_TIMESTAMP (given TRIM_HORIZON)"],
    ['six filters', { filters: Array.from({ length: 6 }, () => lambda.FilterCriteria.filter({ data: { a: [1] } })) },
      "invalid prop 'filters': an event source mapping takes at most 5 filters (given 6)"],
    ['a filter without pattern', { filters: [{ data: 1 }] }, "invalid prop 'filters': filter 0 has no pattern string. Fix: build each filter with lambda.FilterCriteria.filter({ ... })"],
    ['a filter pattern that is not an object', { filters: [{ pattern: '[1]' }] }, "invalid prop 'filters': filter 0 pattern is not a JSON object (given [1])"],
    ['failure retention in hours', { failureRecordRetention: Duration.hours(36) }, "invalid prop 'failureRecordRetention': S3 lifecycle expiration is in whole days (given 1 day 12 hours). Fix: use Duration.days(n)"],
    ['negative reserved concurrency', { reservedConcurrency: -1 }, "invalid prop 'reservedConcurrency': must be an integer between 0 and 10000 inclusive (given -1)"],
    ['timeout above 15 minutes', { timeout: Duration.minutes(16) }, "invalid prop 'timeout': must be between 1 second and 15 minutes (given 16 minutes)"],
  ];
  test.each(cases)('%s', (_name, props, message) => {
    expect(() => worker(props)).toThrow(message);
  });

  test('failureRecordRetention with your own onFailure', () => {
    const stack = newStack();
    expect(() => worker({ onFailure: StreamFailureDestination.toBucket(new s3.Bucket(stack, 'B')), failureRecordRetention: Duration.days(5) }, stack))
      .toThrow("TestStack/Worker: invalid prop 'failureRecordRetention': configures the failure bucket StreamWorker creates, and onFailure was given. Fix: set a lifecycle rule on your own bucket, or leave onFailure unset");
  });

  test('AT_TIMESTAMP on a DynamoDB stream', () => {
    const stack = newStack();
    expect(() => worker({ source: StreamSource.dynamoDb(streamTable(stack)), startingPosition: lambda.StartingPosition.AT_TIMESTAMP, startingPositionTimestamp: 1 }, stack))
      .toThrow("TestStack/Worker: invalid prop 'startingPosition': AT_TIMESTAMP is supported for Kinesis sources only. Fix: use TRIM_HORIZON or LATEST for a DynamoDB stream");
  });

  test('record age above a longer retention is fine; a 7-day record age needs a longer retention', () => {
    expect(() => worker({ source: StreamSource.newKinesisStream({ retentionPeriod: Duration.days(8) }), maxRecordAge: Duration.days(7) })).not.toThrow();
    const stack = newStack();
    expect(() => worker({ source: StreamSource.kinesis(importedStream(stack), { retentionPeriod: Duration.hours(6) }), maxRecordAge: Duration.hours(6) }, stack))
      .toThrow(/the maximum record age \(21600 s\) is not below the stream's retention \(21600 s\)/);
  });
});

describe('StreamWorker warnings', () => {
  test('retries below what isolating a poison record takes: says how many good records may go with it', () => {
    const stack = newStack();
    worker({ batchSize: 100, maxRetryAttempts: 3 }, stack);
    expect(warningsOf(stack)).toEqual([
      'maxRetryAttempts 3 is below the 8 retries that isolate a poison record in a batch of 100 (one for the partial response, one per '
      + 'bisection): when the retries run out, up to 24 good records still batched with it go to the on-failure destination unprocessed '
      + '(kept there, in order, for recovery). Raise maxRetryAttempts to 8 or lower batchSize. '
      + '[ack: cdk-serverless-patterns:StreamWorker.retriesBelowBisection]',
    ]);
  });

  test('the default 10 retries cover batches up to 513 records; 514 warns', () => {
    const stack = newStack();
    worker({ batchSize: 513 }, stack);
    expect(warningsOf(stack)).toEqual([]);
    const other = newStack();
    worker({ batchSize: 514 }, other);
    expect(warningsOf(other)).toEqual([expect.stringMatching(/^maxRetryAttempts 10 is below the 11 retries/)]);
  });
});

describe('StreamWorker idempotency.ttl is validated at synth (issue 13 item 5)', () => {
  const cases: Array<[string, Duration, RegExp]> = [
    ['0', Duration.seconds(0), /^TestStack\/Worker: invalid prop 'idempotency\.ttl': must be between 1 second and 365 days \(given 0 seconds\): a Kinesis stream keeps a record at most 365 days/],
    ['below one second', Duration.millis(500), /invalid prop 'idempotency\.ttl': must be between 1 second and 365 days \(given 500 millis\)/],
    ['above 365 days', Duration.days(366), /invalid prop 'idempotency\.ttl': must be between 1 second and 365 days \(given 366 days\)/],
    ['fractions of a second', Duration.millis(1500), /invalid prop 'idempotency\.ttl': must be a whole number of seconds \(given 1500 milliseconds\)\. Fix: round idempotency\.ttl to whole seconds, e\.g\. Duration\.seconds\(2\)/],
  ];
  test.each(cases)('%s is an error', (_name, ttl, message) => {
    expect(() => worker({ idempotency: { ttl } })).toThrow(message);
  });

  test('1 second and 365 days are accepted and reach the function', () => {
    for (const [ttl, seconds] of [[Duration.seconds(1), '1'], [Duration.days(365), '31536000']] as const) {
      worker({ idempotency: { ttl } }).t.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ IDEMPOTENCY_TTL_SECONDS: seconds }) },
      });
    }
  });
});
