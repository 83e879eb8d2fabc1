import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import * as lib from '../lib';
import { closestName } from '../lib/core/known-props';

/**
 * Issue 30 item 3: every construct rejects a prop it does not know, as a JavaScript caller (or
 * TypeScript with --transpile-only) would pass it, naming the construct path, the prop and the
 * closest known prop. Before, such a prop was silently ignored (0.1.0's `type: EXPRESS` gave a
 * STANDARD state machine).
 */

const handler = lib.HandlerCode.bundled('sqs-worker/example');
const action = (s: Construct, id: string) => lambda.Function.fromFunctionArn(s, id, `arn:aws:lambda:us-east-1:123456789012:function:${id}`);
/** Props as an untyped caller passes them: the extra key is not a compile error. */
const loose = <T>(props: T, extra: Record<string, unknown>): T => ({ ...props, ...extra }) as T;

type Build = (s: Stack, extra: Record<string, unknown>) => unknown;
/** [construct, build with the construct's minimal valid props plus `extra`, a typo, the prop it should suggest] */
const CASES: Array<[string, Build, string, string]> = [
  ['SqsWorker', (s, x) => new lib.SqsWorker(s, 'C', loose({ handler }, x)), 'batchSise', 'batchSize'],
  ['FanOutPipeline', (s, x) => new lib.FanOutPipeline(s, 'C', loose({}, x)), 'consumer', 'consumers'],
  ['SagaStateMachine', (s, x) => new lib.SagaStateMachine(s, 'C', loose({ steps: [{ name: 'a', action: action(s, 'A') }] }, x)),
    'timout', 'timeout'],
  ['ProvisionedApi', (s, x) => new lib.ProvisionedApi(s, 'C', loose({ handler: lib.HandlerCode.bundled('provisioned-api/example') }, x)),
    'provisionedConcurency', 'provisionedConcurrency'],
  ['AsyncFunction', (s, x) => new lib.AsyncFunction(s, 'C', loose({ handler: lib.HandlerCode.bundled('async-function/example') }, x)),
    'retryAttemps', 'retryAttempts'],
  ['StreamWorker', (s, x) => new lib.StreamWorker(s, 'C', loose({
    handler: lib.HandlerCode.bundled('stream-worker/example'),
    source: lib.StreamSource.kinesis(kinesis.Stream.fromStreamArn(s, 'S', 'arn:aws:kinesis:us-east-1:123456789012:stream/orders')),
  }, x)), 'retryAttempts', 'maxRetryAttempts'], // aws-cdk-lib's KinesisEventSource name
  ['ScheduledJob', (s, x) => new lib.ScheduledJob(s, 'C', loose({
    schedule: lib.JobSchedule.cron('0 2 * * ? *'), target: lib.ScheduledJobTarget.handler(lib.HandlerCode.bundled('scheduled-job/example')),
  }, x)), 'timezone', 'timeZone'],
  ['DurableFunction', (s, x) => new lib.DurableFunction(s, 'C', loose({ handler: lib.HandlerCode.bundled('durable-function/order-saga') }, x)),
    'executionTimout', 'executionTimeout'],
  ['ServerlessFunction', (s, x) => new lib.ServerlessFunction(s, 'C', loose({ handler }, x)), 'memorysize', 'memorySize'],
  ['IdempotencyTable', (s, x) => new lib.IdempotencyTable(s, 'C', loose({}, x)), 'removalPolcy', 'removalPolicy'],
  ['ServerlessDashboard', (s, x) => new lib.ServerlessDashboard(s, 'C', loose({}, x)), 'dashboardname', 'dashboardName'],
  ['ServerlessVpcEndpoints', (s, x) => new lib.ServerlessVpcEndpoints(s, 'C', loose({
    vpc: new ec2.Vpc(s, 'Vpc', { maxAzs: 1, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] }),
    services: [lib.ServerlessVpcEndpointService.SQS],
  }, x)), 'queue', 'queues'],
];

const stack = () => new Stack(new App(), 'S', { env: { account: '123456789012', region: 'us-east-1' } });

