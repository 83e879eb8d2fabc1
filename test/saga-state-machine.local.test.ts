// Executes the synthesized saga definition with a local States Language interpreter
// (aws-local-stepfunctions), every Lambda task routed by state name to the real bundled handler,
// whose Powertools idempotency records go to a local DynamoDB (dynalite).
import { createHash } from 'crypto';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { addSagaStateMachineDemo } from '../examples/saga-state-machine';
import { SagaStateMachine, SagaStep } from '../lib';
import { LocalDynamo, startLocalDynamo } from './support/dynalite';
import { lambdaContext, loadBundledHandler } from './support/lambda';
import { demoServices as startDemoServices } from './support/saga-demo-services';
import {
  compensationsRun, definitionOf, execute as runSaga, LocalService, Options, ORDER_SAGA_HANDLERS, Run, STATE_MACHINE_ARN, StepHandler,
} from './support/saga-local';
import { TaskTokenService } from './support/task-token-service';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator = require('asl-validator') as (definition: unknown) => { isValid: boolean; errors: unknown[] };

type Json = any;
const TABLE = 'saga-idempotency';

const HANDLERS = ORDER_SAGA_HANDLERS;

/**
 * The demo's approval callback and its direct EventBridge/SNS steps, which the interpreter cannot
 * run: local substitutes that behave as the services would (see saga-state-machine-shapes.local.test.ts,
 * which tests them). The approval goes through the real bundled approval worker and task-token helper.
 */
let demoServices: Record<string, LocalService> = {};

function execute(definition: Json, input: Json, options: Options = {}): Promise<Run> {
  return runSaga(definition, input, { handlers: HANDLERS, services: demoServices, ...options });
}

function order(simulate?: Json): Json {
  return { orderId: 'o-1', items: [{ sku: 'A', quantity: 2, price: 10 }, { sku: 'B', quantity: 1, price: 5.5 }], simulate };
}

function fn(stack: Stack, id: string): lambda.IFunction {
  return lambda.Function.fromFunctionArn(stack, id, `arn:aws:lambda:us-east-1:123456789012:function:${id}`);
}

/** reserve -> charge -> ship, compensations on the first two, no compensatesOwnFailure. */
function plainSaga(): Json {
  const stack = new Stack(new App(), 'Plain', { env: { account: '123456789012', region: 'us-east-1' } });
  const steps: SagaStep[] = [
    { name: 'reserve-inventory', action: fn(stack, 'Reserve'), compensation: fn(stack, 'Release') },
    { name: 'charge-payment', action: fn(stack, 'Charge'), compensation: fn(stack, 'Refund') },
    { name: 'create-shipment', action: fn(stack, 'Ship') },
  ];
  new SagaStateMachine(stack, 'Saga', { steps });
  return definitionOf(stack);
}

/** Four steps; the second has no compensation, so a failure after it skips it in the rollback. */
function fourStepSaga(): Json {
  const stack = new Stack(new App(), 'Four', { env: { account: '123456789012', region: 'us-east-1' } });
  new SagaStateMachine(stack, 'Saga', {
    steps: [
      { name: 'reserve-inventory', action: fn(stack, 'Reserve'), compensation: fn(stack, 'Release') },
      { name: 'create-shipment', action: fn(stack, 'Ship') },
      { name: 'charge-payment', action: fn(stack, 'Charge'), compensation: fn(stack, 'Refund') },
      { name: 'send-confirmation', action: fn(stack, 'Confirm') },
    ],
  });
  return definitionOf(stack);
}
const FOUR_STEP_HANDLERS = { ...HANDLERS, 'send-confirmation': 'saga-state-machine/create-shipment' };

function demoSaga(): Json {
  const stack = new Stack(new App(), 'Demo', { env: { account: '123456789012', region: 'us-east-1' } });
  addSagaStateMachineDemo(stack, new sns.Topic(stack, 'Alarms'));
  return definitionOf(stack);
}

