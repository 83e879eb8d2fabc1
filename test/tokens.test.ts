import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import * as lib from '../lib';

/**
 * Every numeric and Duration prop of every construct, given a CfnParameter token one at a time
 * (issue 13, item 1). Each case either synthesizes, and the parameter reaches the template, or
 * throws the documented `invalidProp` error asking for the prop the construct cannot derive.
 */

const ENV = { account: '123456789012', region: 'us-east-1' };
const sqsHandler = lib.HandlerCode.bundled('sqs-worker/example');
const fanOutHandler = lib.HandlerCode.bundled('fan-out-pipeline/example');
const asyncHandler = lib.HandlerCode.bundled('async-function/example');
const apiHandler = lib.HandlerCode.bundled('provisioned-api/example');
const streamHandler = lib.HandlerCode.bundled('stream-worker/example');
const jobHandler = lib.HandlerCode.bundled('scheduled-job/example');
const fnHandler = lib.HandlerCode.bundled('saga-state-machine/reserve-inventory');

/** What a case builds: `n` is `param.valueAsNumber`, `d` is `Duration.seconds(n)`. */
type Build = (s: Construct, n: number, d: Duration) => void;

/**
 * [construct, prop, build, expected]: an error the construct throws, or NOT_IN_TEMPLATE for a prop
 * that only feeds a synth-time check (synth succeeds), or undefined: synth succeeds and the token
 * reaches the template.
 */
type Case = [string, string, Build, (RegExp | typeof NOT_IN_TEMPLATE)?];
const NOT_IN_TEMPLATE = 'not in template';

const action = (s: Construct, id: string) => lambda.Function.fromFunctionArn(s, id, `arn:aws:lambda:us-east-1:123456789012:function:${id}`);
/** Two steps, so the first one's compensation runs when the second fails (its retry reaches the template). */
const saga = (s: Construct, step: Partial<lib.SagaStep>, props: Partial<lib.SagaStateMachineProps> = {}) => new lib.SagaStateMachine(s, 'Construct', {
  steps: [
    { name: 'reserve', action: action(s, 'Reserve'), compensation: action(s, 'Release'), ...step },
    { name: 'charge', action: action(s, 'Charge') },
  ],
  ...props,
});
const job = (s: Construct, props: Partial<lib.ScheduledJobProps>, options: lib.ScheduledJobFunctionOptions = {}) => new lib.ScheduledJob(s, 'Construct', {
  schedule: lib.JobSchedule.cron('0 2 * * ? *'), target: lib.ScheduledJobTarget.handler(jobHandler, options), ...props,
});
const fanOut = (s: Construct, worker: lib.SqsWorkerOptions) => new lib.FanOutPipeline(s, 'Construct', {
  consumers: [{ name: 'audit', handler: fanOutHandler, worker }],
});

/** The error for a token in seconds where the resource takes another unit. */
const unitError = (prop: string, unit: string) => new RegExp(`Construct: invalid prop '${prop}': is a token in a unit other than ${unit}, `
  + `.*Fix: give it as Duration\\.${unit}\\(param\\.valueAsNumber\\)`);

