// Every rule a construct enforces on its props, shown firing through the construct on bad input,
// with the exact text the user sees (the rule's message and fix from lib/rules, the construct
// path and the prop). These replace spy tests that only checked a rule function was called.
import { Duration, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import {
  DurableFunction, HandlerCode, JobSchedule, ProvisionedApi, SagaStateMachine, SagaTask, ScheduledJob, ScheduledJobTarget,
  ServerlessFunction, SqsWorker, StreamSource, StreamWorker,
} from '../lib';
import { GuardrailRule } from '../lib/rules';
import { newStack, template, warningsOf } from './support/cdk';

/** The message of the error `build` throws (synthesizing the stack), or a note that it threw none. */
function errorOf(build: (stack: Stack) => unknown): string {
  const stack = newStack();
  try {
    build(stack);
    template(stack);
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
}

const sqsHandler = HandlerCode.bundled('sqs-worker/example');
const streamHandler = HandlerCode.bundled('stream-worker/example');
const apiHandler = HandlerCode.bundled('provisioned-api/example');
const durableHandler = HandlerCode.fromCode(lambda.Code.fromInline('exports.handler = async () => ({});'), 'index.handler');
const jobHandler = HandlerCode.bundled('scheduled-job/example');
const dynamoStream = (stack: Stack) => StreamSource.dynamoDb(new dynamodb.Table(stack, 'Orders', {
  partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING }, stream: dynamodb.StreamViewType.NEW_IMAGE,
}));

describe('a rule a construct enforces fires on bad props, with the rule\'s message', () => {
  test.each<[GuardrailRule, string, (stack: Stack) => unknown, string]>([
    [GuardrailRule.SQS_VISIBILITY_TIMEOUT, 'SqsWorker visibilityTimeout below 6 x timeout',
      (s) => new SqsWorker(s, 'W', { handler: sqsHandler, timeout: Duration.seconds(30), visibilityTimeout: Duration.seconds(60) }),
      'TestStack/W: invalid prop \'visibilityTimeout\': the visibility timeout (60 s) is below 6 x the function '
        + 'timeout (30 s) + the batching window (0 s) = 180 s: messages still being processed become visible again '
        + 'and are processed twice. Fix: set the queue\'s visibilityTimeout to at least Duration.seconds(180), or '
        + 'lower the function timeout'],
    [GuardrailRule.SQS_MAX_CONCURRENCY, 'SqsWorker maxConcurrency above reservedConcurrency',
      (s) => new SqsWorker(s, 'W', { handler: sqsHandler, maxConcurrency: 20, reservedConcurrency: 10 }),
      'TestStack/W: invalid prop \'maxConcurrency\': maximum concurrency 20 of the SQS event source exceeds the '
        + 'reserved concurrency 10: the poller invokes beyond the reserve, gets throttled, and throttled batches '
        + 'count as receives that push healthy messages toward the dead-letter queue. Fix: lower maxConcurrency to '
        + '10 or raise reservedConcurrency to 20'],
    [GuardrailRule.API_TIMEOUT, 'ProvisionedApi timeout above API Gateway\'s 29 s',
      (s) => new ProvisionedApi(s, 'Api', { handler: apiHandler, timeout: Duration.seconds(60) }),
      'TestStack/Api: invalid prop \'timeout\': the timeout (60 s) is longer than the 29 seconds API Gateway '
        + 'waits, and the function answers requests through API Gateway: the front gives up (API Gateway answers '
        + '503/504) while the function keeps running and billing, clients retry and the work runs twice. Fix: set '
        + 'the timeout to what a request needs (at most 29 s behind API Gateway) and hand long work to a queue or '
        + 'state machine (SqsWorker, AsyncFunction, SagaStateMachine), answering 202; or use endpoint: '
        + 'ProvisionedApiEndpoint.FUNCTION_URL'],
    [GuardrailRule.PROVISIONED_ABOVE_RESERVED, 'ProvisionedApi provisioned above reserved',
      (s) => new ProvisionedApi(s, 'Api', { handler: apiHandler, provisionedConcurrency: 20, reservedConcurrency: 10 }),
      'TestStack/Api: invalid prop \'provisionedConcurrency\': provisioned concurrency 20 exceeds the function\'s '
        + 'reserved concurrency 10: Lambda rejects the deployment, since it cannot keep more environments warm than '
        + 'the function may run. Fix: lower provisionedConcurrency to 10 or raise reservedConcurrency to 20'],
    [GuardrailRule.PROVISIONED_ABOVE_RESERVED, 'ProvisionedApi reservedConcurrency 0 (AWS\'s minimum; it stops every invocation)',
      (s) => new ProvisionedApi(s, 'Api', { handler: apiHandler, reservedConcurrency: 0 }),
      'TestStack/Api: invalid prop \'provisionedConcurrency\': provisioned concurrency 2 exceeds the function\'s reserved concurrency 0: '
        + 'Lambda rejects the deployment, since it cannot keep more environments warm than the function may run. '
        + 'Fix: raise reservedConcurrency to 2 (0 stops every invocation)'],
    [GuardrailRule.STREAM_RETRIES, 'StreamWorker unbounded retries',
      (s) => new StreamWorker(s, 'W', { handler: streamHandler, source: dynamoStream(s), maxRetryAttempts: -1 }),
      'TestStack/W: invalid prop \'maxRetryAttempts\': the stream mapping retries a failing batch without limit '
        + '(MaximumRetryAttempts -1, the default): one poison record blocks its shard until the stream\'s retention '
        + 'drops it, and every record behind it waits. Fix: set retryAttempts (e.g. 10) and bisectBatchOnError: true '
        + 'on the event source, with an onFailure destination'],
    [GuardrailRule.STREAM_RECORD_AGE, 'StreamWorker record age not below the stream\'s retention',
      (s) => new StreamWorker(s, 'W', { handler: streamHandler, source: dynamoStream(s), maxRecordAge: Duration.days(2) }),
      'TestStack/W: invalid prop \'maxRecordAge\': the maximum record age (172800 s) is not below the stream\'s '
        + 'retention (86400 s): the stream deletes a blocked record before Lambda discards it, so it never reaches '
        + 'the on-failure destination. Fix: set maxRecordAge below Duration.seconds(86400), or raise the stream\'s '
        + 'retention'],
    [GuardrailRule.STREAM_CONCURRENCY, 'StreamWorker reserved concurrency below shards x parallelization',
      (s) => new StreamWorker(s, 'W', {
        handler: streamHandler, source: StreamSource.kinesis(new kinesis.Stream(s, 'Stream', { shardCount: 4 })),
        parallelizationFactor: 2, reservedConcurrency: 4,
      }),
      'TestStack/W: invalid prop \'reservedConcurrency\': reserved concurrency 4 is below shards (4) x '
        + 'parallelization factor (2) = 8: the poller is throttled, throttled batches are retried without counting '
        + 'attempts, and the shards that wait fall behind until their records age out. Fix: raise '
        + 'reservedConcurrency to at least 8, or lower parallelizationFactor'],
    [GuardrailRule.SCHEDULE_RETRY_POLICY, 'ScheduledJob retry attempts above 185',
      (s) => new ScheduledJob(s, 'Job', {
        schedule: JobSchedule.cron('0 2 * * ? *'), target: ScheduledJobTarget.handler(jobHandler), retryPolicy: { maxAttempts: 200 },
      }),
      'TestStack/Job: invalid prop \'retryPolicy.maxAttempts\': maximum retry attempts must be an integer between '
        + '0 and 185 (given 200). Fix: set the retry attempts between 0 and 185'],
    [GuardrailRule.SCHEDULE_RETRY_POLICY, 'ScheduledJob event age above 24 hours',
      (s) => new ScheduledJob(s, 'Job', {
        schedule: JobSchedule.cron('0 2 * * ? *'), target: ScheduledJobTarget.handler(jobHandler), retryPolicy: { maxEventAge: Duration.hours(25) },
      }),
      'TestStack/Job: invalid prop \'retryPolicy.maxEventAge\': maximum event age must be a whole number of '
        + 'seconds between 60 (1 minute) and 86400 (24 hours) (given 90000 seconds). Fix: set the maximum event age '
        + 'between Duration.minutes(1) and Duration.hours(24)'],
    [GuardrailRule.DURABLE_CONFIG, 'DurableFunction execution timeout above 366 days',
      (s) => new DurableFunction(s, 'Durable', { handler: durableHandler, executionTimeout: Duration.days(367) }),
      'TestStack/Durable: invalid prop \'executionTimeout\': the durable execution timeout must be a whole number '
        + 'of seconds between 1 and 31622400 (366 days) (given 31708800 seconds). Fix: set executionTimeout between '
        + 'Duration.seconds(1) and Duration.days(366), in whole seconds'],
    [GuardrailRule.DURABLE_CONFIG, 'DurableFunction retention above 90 days',
      (s) => new DurableFunction(s, 'Durable', { handler: durableHandler, retentionPeriod: Duration.days(91) }),
      'TestStack/Durable: invalid prop \'retentionPeriod\': the durable execution history retention must be a '
        + 'whole number of days between 1 and 90 (given 91 days). Fix: set retentionPeriod between Duration.days(1) '
        + 'and Duration.days(90), in whole days'],
    [GuardrailRule.DURABLE_SYNC_TIMEOUT, 'DurableFunction behind an event source mapping with a 1-hour execution timeout',
      (s) => new DurableFunction(s, 'Durable', { handler: durableHandler, executionTimeout: Duration.hours(1) })
        .addEventSource(new sources.SqsEventSource(new sqs.Queue(s, 'Jobs'))),
      'TestStack/Durable: invalid prop \'executionTimeout\': the durable execution timeout is 3600 seconds, but an '
        + 'event source mapping (SqsEventSource) invokes it synchronously, and a synchronous invocation of a durable '
        + 'function is limited to 15 minutes (900 seconds) in total, waits included. Fix: lower executionTimeout to '
        + 'Duration.minutes(15) or less, or invoke the function asynchronously (AsyncFunction, ScheduledJob, an '
        + 'EventBridge rule) and let it run up to its execution timeout'],
    [GuardrailRule.SFN_CALLBACK_TIMEOUT, 'SagaStateMachine callback step without a timeout',
      (s) => new SagaStateMachine(s, 'Saga', {
        steps: [{ name: 'approve', actionTask: SagaTask.callbackViaQueue(new sqs.Queue(s, 'Approvals')) }],
      }),
      'TestStack/Saga: invalid prop \'steps[0].actionTask.timeout\': the waitForTaskToken task has neither '
        + 'TimeoutSeconds nor HeartbeatSeconds: if the callback never comes it waits until the execution times out '
        + '(up to a year) and no ExecutionsFailed alarm fires (rule SPG-SFN-CALLBACK-TIMEOUT). Fix: set a task '
        + 'timeout (taskTimeout: sfn.Timeout.duration(...), or SagaTask.callbackVia*(..., { timeout })) and, for '
        + 'long waits, a heartbeat below it'],
  ])('%s: %s', (rule, _case, build, expected) => {
    const message = errorOf(build);
    expect(message).toBe(expected);
    expect(message).toContain(rule === GuardrailRule.SFN_CALLBACK_TIMEOUT ? `(rule ${rule})` : 'Fix: ');
  });
});

describe('a rule a construct advises on fires as a warning', () => {
  test('ServerlessFunction with logs that never expire: the log retention rule, as a warning', () => {
    const stack = newStack();
    new ServerlessFunction(stack, 'Fn', { handler: sqsHandler, logRetention: logs.RetentionDays.INFINITE });
    expect(warningsOf(stack)).toEqual([
      'invalid prop \'logRetention\': the log group has no retention, so logs never expire and are billed forever. Fix: set retention (e.g. logs.RetentionDays.ONE_MONTH) [ack: cdk-serverless-patterns:SPG-LOG-RETENTION]',
    ]);
  });

  test('SqsWorker on a queue without a dead-letter queue: the redrive rule, as a warning', () => {
    const stack = newStack();
    new SqsWorker(stack, 'W', { handler: sqsHandler, queue: new sqs.Queue(stack, 'Given') });
    expect(warningsOf(stack)).toEqual([
      'the given queue has no dead-letter queue (SPG-SQS-REDRIVE): this queue feeds Lambda but has no redrive policy: a record that always fails is retried until the retention period ends and is then lost, blocking its batch each time. Fix: give the queue a deadLetterQueue ({ queue: dlq, maxReceiveCount: 5 }), or let SqsWorker create the queue [ack: cdk-serverless-patterns:SqsWorker.queueWithoutDeadLetterQueue]',
    ]);
  });
});

test('a rule the construct cannot break is not checked: a stream mapping always bisects, reports failures, has a destination', () => {
  const stack = newStack();
  new StreamWorker(stack, 'W', { handler: streamHandler, source: dynamoStream(stack) });
  template(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
    BisectBatchOnFunctionError: true, FunctionResponseTypes: ['ReportBatchItemFailures'],
    DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
  });
});