describe.each(CASES)('%s', (construct, build, typo, suggestion) => {
  test('rejects an unknown prop with the path, the prop and the closest known prop', () => {
    expect(() => build(stack(), { [typo]: 1 })).toThrow(
      `S/C: invalid prop '${typo}': ${construct} has no prop '${typo}'. Fix: did you mean '${suggestion}'?`);
  });

  test('lists the known props when nothing is close', () => {
    expect(() => build(stack(), { zzzzzzzz: 1 })).toThrow(
      new RegExp(`^S/C: invalid prop 'zzzzzzzz': ${construct} has no prop 'zzzzzzzz'\\. Fix: remove it \\(known props: .*'?${suggestion}`));
  });

  test('accepts its known props, and an unknown key whose value is undefined', () => {
    expect(() => build(stack(), { [typo]: undefined })).not.toThrow();
  });
});

describe('SagaStateMachine', () => {
  test('0.1.0\'s `type` fails and names its new name instead of synthesizing a STANDARD machine', () => {
    const s = stack();
    expect(() => new lib.SagaStateMachine(s, 'C', loose({ steps: [{ name: 'a', action: action(s, 'A') }] },
      { type: sfn.StateMachineType.EXPRESS }))).toThrow(
      'S/C: invalid prop \'type\': SagaStateMachine has no prop \'type\': it was renamed \'stateMachineType\' in 0.2.0. '
      + 'Fix: did you mean \'stateMachineType\'?');
  });

  test('rejects an unknown key of a step, and of a parallel branch', () => {
    const s = stack();
    expect(() => new lib.SagaStateMachine(s, 'C', { steps: [{ name: 'a', action: action(s, 'A'), ...{ compensate: action(s, 'B') } }] }))
      .toThrow('S/C: invalid prop \'steps[0].compensate\': SagaStep has no prop \'compensate\'. Fix: did you mean \'compensation\'?');
    const t = stack();
    expect(() => new lib.SagaStateMachine(t, 'C', {
      steps: [{ name: 'g', parallel: [{ name: 'a', action: action(t, 'A') }, { name: 'b', action: action(t, 'B'), ...{ rety: {} } }] }],
    })).toThrow('S/C: invalid prop \'steps[0].parallel[1].rety\': SagaStep has no prop \'rety\'. Fix: did you mean \'retry\'?');
  });
});

test('FanOutPipeline rejects an unknown key of a consumer', () => {
  const s = stack();
  expect(() => new lib.FanOutPipeline(s, 'C', {
    consumers: [{ name: 'audit', handler: lib.HandlerCode.bundled('fan-out-pipeline/example'), ...{ filters: {} } }],
  })).toThrow('S/C: invalid prop \'audit.filters\': FanOutConsumerOptions has no prop \'filters\'. Fix: did you mean \'filter\'?');
});

test.each([
  ['ServerlessGuardrails', () => new lib.ServerlessGuardrails(loose({}, { severity: {} })), 'severity', 'severities'],
  ['ConcurrencyBudget', () => new lib.ConcurrencyBudget(loose({}, { acountLimit: 900 })), 'acountLimit', 'accountLimit'],
  ['ServerlessCostReport', () => new lib.ServerlessCostReport(loose({}, { filename: 'x.json' })), 'filename', 'fileName'],
])('the %s aspect rejects an unknown prop', (name, build, typo, suggestion) => {
  expect(build).toThrow(`${name}: invalid prop '${typo}': ${name} has no prop '${typo}'. Fix: did you mean '${suggestion}'?`);
});

describe('closestName', () => {
  test.each([
    ['timout', ['timeout', 'visibilityTimeout'], 'timeout'],
    ['type', ['steps', 'stateMachineType', 'timeout'], 'stateMachineType'],
    ['BATCHSIZE', ['batchSize'], 'batchSize'],
    ['xyz', ['batchSize', 'timeout'], undefined],
  ])('%s among %j -> %s', (name, candidates, expected) => {
    expect(closestName(name, candidates)).toBe(expected);
  });
});