describe('SagaStateMachine executed locally with the bundled step handlers', () => {
  let dynamo: LocalDynamo;
  let tokens: TaskTokenService;
  beforeAll(async () => {
    dynamo = await startLocalDynamo();
    await dynamo.createIdempotencyTable(TABLE);
    process.env.IDEMPOTENCY_TABLE_NAME = TABLE;
    tokens = await TaskTokenService.start();
    demoServices = startDemoServices(tokens).services;
  });
  afterAll(async () => {
    delete process.env.IDEMPOTENCY_TABLE_NAME;
    await tokens.stop();
    await dynamo.stop();
  });

  const plain = plainSaga();
  const demo = demoSaga();
  const four = fourStepSaga();

  test('the synthesized definitions are valid ASL (asl-validator)', () => {
    for (const definition of [plain, demo, four]) {
      const result = aslValidator(structuredClone(definition));
      expect(result.errors).toEqual([]);
      expect(result.isValid).toBe(true);
    }
    // The validator is live: a dangling transition is reported.
    const broken = structuredClone(plain);
    broken.States['charge-payment failed'].Next = 'Compensate nothing';
    expect(aslValidator(broken).isValid).toBe(false);
  });

  test('the longest step name the saga accepts derives state names of at most 80 characters (asl-validator)', () => {
    const stack = new Stack(new App(), 'Long', { env: { account: '123456789012', region: 'us-east-1' } });
    const name = 'r'.repeat(62);
    new SagaStateMachine(stack, 'Saga', {
      steps: [{ name, action: fn(stack, 'Reserve'), compensation: fn(stack, 'Release') }, { name: 'ship', action: fn(stack, 'Ship') }],
    });
    const definition = definitionOf(stack);
    expect(Object.keys(definition.States)).toContain(`Compensate ${name} failed`);
    expect(aslValidator(structuredClone(definition)).errors).toEqual([]);
    // One character more, which the construct rejects at synth, breaks the state-name limit.
    const longer = JSON.parse(JSON.stringify(definition).split(name).join(`${name}r`));
    expect(aslValidator(longer).isValid).toBe(false);
  });

  test('all steps succeed: each result under $.results.<step>, idempotency keys per execution and step', async () => {
    const run = await execute(plain, order(), { executionName: 'order-o-1' });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.calls.map((c) => c.state)).toEqual(['reserve-inventory', 'charge-payment', 'create-shipment']);
    expect(run.output.input).toEqual(order());
    expect(run.output.results).toEqual({
      'reserve-inventory': { reservationId: expect.stringMatching(/^res-o-1-/), units: 3 },
      'charge-payment': { paymentId: expect.stringMatching(/^pay-o-1-/), amount: 25.5 },
      'create-shipment': { shipmentId: expect.stringMatching(/^ship-o-1-/) },
    });
    expect(run.calls.map((c) => c.event.idempotencyKey))
      .toEqual(['order-o-1:reserve-inventory', 'order-o-1:charge-payment', 'order-o-1:create-shipment']);
    // Later steps see earlier results.
    expect(run.calls[2].event.results['charge-payment']).toEqual(run.output.results['charge-payment']);
    expect(run.states).toEqual(['Start', 'reserve-inventory', 'charge-payment', 'create-shipment', 'Succeeded']);
  });

  test.each([
    [1, 'reserve-inventory', 'OutOfStockError', []],
    [2, 'charge-payment', 'PaymentDeclinedError', ['Compensate reserve-inventory']],
    [3, 'create-shipment', 'ShipmentRejectedError', ['Compensate charge-payment', 'Compensate reserve-inventory']],
  ])('failure at step %i (%s) runs exactly the compensations of steps k-1..1 in reverse, then SagaFailed',
    async (_k, step, errorName, expected) => {
      const run = await execute(plain, order({ failStep: step }));
      expect(run.status).toBe('FAILED');
      expect(compensationsRun(run)).toEqual(expected);
      // Business errors are not retried: one call of the failed action.
      expect(run.calls.filter((c) => c.state === step)).toHaveLength(1);
      expect(run.states[run.states.length - 1]).toBe('SagaFailed');
      expect(run.states).not.toContain('CompensationFailed');
      expect(run.error).toBe(`${step} failed: ${errorName}`);
      expect(run.cause).toContain(`step ${step} failed: {"Error":"${errorName}","Cause":`);
      expect(run.cause).toContain(`${step}: failed for order o-1 (simulated)`);
      expect(run.cause).toContain(expected.length
        ? `Compensated in reverse order: ${expected.map((s) => s.replace('Compensate ', '')).join(', ')}.`
        : 'Nothing to compensate.');
      expect(run.metrics).toEqual([]);
    });

  test.each([
    [1, 'reserve-inventory', 'OutOfStockError', []],
    [2, 'create-shipment', 'ShipmentRejectedError', ['Compensate reserve-inventory']],
    [3, 'charge-payment', 'PaymentDeclinedError', ['Compensate reserve-inventory']],
    [4, 'send-confirmation', 'ShipmentRejectedError', ['Compensate charge-payment', 'Compensate reserve-inventory']],
  ])('four steps, failure at step %i (%s): steps without a compensation are skipped in the rollback',
    async (k, step, errorName, expected) => {
      const run = await execute(four, order({ failStep: step }), { handlers: FOUR_STEP_HANDLERS });
      expect(run.status).toBe('FAILED');
      const actions = run.calls.filter((c) => !c.state.startsWith('Compensate ')).map((c) => c.state);
      expect(actions).toEqual(['reserve-inventory', 'create-shipment', 'charge-payment', 'send-confirmation'].slice(0, k));
      expect(compensationsRun(run)).toEqual(expected);
      expect(run.states[run.states.length - 1]).toBe('SagaFailed');
      expect(run.error).toBe(`${step} failed: ${errorName}`);
    });

  test('compensations undo what the completed steps returned, and see the failure', async () => {
    const run = await execute(plain, order({ failStep: 'create-shipment' }), { executionName: 'exec-1' });
    const reserved = run.calls.find((c) => c.state === 'reserve-inventory')!.result;
    const charged = run.calls.find((c) => c.state === 'charge-payment')!.result;
    const refund = run.calls.find((c) => c.state === 'Compensate charge-payment')!;
    const release = run.calls.find((c) => c.state === 'Compensate reserve-inventory')!;
    expect(refund.result).toEqual({ refunded: charged.paymentId, amount: 25.5 });
    expect(release.result).toEqual({ released: reserved.reservationId });
    expect(refund.event.idempotencyKey).toBe('exec-1:charge-payment:compensation');
    expect(refund.event.failure).toMatchObject({ step: 'create-shipment', originalError: 'ShipmentRejectedError' });
  });

  test('a step that compensates its own failure (demo: charge-payment) runs its compensation first', async () => {
    const run = await execute(demo, order({ failStep: 'charge-payment' }));
    expect(run.status).toBe('FAILED');
    expect(compensationsRun(run)).toEqual(['Compensate charge-payment', 'Compensate reserve-inventory']);
    // Nothing was charged, so the refund has nothing to undo.
    expect(run.calls.find((c) => c.state === 'Compensate charge-payment')!.result).toEqual({ refunded: null, amount: 0 });
    expect(run.error).toBe('charge-payment failed: PaymentDeclinedError');
  });

  test('a transient Lambda error (throttle) is retried and the step then succeeds', async () => {
    const run = await execute(plain, order(), { throttle: { 'charge-payment': 2 } });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.calls.filter((c) => c.state === 'charge-payment').map((c) => c.error ?? 'ok'))
      .toEqual(['Lambda.TooManyRequestsException', 'Lambda.TooManyRequestsException', 'ok']);
    expect(compensationsRun(run)).toEqual([]);
  });

  test('a throttle that outlasts the retries (3) fails the step like any other error', async () => {
    const run = await execute(plain, order(), { throttle: { 'charge-payment': 10 } });
    expect(run.status).toBe('FAILED');
    expect(run.calls.filter((c) => c.state === 'charge-payment')).toHaveLength(4);
    expect(compensationsRun(run)).toEqual(['Compensate reserve-inventory']);
    expect(run.error).toBe('charge-payment failed: Lambda.TooManyRequestsException');
  });

  test('a business error listed in retryErrors is retried (demo: reserve-inventory), unlisted it is not', async () => {
    const demoRun = await execute(demo, order({ unavailable: { 'reserve-inventory': 2 } }));
    expect(demoRun.status).toBe('SUCCEEDED');
    expect(demoRun.calls.filter((c) => c.state === 'reserve-inventory').map((c) => c.error ?? 'ok'))
      .toEqual(['ServiceUnavailableError', 'ServiceUnavailableError', 'ok']);

    const plainRun = await execute(plain, order({ unavailable: { 'reserve-inventory': 2 } }));
    expect(plainRun.status).toBe('FAILED');
    expect(plainRun.calls.filter((c) => c.state === 'reserve-inventory')).toHaveLength(1);
    expect(plainRun.error).toBe('reserve-inventory failed: ServiceUnavailableError');
  });

  test('a compensation that keeps failing is retried, then ends in CompensationFailed and puts the alarm metric', async () => {
    const run = await execute(plain, order({ failStep: 'create-shipment', failCompensation: 'charge-payment' }));
    expect(run.status).toBe('FAILED');
    // 1 call + 5 retries, all failing; the release never runs: the rollback stopped.
    expect(run.calls.filter((c) => c.state === 'Compensate charge-payment').map((c) => c.error))
      .toEqual(Array(6).fill('CompensationError'));
    expect(run.calls.map((c) => c.state)).not.toContain('Compensate reserve-inventory');
    expect(run.states.slice(-3)).toEqual(['Compensate charge-payment failed', 'RecordCompensationFailure', 'CompensationFailed']);
    expect(run.states).not.toContain('SagaFailed');
    expect(run.error).toBe('SagaCompensationFailed');
    expect(run.cause).toContain('compensation of step charge-payment failed after retries: {"Error":"CompensationError","Cause":');
    expect(run.cause).toContain('charge-payment: compensation failed for order o-1 (simulated)');
    expect(run.cause).toContain('Original failure: create-shipment failed: ShipmentRejectedError.');
    expect(run.cause).toContain('Not compensated: charge-payment, reserve-inventory.');
    expect(run.metrics).toEqual([{
      Namespace: SagaStateMachine.METRIC_NAMESPACE,
      MetricData: [{
        MetricName: SagaStateMachine.COMPENSATION_FAILED_METRIC,
        Unit: 'Count',
        Value: 1,
        Dimensions: [{ Name: 'StateMachineArn', Value: STATE_MACHINE_ARN }],
      }],
    }]);
  });

  test('a later compensation failing: earlier ones stay done, the cause lists only what is left', async () => {
    const run = await execute(plain, order({ failStep: 'create-shipment', failCompensation: 'reserve-inventory' }));
    expect(compensationsRun(run)).toEqual(['Compensate charge-payment']);
    expect(run.calls.filter((c) => c.state === 'Compensate reserve-inventory')).toHaveLength(6);
    expect(run.states[run.states.length - 1]).toBe('CompensationFailed');
    expect(run.error).toBe('SagaCompensationFailed');
    expect(run.cause).toMatch(/^compensation of step reserve-inventory failed after retries: \{"Error":"CompensationError",/);
    expect(run.cause).toMatch(/Original failure: create-shipment failed: ShipmentRejectedError\. Not compensated: reserve-inventory\.$/);
    expect(run.metrics).toHaveLength(1);
  });

  test('an invalid order fails the first step without retries or compensation', async () => {
    const run = await execute(plain, { orderId: 'o-2', items: [] });
    expect(run.calls.map((c) => c.state)).toEqual(['reserve-inventory']);
    expect(run.error).toBe('reserve-inventory failed: InvalidOrderError');
    expect(run.cause).toContain('order o-2 has no items');
  });

  /** The Powertools record of a key: id `<AWS_LAMBDA_FUNCTION_NAME>#<base64 md5 of the JSON key>`. */
  async function recordOf(functionName: string, idempotencyKey: string): Promise<Json | undefined> {
    const hash = createHash('md5').update(JSON.stringify(idempotencyKey)).digest('base64');
    const { Item } = await dynamo.client.send(new GetItemCommand({ TableName: TABLE, Key: { id: { S: `${functionName}#${hash}` } } }));
    return Item;
  }

  test('a repeated idempotency key returns the stored result from DynamoDB without running the step body again', async () => {
    const saved = { name: process.env.AWS_LAMBDA_FUNCTION_NAME, level: process.env.POWERTOOLS_LOG_LEVEL };
    const logs: Json[] = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        try { logs.push(JSON.parse(line)); } catch { /* not a log line */ }
      }
      return true;
    });
    try {
      // Read at cold start: the record prefix and the log level.
      Object.assign(process.env, { AWS_LAMBDA_FUNCTION_NAME: 'order-saga-reserve-inventory', POWERTOOLS_LOG_LEVEL: 'INFO' });
      const coldStart = () => loadBundledHandler<StepHandler>('saga-state-machine/reserve-inventory');
      const reserve = coldStart();
      const event = { step: 'reserve-inventory', idempotencyKey: 'exec-9:reserve-inventory', input: order(), results: {} };
      const context = lambdaContext('order-saga-reserve-inventory');

      const first = await reserve(event, context);
      const second = await reserve(event, context);
      const other = await reserve({ ...event, idempotencyKey: 'exec-10:reserve-inventory' }, context);
      // Another execution environment (a retry landing on a new instance) finds the same record.
      const elsewhere = await coldStart()(event, context);

      expect(first).toEqual({ reservationId: 'res-o-1-1', units: 3 });
      expect(second).toEqual(first);
      expect(elsewhere).toEqual(first);
      // The body's id sequence moved by one between the first and the other key: it ran once for exec-9.
      expect(other).toEqual({ reservationId: 'res-o-1-2', units: 3 });
      expect(logs.filter((l) => l.message === 'inventory reserved').map((l) => [l.idempotencyKey, l.replayed])).toEqual([
        ['exec-9:reserve-inventory', false],
        ['exec-9:reserve-inventory', true],
        ['exec-10:reserve-inventory', false],
        ['exec-9:reserve-inventory', true],
      ]);

      const record = await recordOf('order-saga-reserve-inventory', 'exec-9:reserve-inventory');
      expect(record?.status).toEqual({ S: 'COMPLETED' });
      expect(record?.data).toEqual({ M: { reservationId: { S: 'res-o-1-1' }, units: { N: '3' } } });
      const expiresIn = Number(record?.expiration.N) - Date.now() / 1000;
      expect(expiresIn).toBeGreaterThan(3500); // Powertools' default: one hour
      expect(expiresIn).toBeLessThan(3700);

      await expect(reserve({ ...event, idempotencyKey: '' }, context)).rejects.toMatchObject({ name: 'MissingIdempotencyKeyError' });
    } finally {
      jest.restoreAllMocks();
      if (saved.name === undefined) delete process.env.AWS_LAMBDA_FUNCTION_NAME; else process.env.AWS_LAMBDA_FUNCTION_NAME = saved.name;
      if (saved.level === undefined) delete process.env.POWERTOOLS_LOG_LEVEL; else process.env.POWERTOOLS_LOG_LEVEL = saved.level;
    }
  });

  test('with IDEMPOTENCY_KEY_PREFIX (the shared table) the step keys its record under that prefix, which its grant is limited to', async () => {
    process.env.IDEMPOTENCY_KEY_PREFIX = 'DemoOrderSagaStepschargepaymentA1B2C3D4';
    try {
      const charge = loadBundledHandler<StepHandler>('saga-state-machine/charge-payment');
      const event = { step: 'charge-payment', idempotencyKey: 'exec-12:charge-payment', input: order(), results: {} };
      await charge(event, lambdaContext('order-saga-charge-payment'));
      const record = await recordOf('DemoOrderSagaStepschargepaymentA1B2C3D4', 'exec-12:charge-payment');
      expect(record?.status).toEqual({ S: 'COMPLETED' });
    } finally {
      delete process.env.IDEMPOTENCY_KEY_PREFIX;
    }
  });

  test('without IDEMPOTENCY_TABLE_NAME the handler loads but every call fails before the step runs', async () => {
    delete process.env.IDEMPOTENCY_TABLE_NAME;
    try {
      const charge = loadBundledHandler<StepHandler>('saga-state-machine/charge-payment');
      const event = { step: 'charge-payment', idempotencyKey: 'exec-11:charge-payment', input: order(), results: {} };
      await expect(charge(event, lambdaContext())).rejects.toMatchObject({
        name: 'IdempotencyTableNotSetError',
        message: expect.stringContaining('IDEMPOTENCY_TABLE_NAME is not set'),
      });
    } finally {
      process.env.IDEMPOTENCY_TABLE_NAME = TABLE;
    }
  });

  test('an execution run again under the same name (same keys) replays every step: same results, no new work', async () => {
    const first = await execute(plain, order(), { executionName: 'order-o-7' });
    const again = await execute(plain, order(), { executionName: 'order-o-7' });
    expect(again.status).toBe('SUCCEEDED');
    // The ids come from a sequence in the warm handlers: a step that ran again would return a new one.
    expect(again.output.results).toEqual(first.output.results);
    const fresh = await execute(plain, order(), { executionName: 'order-o-8' });
    expect(fresh.output.results['charge-payment'].paymentId).not.toBe(first.output.results['charge-payment'].paymentId);
    for (const step of ['reserve-inventory', 'charge-payment', 'create-shipment']) {
      expect((await recordOf('', `order-o-7:${step}`))?.status).toEqual({ S: 'COMPLETED' });
    }
  });

  test('a failed attempt leaves no record, so its retry runs the body; the compensations are recorded', async () => {
    const run = await execute(demo, order({ failStep: 'create-shipment', unavailable: { 'reserve-inventory': 1 } }),
      { executionName: 'order-o-9' });
    expect(run.calls.filter((c) => c.state === 'reserve-inventory').map((c) => c.error ?? 'ok')).toEqual(['ServiceUnavailableError', 'ok']);
    expect(compensationsRun(run)).toEqual(['Compensate charge-payment', 'Compensate reserve-inventory']);
    expect((await recordOf('', 'order-o-9:reserve-inventory'))?.status).toEqual({ S: 'COMPLETED' });
    expect(await recordOf('', 'order-o-9:create-shipment')).toBeUndefined();
    expect((await recordOf('', 'order-o-9:charge-payment:compensation'))?.data)
      .toEqual({ M: { refunded: { S: run.calls.find((c) => c.state === 'charge-payment')!.result.paymentId }, amount: { N: '25.5' } } });
    expect((await recordOf('', 'order-o-9:reserve-inventory:compensation'))?.status).toEqual({ S: 'COMPLETED' });
  });
});
