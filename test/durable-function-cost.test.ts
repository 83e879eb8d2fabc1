// The demo's durable order saga: its durable operations counted with the local durable runner on
// the happy and the worst failure path, priced per 1,000 executions by the cost report's estimator,
// beside the Step Functions saga of the demo; docs/durable-functions.md quotes these figures.
import { readFileSync } from 'fs';
import { join } from 'path';
import { LocalDurableTestRunner } from '@aws/durable-execution-sdk-js-testing';
import { Size } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { addDurableFunctionDemo, DURABLE_DEMO_OPERATIONS } from '../examples/durable-function';
import { addSagaStateMachineDemo } from '../examples/saga-state-machine';
import { DurableFunction } from '../lib';
import { DEFAULT_COLD_START_SHARE, DEFAULT_INIT_SECONDS } from '../lib/cost/estimators/common';
import { estimateDurableFunction } from '../lib/cost/estimators/durable-function';
import { US_EAST_1_PRICES } from '../lib/cost/prices';
import { sum } from '../lib/cost/model';
import { loadBundledHandler } from './support/lambda';
import { newStack } from './support/cdk';
import { captureOutput } from './support/output';

type Json = any;
const order = (simulate?: Json) => ({ orderId: 'o-1', items: [{ sku: 'A', quantity: 2, price: 10 }], simulate });
const WORST = order({ failStep: 'create-shipment', failCompensation: 'reserve-inventory' });

/** USD per 1,000 executions of the durable function with this workload: every per-execution line, no alarms. */
function perThousand(durable: DurableFunction, operations: number, invocations: number): number {
  const load = { perMonth: 1000, seconds: 1.5, payloadBytes: 2048, perMonthGiven: true, coldStartShare: DEFAULT_COLD_START_SHARE, initSeconds: DEFAULT_INIT_SECONDS };
  const withWorkload = Object.create(durable, { workload: { value: { ...durable.workload, operationsPerExecution: operations, invocationsPerExecution: invocations } } });
  return sum(estimateDurableFunction(withWorkload, load, { prices: US_EAST_1_PRICES }).filter((l) => l.service !== 'CloudWatch'));
}

describe('the demo\'s durable saga: operations and cost per 1,000 executions', () => {
  beforeAll(() => LocalDurableTestRunner.setupTestEnvironment({ skipTime: true }));
  afterAll(() => LocalDurableTestRunner.teardownTestEnvironment());
  let afterAllRestore = () => {};
  afterAll(() => afterAllRestore());

  let metricLines: Array<Record<string, unknown>> = [];
  let counted: { happy: { operations: number; invocations: number }; worst: { operations: number; invocations: number } };
  beforeAll(async () => {
    // The saga's retry waits use full jitter; how many of them end an invocation in the local runner
    // depends on the drawn waits, so the count is measured with every draw at its maximum.
    const random = jest.spyOn(Math, 'random').mockReturnValue(0.999);
    afterAllRestore = () => random.mockRestore();
    const handler = loadBundledHandler<Json>('durable-function/order-saga');
    const run = async (input: Json) => {
      const execution = await new LocalDurableTestRunner({ handlerFunction: handler }).run({ payload: input });
      return { status: execution.getStatus(), operations: execution.getOperations().length, invocations: execution.getInvocations().length };
    };
    // The worst path's CompensationFailed metric goes to stdout as an EMF line (the handler's default): kept, not printed.
    const output = captureOutput();
    try {
      const happy = await run(order());
      const worst = await run(WORST);
      expect([happy.status, worst.status]).toEqual(['SUCCEEDED', 'FAILED']);
      counted = { happy, worst };
    } finally {
      output.restore();
    }
    metricLines = output.logs.filter((line) => 'CompensationFailed' in line);
  });

  test('the operation counts the demo declares are the ones the local runner counts', () => {
    expect(counted.happy).toEqual({ status: 'SUCCEEDED', operations: DURABLE_DEMO_OPERATIONS.happyPath, invocations: 1 });
    // 3 steps, 2 compensations (the last one failing after its 5 retries), RecordCompensationFailure;
    // with every jitter draw at its maximum, each of the failing compensation's 5 retry waits ends an
    // invocation, so the worst path takes 1 + 5 replays (shorter draws can let the runner merge some).
    expect(counted.worst).toMatchObject({ operations: DURABLE_DEMO_OPERATIONS.worstFailurePath, invocations: 6 });
    // Once, by the worst path's RecordCompensationFailure step, although that path replayed 5 times.
    expect(metricLines).toEqual([expect.objectContaining({
      CompensationFailed: 1, FunctionName: 'my-function-name',
      _aws: expect.objectContaining({ CloudWatchMetrics: [{ Namespace: 'CdkServerlessPatterns/Saga', Dimensions: [['FunctionName']], Metrics: [{ Name: 'CompensationFailed', Unit: 'Count' }] }] }),
    })]);
  });

  test('docs/durable-functions.md quotes the figures the cost estimator computes', () => {
    const stack = newStack();
    const durable = addDurableFunctionDemo(stack, new sns.Topic(stack, 'Alarms'));
    const saga = addSagaStateMachineDemo(stack, new sns.Topic(stack, 'SagaAlarms'));
    const happy = perThousand(durable, counted.happy.operations, counted.happy.invocations);
    const worst = perThousand(durable, counted.worst.operations, counted.worst.invocations);
    const figures = {
      durableHappy: `$${happy.toFixed(4)}`,
      durableWorst: `$${worst.toFixed(4)}`,
      stepFunctionsHappy: `$${saga.costEstimate.standardHappyPathPerThousand.toFixed(4)}`,
      stepFunctionsWorst: `$${saga.costEstimate.standardWorstFailurePathPerThousand.toFixed(4)}`,
    };
    const doc = readFileSync(join(__dirname, '..', 'docs', 'durable-functions.md'), 'utf8');
    const table = doc.split('\n').find((l) => l.startsWith('| demo order saga, per 1,000 executions |'));
    expect(table).toBe(`| demo order saga, per 1,000 executions | ${figures.durableHappy} | ${figures.durableWorst} | `
      + `${figures.stepFunctionsHappy} | ${figures.stepFunctionsWorst} |`);
    expect(durable.workload.dataWrittenPerExecution?.toBytes()).toBe(Size.kibibytes(4).toBytes());
  });
});
