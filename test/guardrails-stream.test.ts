import { Duration, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, KinesisEventSource, S3OnFailureDestination, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { GuardrailRule, GuardrailSeverity, HandlerCode, ServerlessGuardrails, StreamSource, StreamWorker } from '../lib';
import {
  STREAM_MAPPING_RULES, streamBisectRule, streamConcurrencyRule, streamOnFailureRule, streamPartialBatchRule,
  streamRecordAgeRule, streamRetriesRule,
} from '../lib/rules/stream';
import { findingsOf, guardedStack, messageOf, userFunction } from './guardrails-support';

const safe = { startingPosition: lambda.StartingPosition.TRIM_HORIZON, bisectBatchOnError: true, retryAttempts: 10,
  maxRecordAge: Duration.hours(12), reportBatchItemFailures: true };

function kinesisConsumer(stack: Stack, props: Partial<ConstructorParameters<typeof KinesisEventSource>[1]> = {}, reserved?: number,
  stream: kinesis.IStream = new kinesis.Stream(stack, 'Orders', { shardCount: 4, streamMode: kinesis.StreamMode.PROVISIONED })) {
  const fn = userFunction(stack, 'Consumer', { reservedConcurrentExecutions: reserved });
  fn.addEventSource(new KinesisEventSource(stream, {
    ...safe, onFailure: new S3OnFailureDestination(new s3.Bucket(stack, 'Failures', { enforceSSL: true })), ...props,
  }));
  return fn;
}

const ESM = '/UserStack/Consumer/KinesisEventSource:UserStackOrders0B50419A/Resource';

describe('the stream rules (pure functions: unknown facts never fire)', () => {
  test('each rule is silent on empty facts and on the safe settings', () => {
    for (const rule of STREAM_MAPPING_RULES) {
      expect(rule.check({})).toBeUndefined();
      expect(rule.check({ bisectBatchOnFunctionError: true, maximumRetryAttempts: 10, maximumRecordAgeSeconds: 3600,
        streamRetentionSeconds: 86400, hasOnFailureDestination: true, reportBatchItemFailures: true })).toBeUndefined();
    }
    expect(streamConcurrencyRule.check({ parallelizationFactor: 2, reservedConcurrency: 1 })).toBeUndefined();
  });

  test('each rule fires on exactly its own fact', () => {
    expect(streamBisectRule.check({ bisectBatchOnFunctionError: false })?.rule).toBe(GuardrailRule.STREAM_BISECT);
    expect(streamRetriesRule.check({ maximumRetryAttempts: -1 })?.rule).toBe(GuardrailRule.STREAM_RETRIES);
    expect(streamRetriesRule.check({ maximumRetryAttempts: 0 })).toBeUndefined();
    expect(streamRecordAgeRule.check({ maximumRecordAgeSeconds: -1 })?.rule).toBe(GuardrailRule.STREAM_RECORD_AGE);
    expect(streamRecordAgeRule.check({ maximumRecordAgeSeconds: 86400, streamRetentionSeconds: 86400 })?.message)
      .toContain('is not below the stream\'s retention');
    expect(streamOnFailureRule.check({ hasOnFailureDestination: false })?.rule).toBe(GuardrailRule.STREAM_ON_FAILURE);
    expect(streamPartialBatchRule.check({ reportBatchItemFailures: false })?.rule).toBe(GuardrailRule.STREAM_PARTIAL_BATCH_RESPONSE);
    expect(streamConcurrencyRule.check({ shardCount: 4, parallelizationFactor: 2, reservedConcurrency: 7 })?.fix)
      .toBe('raise reservedConcurrency to at least 8, or lower parallelizationFactor');
  });

  test('default severities', () => {
    expect([GuardrailRule.STREAM_RETRIES, GuardrailRule.STREAM_ON_FAILURE, GuardrailRule.STREAM_CONCURRENCY,
      GuardrailRule.STREAM_BISECT, GuardrailRule.STREAM_RECORD_AGE, GuardrailRule.STREAM_PARTIAL_BATCH_RESPONSE]
      .map((r) => ServerlessGuardrails.defaultSeverity(r)))
      .toEqual(['error', 'error', 'error', 'warning', 'warning', 'warning']);
  });
});

describe('ServerlessGuardrails on Kinesis and DynamoDB Streams mappings', () => {
  test('a safe hand-wired Kinesis mapping gets no finding', () => {
    const stack = guardedStack();
    kinesisConsumer(stack, {}, 4);
    expect(findingsOf(stack)).toEqual([]);
  });

  test('aws-cdk-lib KinesisEventSource defaults: every stream rule fires, each on the mapping', () => {
    const stack = guardedStack();
    const fn = userFunction(stack, 'Consumer');
    fn.addEventSource(new KinesisEventSource(new kinesis.Stream(stack, 'Orders'), { startingPosition: lambda.StartingPosition.LATEST }));
    expect(findingsOf(stack)).toEqual([
      { level: 'error', path: ESM, rule: 'SPG-STREAM-ON-FAILURE' },
      { level: 'error', path: ESM, rule: 'SPG-STREAM-RETRIES' },
      { level: 'warning', path: ESM, rule: 'SPG-STREAM-BISECT' },
      { level: 'warning', path: ESM, rule: 'SPG-STREAM-PARTIAL-BATCH' },
      { level: 'warning', path: ESM, rule: 'SPG-STREAM-RECORD-AGE' },
    ].sort((a, b) => a.rule.localeCompare(b.rule)));
    expect(messageOf(stack, 'SPG-STREAM-RETRIES')).toBe(`[SPG-STREAM-RETRIES] ${ESM.slice(1)}: the stream mapping retries a failing batch `
      + 'without limit (MaximumRetryAttempts -1, the default): one poison record blocks its shard until the stream\'s retention drops it, and '
      + 'every record behind it waits. Fix: set retryAttempts (e.g. 10) and bisectBatchOnError: true on the event source, with an onFailure destination');
  });

  test('a record age the 24-hour stream outlives is a warning', () => {
    const stack = guardedStack();
    kinesisConsumer(stack, { maxRecordAge: Duration.days(2) });
    expect(findingsOf(stack)).toEqual([{ level: 'warning', path: ESM, rule: 'SPG-STREAM-RECORD-AGE' }]);
    expect(messageOf(stack, 'SPG-STREAM-RECORD-AGE')).toContain('the maximum record age (172800 s) is not below the stream\'s retention (86400 s)');
  });

  test('a longer stream retention makes the same record age fine', () => {
    const stack = guardedStack();
    kinesisConsumer(stack, { maxRecordAge: Duration.days(2) }, undefined,
      new kinesis.Stream(stack, 'Orders', { retentionPeriod: Duration.days(3) }));
    expect(findingsOf(stack)).toEqual([]);
  });

  test(`${GuardrailRule.STREAM_CONCURRENCY}: reserved concurrency below shards x parallelizationFactor of a provisioned stream`, () => {
    const stack = guardedStack();
    kinesisConsumer(stack, { parallelizationFactor: 2 }, 7);
    expect(findingsOf(stack)).toEqual([{ level: 'error', path: ESM, rule: 'SPG-STREAM-CONCURRENCY' }]);
    expect(messageOf(stack, 'SPG-STREAM-CONCURRENCY')).toContain('reserved concurrency 7 is below shards (4) x parallelization factor (2) = 8');
  });

  test('an imported stream (ARN only) is still recognised as a stream; its shards are unknown, so no concurrency finding', () => {
    const stack = guardedStack();
    const fn = userFunction(stack, 'Consumer', { reservedConcurrentExecutions: 1 });
    fn.addEventSource(new KinesisEventSource(kinesis.Stream.fromStreamArn(stack, 'Imported', 'arn:aws:kinesis:us-east-1:123456789012:stream/x'),
      { ...safe, bisectBatchOnError: false, onFailure: new SqsDlq(new sqs.Queue(stack, 'Dlq')) }));
    expect(findingsOf(stack).filter((f) => f.rule.startsWith('SPG-STREAM'))).toEqual([
      { level: 'warning', path: '/UserStack/Consumer/KinesisEventSource:UserStackImportedD7E5C78B/Resource', rule: 'SPG-STREAM-BISECT' },
    ]);
  });

  test('DynamoEventSource without retries bound or destination is flagged; SQS mappings are not stream-checked', () => {
    const stack = guardedStack();
    const table = new dynamodb.Table(stack, 'Table', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING }, stream: dynamodb.StreamViewType.NEW_IMAGE,
    });
    userFunction(stack, 'Consumer').addEventSource(new DynamoEventSource(table, { ...safe, retryAttempts: undefined }));
    const rules = findingsOf(stack).map((f) => f.rule);
    expect(rules.filter((r) => r.startsWith('SPG-STREAM'))).toEqual(['SPG-STREAM-ON-FAILURE', 'SPG-STREAM-RETRIES']);
  });

  test('a StreamWorker with its defaults, on any source, gets no finding', () => {
    const stack = guardedStack();
    new StreamWorker(stack, 'Kinesis', { handler: HandlerCode.bundled('stream-worker/example') });
    const table = new dynamodb.Table(stack, 'Table', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING }, stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
    });
    new StreamWorker(stack, 'Dynamo', { handler: HandlerCode.bundled('stream-worker/read-model'), source: StreamSource.dynamoDb(table) });
    expect(findingsOf(stack).filter((f) => f.level !== 'info')).toEqual([]);
  });

  test('severities are configurable per stream rule', () => {
    const stack = guardedStack({ severities: { [GuardrailRule.STREAM_RETRIES]: GuardrailSeverity.OFF, [GuardrailRule.STREAM_BISECT]: GuardrailSeverity.ERROR } });
    kinesisConsumer(stack, { retryAttempts: -1, bisectBatchOnError: false });
    expect(findingsOf(stack)).toEqual([{ level: 'error', path: ESM, rule: 'SPG-STREAM-BISECT' }]);
  });
});