const CASES: Case[] = [
  ['SqsWorker', 'timeout', (s, _n, d) => new lib.SqsWorker(s, 'Construct', { handler: sqsHandler, timeout: d }),
    /Construct: invalid prop 'visibilityTimeout': must be given when 'timeout' is a token/],
  ['SqsWorker', 'timeout + visibilityTimeout', (s, n, d) => new lib.SqsWorker(s, 'Construct', {
    handler: sqsHandler, timeout: d, visibilityTimeout: Duration.seconds(n),
  })],
  ['SqsWorker', 'visibilityTimeout', (s, _n, d) => new lib.SqsWorker(s, 'Construct', { handler: sqsHandler, visibilityTimeout: d })],
  ['SqsWorker', 'maxReceiveCount', (s, n) => new lib.SqsWorker(s, 'Construct', { handler: sqsHandler, maxReceiveCount: n })],
  ['SqsWorker', 'batchSize', (s, n) => new lib.SqsWorker(s, 'Construct', { handler: sqsHandler, batchSize: n })],
  ['SqsWorker', 'maxBatchingWindow', (s, _n, d) => new lib.SqsWorker(s, 'Construct', { handler: sqsHandler, maxBatchingWindow: d })],
  ['SqsWorker', 'maxConcurrency', (s, n) => new lib.SqsWorker(s, 'Construct', { handler: sqsHandler, maxConcurrency: n })],
  ['SqsWorker', 'reservedConcurrency', (s, n) => new lib.SqsWorker(s, 'Construct', { handler: sqsHandler, reservedConcurrency: n })],
  ['SqsWorker', 'memorySize', (s, n) => new lib.SqsWorker(s, 'Construct', { handler: sqsHandler, memorySize: n })],
  ['SqsWorker', 'idempotency.ttl', (s, _n, d) => new lib.SqsWorker(s, 'Construct', { handler: sqsHandler, idempotency: { ttl: d } })],
  ['SqsWorker', 'idempotency.ttl in minutes', (s, n) => new lib.SqsWorker(s, 'Construct', { handler: sqsHandler, idempotency: { ttl: Duration.minutes(n) } }),
    unitError('idempotency.ttl', 'seconds')],

  ['FanOutPipeline', 'worker.timeout', (s, _n, d) => fanOut(s, { timeout: d }),
    /Construct\/audit\/Worker: invalid prop 'visibilityTimeout': must be given when 'timeout' is a token/],
  ['FanOutPipeline', 'worker.timeout + visibilityTimeout', (s, n, d) => fanOut(s, { timeout: d, visibilityTimeout: Duration.seconds(n) })],
  ['FanOutPipeline', 'worker.visibilityTimeout', (s, _n, d) => fanOut(s, { visibilityTimeout: d })],
  ['FanOutPipeline', 'worker.maxReceiveCount', (s, n) => fanOut(s, { maxReceiveCount: n })],
  ['FanOutPipeline', 'worker.batchSize', (s, n) => fanOut(s, { batchSize: n })],
  ['FanOutPipeline', 'worker.maxBatchingWindow', (s, _n, d) => fanOut(s, { maxBatchingWindow: d })],
  ['FanOutPipeline', 'worker.maxConcurrency', (s, n) => fanOut(s, { maxConcurrency: n })],
  ['FanOutPipeline', 'worker.reservedConcurrency', (s, n) => fanOut(s, { reservedConcurrency: n })],
  ['FanOutPipeline', 'worker.idempotency.ttl', (s, _n, d) => fanOut(s, { idempotency: { ttl: d } })],

  ['AsyncFunction', 'timeout', (s, _n, d) => new lib.AsyncFunction(s, 'Construct', { handler: asyncHandler, timeout: d })],
  ['AsyncFunction', 'reservedConcurrency', (s, n) => new lib.AsyncFunction(s, 'Construct', { handler: asyncHandler, reservedConcurrency: n })],
  ['AsyncFunction', 'retryAttempts', (s, n) => new lib.AsyncFunction(s, 'Construct', { handler: asyncHandler, retryAttempts: n })],
  ['AsyncFunction', 'maxEventAge', (s, _n, d) => new lib.AsyncFunction(s, 'Construct', { handler: asyncHandler, maxEventAge: d })],
  ['AsyncFunction', 'memorySize', (s, n) => new lib.AsyncFunction(s, 'Construct', { handler: asyncHandler, memorySize: n })],

  ['ProvisionedApi', 'provisionedConcurrency', (s, n) => new lib.ProvisionedApi(s, 'Construct', { handler: apiHandler, provisionedConcurrency: n })],
  ['ProvisionedApi', 'reservedConcurrency', (s, n) => new lib.ProvisionedApi(s, 'Construct', { handler: apiHandler, reservedConcurrency: n })],
  ['ProvisionedApi', 'accountConcurrencyLimit', (s, n) => new lib.ProvisionedApi(s, 'Construct', {
    handler: apiHandler, accountConcurrencyLimit: n, reservedConcurrency: n,
  })],
  ['ProvisionedApi', 'autoScaling.minCapacity', (s, n) => new lib.ProvisionedApi(s, 'Construct', { handler: apiHandler, autoScaling: { minCapacity: n } })],
  ['ProvisionedApi', 'autoScaling.maxCapacity', (s, n) => new lib.ProvisionedApi(s, 'Construct', { handler: apiHandler, autoScaling: { maxCapacity: n } })],
  ['ProvisionedApi', 'utilizationTarget', (s, n) => new lib.ProvisionedApi(s, 'Construct', {
    handler: apiHandler, autoScaling: { maxCapacity: 10 }, utilizationTarget: n,
  })],
  ['ProvisionedApi', 'schedule.peakMin', (s, n) => new lib.ProvisionedApi(s, 'Construct', {
    handler: apiHandler, schedule: { scaleUp: 'cron(0 8 * * ? *)', scaleDown: 'cron(0 20 * * ? *)', peakMin: n },
  })],
  ['ProvisionedApi', 'schedule.offPeakMin', (s, n) => new lib.ProvisionedApi(s, 'Construct', {
    handler: apiHandler, schedule: { scaleUp: 'cron(0 8 * * ? *)', scaleDown: 'cron(0 20 * * ? *)', offPeakMin: n },
  })],
  ['ProvisionedApi', 'timeout', (s, _n, d) => new lib.ProvisionedApi(s, 'Construct', { handler: apiHandler, timeout: d })],
  ['ProvisionedApi', 'throttling.rateLimit', (s, n) => new lib.ProvisionedApi(s, 'Construct', { handler: apiHandler, throttling: { rateLimit: n } })],
  ['ProvisionedApi', 'throttling.burstLimit', (s, n) => new lib.ProvisionedApi(s, 'Construct', { handler: apiHandler, throttling: { burstLimit: n } })],
  ['ProvisionedApi', 'cors.maxAge', (s, _n, d) => new lib.ProvisionedApi(s, 'Construct', { handler: apiHandler, cors: { allowOrigins: ['https://example.com'], maxAge: d } })],
  ['ProvisionedApi', 'latencyThreshold', (s, _n, d) => new lib.ProvisionedApi(s, 'Construct', { handler: apiHandler, latencyThreshold: d }),
    unitError('latencyThreshold', 'millis')],
  ['ProvisionedApi', 'latencyThreshold in millis', (s, n) => new lib.ProvisionedApi(s, 'Construct', {
    handler: apiHandler, latencyThreshold: Duration.millis(n),
  })],
  ['ProvisionedApi', 'serverErrorRateThreshold', (s, n) => new lib.ProvisionedApi(s, 'Construct', { handler: apiHandler, serverErrorRateThreshold: n })],

  ['SagaStateMachine', 'timeout', (s, _n, d) => saga(s, {}, { timeout: d })],
  ['SagaStateMachine', 'step timeout', (s, _n, d) => saga(s, { timeout: d })],
  ['SagaStateMachine', 'retry.maxAttempts', (s, n) => saga(s, { retry: { maxAttempts: n } })],
  ['SagaStateMachine', 'retry.interval', (s, _n, d) => saga(s, { retry: { interval: d } })],
  ['SagaStateMachine', 'retry.backoffRate', (s, n) => saga(s, { retry: { backoffRate: n } })],
  ['SagaStateMachine', 'retry.maxDelay', (s, _n, d) => saga(s, { retry: { maxDelay: d } })],
  ['SagaStateMachine', 'compensationRetry.maxAttempts', (s, n) => saga(s, {}, { compensationRetry: { maxAttempts: n } })],
  ['SagaStateMachine', 'compensationRetry.interval', (s, _n, d) => saga(s, {}, { compensationRetry: { interval: d } })],
  ['SagaStateMachine', 'callback timeout', (s, _n, d) => saga(s, {
    action: undefined, actionTask: lib.SagaTask.callbackViaFunction(action(s, 'Approve'), { timeout: d }),
  })],
  ['SagaStateMachine', 'callback heartbeat', (s, _n, d) => saga(s, {
    action: undefined, actionTask: lib.SagaTask.callbackViaFunction(action(s, 'Approve'), { timeout: Duration.minutes(30), heartbeat: d }),
  })],

  ['StreamWorker', 'batchSize', (s, n) => new lib.StreamWorker(s, 'Construct', { handler: streamHandler, batchSize: n })],
  ['StreamWorker', 'maxBatchingWindow', (s, _n, d) => new lib.StreamWorker(s, 'Construct', { handler: streamHandler, maxBatchingWindow: d })],
  ['StreamWorker', 'parallelizationFactor', (s, n) => new lib.StreamWorker(s, 'Construct', { handler: streamHandler, parallelizationFactor: n })],
  ['StreamWorker', 'maxRetryAttempts', (s, n) => new lib.StreamWorker(s, 'Construct', { handler: streamHandler, maxRetryAttempts: n })],
  ['StreamWorker', 'maxRecordAge', (s, _n, d) => new lib.StreamWorker(s, 'Construct', { handler: streamHandler, maxRecordAge: d })],
  ['StreamWorker', 'startingPositionTimestamp', (s, n) => new lib.StreamWorker(s, 'Construct', {
    handler: streamHandler, startingPosition: lambda.StartingPosition.AT_TIMESTAMP, startingPositionTimestamp: n,
  })],
  ['StreamWorker', 'tumblingWindow', (s, _n, d) => new lib.StreamWorker(s, 'Construct', { handler: streamHandler, tumblingWindow: d })],
  ['StreamWorker', 'failureRecordRetention', (s, _n, d) => new lib.StreamWorker(s, 'Construct', { handler: streamHandler, failureRecordRetention: d }),
    unitError('failureRecordRetention', 'days')],
  ['StreamWorker', 'failureRecordRetention in days', (s, n) => new lib.StreamWorker(s, 'Construct', {
    handler: streamHandler, failureRecordRetention: Duration.days(n),
  })],
  ['StreamWorker', 'reservedConcurrency', (s, n) => new lib.StreamWorker(s, 'Construct', { handler: streamHandler, reservedConcurrency: n })],
  ['StreamWorker', 'timeout', (s, _n, d) => new lib.StreamWorker(s, 'Construct', { handler: streamHandler, timeout: d })],
  ['StreamWorker', 'iteratorAgeAlarmThreshold', (s, _n, d) => new lib.StreamWorker(s, 'Construct', { handler: streamHandler, iteratorAgeAlarmThreshold: d }),
    unitError('iteratorAgeAlarmThreshold', 'millis')],
  ['StreamWorker', 'iteratorAgeAlarmThreshold in millis', (s, n) => new lib.StreamWorker(s, 'Construct', {
    handler: streamHandler, iteratorAgeAlarmThreshold: Duration.millis(n),
  })],
  ['StreamWorker', 'idempotency.ttl', (s, _n, d) => new lib.StreamWorker(s, 'Construct', { handler: streamHandler, idempotency: { ttl: d } })],
  ['StreamWorker', 'idempotency.ttl in hours', (s, n) => new lib.StreamWorker(s, 'Construct', { handler: streamHandler, idempotency: { ttl: Duration.hours(n) } }),
    unitError('idempotency.ttl', 'seconds')],
  ['StreamWorker', 'newKinesisStream.retentionPeriod', (s, _n, d) => new lib.StreamWorker(s, 'Construct', {
    handler: streamHandler, source: lib.StreamSource.newKinesisStream({ retentionPeriod: d }),
  }), unitError('source', 'hours')],
  ['StreamWorker', 'newKinesisStream.retentionPeriod in hours', (s, n) => new lib.StreamWorker(s, 'Construct', {
    handler: streamHandler, source: lib.StreamSource.newKinesisStream({ retentionPeriod: Duration.hours(n) }),
  })],
  ['StreamWorker', 'kinesis.shardCount', (s, n) => new lib.StreamWorker(s, 'Construct', {
    handler: streamHandler, source: lib.StreamSource.kinesis(new kinesis.Stream(s, 'Stream'), { shardCount: n }),
  }), NOT_IN_TEMPLATE],
  ['StreamWorker', 'kinesis.retentionPeriod', (s, _n, d) => new lib.StreamWorker(s, 'Construct', {
    handler: streamHandler, source: lib.StreamSource.kinesis(new kinesis.Stream(s, 'Stream'), { retentionPeriod: d }),
  }), NOT_IN_TEMPLATE],

  ['ScheduledJob', 'rate', (s, _n, d) => job(s, { schedule: lib.JobSchedule.rate(d), maxRunInterval: Duration.hours(1) }),
    unitError('schedule', 'minutes')],
  ['ScheduledJob', 'rate in minutes', (s, n) => job(s, { schedule: lib.JobSchedule.rate(Duration.minutes(n)) }),
    /Construct: invalid prop 'maxRunInterval': is required when the schedule or the time zone is a token/],
  ['ScheduledJob', 'rate in minutes + maxRunInterval', (s, n) => job(s, {
    schedule: lib.JobSchedule.rate(Duration.minutes(n)), maxRunInterval: Duration.hours(1),
  })],
  ['ScheduledJob', 'flexibleWindow', (s, _n, d) => job(s, { flexibleWindow: d }), unitError('flexibleWindow', 'minutes')],
  ['ScheduledJob', 'flexibleWindow in minutes', (s, n) => job(s, { flexibleWindow: Duration.minutes(n) })],
  ['ScheduledJob', 'retryPolicy.maxAttempts', (s, n) => job(s, { retryPolicy: { maxAttempts: n } })],
  ['ScheduledJob', 'retryPolicy.maxEventAge', (s, _n, d) => job(s, { retryPolicy: { maxEventAge: d } })],
  ['ScheduledJob', 'function timeout', (s, _n, d) => job(s, {}, { timeout: d })],
  ['ScheduledJob', 'function retryAttempts', (s, n) => job(s, {}, { retryAttempts: n })],
  ['ScheduledJob', 'function memorySize', (s, n) => job(s, {}, { memorySize: n })],

  ['ServerlessFunction', 'timeout', (s, _n, d) => new lib.ServerlessFunction(s, 'Construct', { handler: fnHandler, timeout: d })],
  ['ServerlessFunction', 'timeout in minutes', (s, n) => new lib.ServerlessFunction(s, 'Construct', { handler: fnHandler, timeout: Duration.minutes(n) }),
    unitError('timeout', 'seconds')],
  ['SqsWorker', 'timeout in minutes', (s, n) => new lib.SqsWorker(s, 'Construct', {
    handler: sqsHandler, timeout: Duration.minutes(n), visibilityTimeout: Duration.minutes(n),
  }),
    unitError('timeout', 'seconds')],
  ['ServerlessFunction', 'reservedConcurrency', (s, n) => new lib.ServerlessFunction(s, 'Construct', { handler: fnHandler, reservedConcurrency: n })],
  ['ServerlessFunction', 'memorySize', (s, n) => new lib.ServerlessFunction(s, 'Construct', { handler: fnHandler, memorySize: n })],

  ['IdempotencyTable', 'ttl via SqsWorker table', (s, _n, d) => new lib.SqsWorker(s, 'Construct', {
    handler: sqsHandler, idempotency: { table: new lib.IdempotencyTable(s, 'Table'), ttl: d },
  })],

  ['ConcurrencyBudget', 'accountLimit', (s, n) => {
    lib.ConcurrencyBudget.of(s, { accountLimit: n });
  }, /ConcurrencyBudget: invalid prop 'accountLimit': must be known at synth \(given a token\)/],
  ['ConcurrencyBudget', 'unreservedBuffer', (s, n) => {
    lib.ConcurrencyBudget.of(s, { unreservedBuffer: n });
  }, /ConcurrencyBudget: invalid prop 'unreservedBuffer': must be known at synth \(given a token\)/],
  ['ConcurrencyBudget', 'a reserved concurrency token', (s, n) => {
    lib.ConcurrencyBudget.of(s, {});
    new lib.ServerlessFunction(s, 'Construct', { handler: fnHandler, reservedConcurrency: n });
  }],
];

/** Paths of numbers no real setting has: what multiplying or adding a token's encoding leaves behind. */
function garbageNumbers(value: unknown, path = ''): string[] {
  if (typeof value === 'number') return Math.abs(value) > 1e15 ? [`${path} = ${value}`] : [];
  if (typeof value === 'string') {
    return /e[+]?\d{3}|\d{16,}/.test(value) && /-?\d\.\d+e\+\d{3}/.test(value) ? [`${path} = ${value}`] : [];
  }
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, child]) => garbageNumbers(child, `${path}/${key}`));
  }
  return [];
}

describe.each(CASES)('%s %s given a CfnParameter token', (_construct, _prop, build, expected) => {
  test(expected instanceof RegExp ? 'throws the documented error' : 'synthesizes', () => {
    const stack = new Stack(new App(), 'Tokens', { env: ENV });
    const param = new CfnParameter(stack, 'Value', { type: 'Number', default: 30 });
    const run = () => build(stack, param.valueAsNumber, Duration.seconds(param.valueAsNumber));
    if (expected instanceof RegExp) {
      expect(run).toThrow(expected);
      return;
    }
    run();
    const resources = Template.fromStack(stack).toJSON().Resources;
    if (expected !== NOT_IN_TEMPLATE) expect(JSON.stringify(resources)).toContain('{"Ref":"Value"}');
    // Arithmetic on a token gives a huge number (a token is encoded as about -1.9e289), not an error.
    expect(garbageNumbers(resources)).toEqual([]);
  });
});
