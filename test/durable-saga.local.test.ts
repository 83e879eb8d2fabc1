// One scenario table, two engines: each saga scenario runs against the synthesized SagaStateMachine
// definition (aws-local-stepfunctions) and against the durable saga of the runtime
// (@aws/durable-execution-sdk-js-testing's LocalDurableTestRunner, time skipped), both over the same
// bundled step handlers with Powertools idempotency on a local DynamoDB (dynalite). Outcomes,
// compensation order, errors, causes and the payloads the steps get must be identical.
import { withDurableExecution } from '@aws/durable-execution-sdk-js';
import { LocalDurableTestRunner, WaitingOperationStatus } from '@aws/durable-execution-sdk-js-testing';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { durableSaga, DurableSagaError } from '../packages/runtime/src/durable-saga';
import { SagaStateMachine, SagaStep } from '../lib';
import { CHARGE, executeDurable, order, RESERVE, SHIP, StepSpec } from './support/durable-saga-local';
import { LocalDynamo, startLocalDynamo } from './support/dynalite';
import { compensationsRun, definitionOf, execute, Run } from './support/saga-local';

type Json = any;
const TABLE = 'durable-saga-idempotency';

const CONFIRM: StepSpec = { name: 'send-confirmation', action: 'saga-state-machine/create-shipment' };

const PLAIN = [RESERVE, CHARGE, SHIP];
const FOUR = [RESERVE, SHIP, CHARGE, CONFIRM];
/** The demo's choices: reserve retries ServiceUnavailableError, charge compensates its own failure. */
const DEMO = [{ ...RESERVE, retryErrors: ['ServiceUnavailableError'] }, { ...CHARGE, compensatesOwnFailure: true }, SHIP];

/** The SagaStateMachine of the same steps, and its state name -> bundled handler routing. */
function stateMachineOf(specs: StepSpec[]): { definition: Json; handlers: Record<string, string> } {
  const stack = new Stack(new App(), 'Engines', { env: { account: '123456789012', region: 'us-east-1' } });
  const fn = (id: string) => lambda.Function.fromFunctionArn(stack, id, `arn:aws:lambda:us-east-1:123456789012:function:${id}`);
  const handlers: Record<string, string> = {};
  const toStep = (spec: StepSpec): SagaStep => {
    if (spec.parallel) return { name: spec.name, parallel: spec.parallel.map(toStep) };
    handlers[spec.name] = spec.action;
    if (spec.compensation) handlers[`Compensate ${spec.name}`] = spec.compensation;
    return {
      name: spec.name,
      action: fn(`${spec.name}-action`),
      compensation: spec.compensation ? fn(`${spec.name}-compensation`) : undefined,
      compensatesOwnFailure: spec.compensatesOwnFailure,
      retry: spec.retryErrors ? { retryErrors: spec.retryErrors } : undefined,
    };
  };
  const steps = specs.map(toStep);
  new SagaStateMachine(stack, 'Saga', { steps });
  return { definition: definitionOf(stack), handlers };
}

/** Ids carry a per-process sequence and keys the execution name: both differ between engines by design. */
function normalized(value: unknown): Json {
  return JSON.parse(JSON.stringify(value ?? null)
    .replace(/(res|pay|ship)-o-(\d+)-\d+/g, '$1-o-$2-N')
    .replace(/"idempotencyKey":"[^":]+:/g, '"idempotencyKey":"EXECUTION:'));
}

const actionsRun = (run: Run) => run.calls.filter((c) => !c.state.startsWith('Compensate ') && !c.error).map((c) => c.state);
const attempts = (run: Run, state: string) => run.calls.filter((c) => c.state === state).map((c) => c.error ?? 'ok');

interface Scenario {
  readonly steps: StepSpec[];
  readonly input: Json;
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly actions: string[];
  readonly compensations: string[];
  readonly error?: string;
  readonly cause?: RegExp;
}

const SCENARIOS: Record<string, Scenario> = {
  'every step succeeds': {
    steps: PLAIN, input: order(), status: 'SUCCEEDED', actions: ['reserve-inventory', 'charge-payment', 'create-shipment'], compensations: [],
  },
  'step 1 fails: nothing to compensate': {
    steps: PLAIN, input: order({ failStep: 'reserve-inventory' }), status: 'FAILED', actions: [], compensations: [],
    error: 'reserve-inventory failed: OutOfStockError', cause: /^step reserve-inventory failed: \{"Error":"OutOfStockError",.*\. Nothing to compensate\.$/,
  },
  'step 2 fails: step 1 compensated': {
    steps: PLAIN, input: order({ failStep: 'charge-payment' }), status: 'FAILED', actions: ['reserve-inventory'],
    compensations: ['Compensate reserve-inventory'], error: 'charge-payment failed: PaymentDeclinedError',
    cause: /Compensated in reverse order: reserve-inventory\.$/,
  },
  'step 3 fails: steps 2 and 1 compensated in reverse': {
    steps: PLAIN, input: order({ failStep: 'create-shipment' }), status: 'FAILED', actions: ['reserve-inventory', 'charge-payment'],
    compensations: ['Compensate charge-payment', 'Compensate reserve-inventory'], error: 'create-shipment failed: ShipmentRejectedError',
    cause: /Compensated in reverse order: charge-payment, reserve-inventory\.$/,
  },
  'four steps, step 4 fails: the step without a compensation is skipped': {
    steps: FOUR, input: order({ failStep: 'send-confirmation' }), status: 'FAILED',
    actions: ['reserve-inventory', 'create-shipment', 'charge-payment'],
    compensations: ['Compensate charge-payment', 'Compensate reserve-inventory'], error: 'send-confirmation failed: ShipmentRejectedError',
  },
  'a step that compensates its own failure runs its compensation first': {
    steps: DEMO, input: order({ failStep: 'charge-payment' }), status: 'FAILED', actions: ['reserve-inventory'],
    compensations: ['Compensate charge-payment', 'Compensate reserve-inventory'], error: 'charge-payment failed: PaymentDeclinedError',
  },
  'a business error listed in retryErrors is retried, then the saga succeeds': {
    steps: DEMO, input: order({ unavailable: { 'reserve-inventory': 2 } }), status: 'SUCCEEDED',
    actions: ['reserve-inventory', 'charge-payment', 'create-shipment'], compensations: [],
  },
  'the same business error, not listed, is not retried': {
    steps: PLAIN, input: order({ unavailable: { 'reserve-inventory': 2 } }), status: 'FAILED', actions: [], compensations: [],
    error: 'reserve-inventory failed: ServiceUnavailableError',
  },
  'a compensation that keeps failing ends in SagaCompensationFailed': {
    steps: PLAIN, input: order({ failStep: 'create-shipment', failCompensation: 'charge-payment' }), status: 'FAILED',
    actions: ['reserve-inventory', 'charge-payment'], compensations: [], error: 'SagaCompensationFailed',
    cause: /^compensation of step charge-payment failed after retries: \{"Error":"CompensationError",.*Original failure: create-shipment failed: ShipmentRejectedError\. Not compensated: charge-payment, reserve-inventory\.$/,
  },
  'a later compensation failing: earlier ones stay done': {
    steps: PLAIN, input: order({ failStep: 'create-shipment', failCompensation: 'reserve-inventory' }), status: 'FAILED',
    actions: ['reserve-inventory', 'charge-payment'], compensations: ['Compensate charge-payment'], error: 'SagaCompensationFailed',
    cause: /Not compensated: reserve-inventory\.$/,
  },
  'an invalid order fails the first step without retries': {
    steps: PLAIN, input: { orderId: 'o-2', items: [] }, status: 'FAILED', actions: [], compensations: [],
    error: 'reserve-inventory failed: InvalidOrderError',
  },
};

describe('one saga scenario table, two engines: Step Functions (aws-local-stepfunctions) and the durable saga (LocalDurableTestRunner)', () => {
  let dynamo: LocalDynamo;
  beforeAll(async () => {
    await LocalDurableTestRunner.setupTestEnvironment({ skipTime: true });
    dynamo = await startLocalDynamo();
    await dynamo.createIdempotencyTable(TABLE);
    process.env.IDEMPOTENCY_TABLE_NAME = TABLE;
  });
  afterAll(async () => {
    delete process.env.IDEMPOTENCY_TABLE_NAME;
    await dynamo.stop();
    await LocalDurableTestRunner.teardownTestEnvironment();
  });

  test.each(Object.entries(SCENARIOS))('%s', async (_title, scenario) => {
    const machine = stateMachineOf(scenario.steps);
    const sfn = await execute(machine.definition, scenario.input, { handlers: machine.handlers });
    const durable = await executeDurable(scenario.steps, scenario.input);
    for (const run of [sfn, durable] as Run[]) {
      expect(run.status).toBe(scenario.status);
      expect(actionsRun(run)).toEqual(scenario.actions);
      expect(compensationsRun(run)).toEqual(scenario.compensations);
      expect(run.error).toBe(scenario.error);
      if (scenario.cause) expect(run.cause).toMatch(scenario.cause);
    }
    // Identical, call by call: which handler ran, with which payload (compensations: the same
    // failure object), what it returned or threw; the same error and cause; the same output.
    expect(normalized(durable.calls)).toEqual(normalized(sfn.calls));
    expect(durable.cause).toBe(sfn.cause);
    expect(normalized(durable.output)).toEqual(normalized(sfn.output));
    // The compensation-failed metric: the state machine's RecordCompensationFailure task, the saga's EMF metric.
    const stuck = scenario.error === 'SagaCompensationFailed';
    expect(sfn.metrics).toHaveLength(stuck ? 1 : 0);
    expect(durable.metricsPut).toEqual(stuck
      ? [{ namespace: 'CdkServerlessPatterns/Saga', name: 'CompensationFailed', dimensions: { FunctionName: expect.any(String) }, value: 1 }]
      : []);
  });

  test.each([
    ['every branch and the next step complete', order(), 'SUCCEEDED', [], undefined],
    ['a branch fails: the other branch completes and is compensated', order({ failStep: 'charge-payment' }), 'FAILED',
      ['Compensate reserve-inventory'], 'g failed: charge-payment failed: PaymentDeclinedError'],
    ['the step after the group fails: both branches compensated, latest declared first', order({ failStep: 'create-shipment' }), 'FAILED',
      ['Compensate charge-payment', 'Compensate reserve-inventory'], 'create-shipment failed: ShipmentRejectedError'],
  ])('parallel group [reserve-inventory | charge-payment] -> create-shipment: %s', async (_title, input, status, compensations, error) => {
    const specs: StepSpec[] = [{ name: 'g', action: '', parallel: [RESERVE, CHARGE] }, SHIP];
    const machine = stateMachineOf(specs);
    const sfn = await execute(machine.definition, input, { handlers: machine.handlers });
    const durable = await executeDurable(specs, input);
    for (const run of [sfn, durable] as Run[]) {
      expect(run.status).toBe(status);
      expect(compensationsRun(run)).toEqual(compensations);
      expect(run.error).toBe(error);
    }
    expect(durable.cause).toBe(sfn.cause);
    // Branches run at the same time: the same calls, in either order within the group.
    const byState = (run: Run) => normalized(run.calls).sort((a: Json, b: Json) => a.state.localeCompare(b.state));
    expect(byState(durable)).toEqual(byState(sfn));
    // The state machine also keeps `branchFailures` in its state (README, Parallel steps): the results are the same.
    expect(normalized(durable.output?.results)).toEqual(normalized(sfn.output?.results));
  });

  test('idempotency keys: <execution>:<step> and <execution>:<step>:compensation, the execution name taken from the durable execution ARN', async () => {
    const durable = await executeDurable(PLAIN, order({ failStep: 'create-shipment' }));
    const keys = durable.calls.map((c) => c.event.idempotencyKey as string);
    const execution = keys[0].split(':')[0];
    expect(execution).toMatch(/^[\w-]+$/);
    expect(keys).toEqual([
      `${execution}:reserve-inventory`, `${execution}:charge-payment`, `${execution}:create-shipment`,
      `${execution}:charge-payment:compensation`, `${execution}:reserve-inventory:compensation`,
    ]);
  });

  test('a transient error is retried 3 times on both engines (a difference of source: a Lambda throttle vs a throttled AWS call in the code)', async () => {
    const machine = stateMachineOf(PLAIN);
    const sfn = await execute(machine.definition, order(), { handlers: machine.handlers, throttle: { 'charge-payment': 2 } });
    const durable = await executeDurable(PLAIN, order(), { throttle: { 'charge-payment': 2 } });
    expect(attempts(sfn, 'charge-payment')).toEqual(['Lambda.TooManyRequestsException', 'Lambda.TooManyRequestsException', 'ok']);
    expect(attempts(durable, 'charge-payment')).toEqual(['ThrottlingException', 'ThrottlingException', 'ok']);
    const sfnOut = await execute(machine.definition, order(), { handlers: machine.handlers, throttle: { 'charge-payment': 10 } });
    const durableOut = await executeDurable(PLAIN, order(), { throttle: { 'charge-payment': 10 } });
    expect(attempts(sfnOut, 'charge-payment')).toHaveLength(4);
    expect(attempts(durableOut, 'charge-payment')).toHaveLength(4);
    expect(durableOut.error).toBe('charge-payment failed: ThrottlingException');
    expect(compensationsRun(durableOut)).toEqual(compensationsRun(sfnOut));
  });

  test('compensations are retried 5 times (6 calls) on both engines before the saga gives up', async () => {
    const input = order({ failStep: 'create-shipment', failCompensation: 'charge-payment' });
    const machine = stateMachineOf(PLAIN);
    const sfn = await execute(machine.definition, input, { handlers: machine.handlers });
    const durable = await executeDurable(PLAIN, input);
    expect(attempts(sfn, 'Compensate charge-payment')).toEqual(Array(6).fill('CompensationError'));
    expect(attempts(durable, 'Compensate charge-payment')).toEqual(Array(6).fill('CompensationError'));
  });
});

describe('durable saga: callback steps, waits and parallel groups', () => {
  beforeAll(() => LocalDurableTestRunner.setupTestEnvironment({ skipTime: true }));
  afterAll(() => LocalDurableTestRunner.teardownTestEnvironment());

  function approvalSaga(log: string[], timeoutSeconds = 3600, heartbeatSeconds?: number) {
    return withDurableExecution(durableSaga({
      steps: [
        { name: 'reserve', action: async () => { log.push('reserve'); return { id: 'r-1' }; }, compensation: async (e) => { log.push(`release ${e.failure.error}`); } },
        { name: 'approve', callback: { submit: async (id, e) => { log.push(`submit ${e.idempotencyKey.split(':')[1]} ${id.length > 0}`); }, timeoutSeconds, heartbeatSeconds } },
        { name: 'cool-down', waitSeconds: 30 },
        { name: 'ship', action: async (e) => { log.push(`ship ${JSON.stringify(e.results.approve)}`); return 'shipped'; } },
      ],
    }));
  }

  test('a callback answered with success: its answer is the step result; the wait holds no compute', async () => {
    const log: string[] = [];
    const runner = new LocalDurableTestRunner({ handlerFunction: approvalSaga(log) });
    const running = runner.run({ payload: { orderId: 'o-1' } });
    const approve = runner.getOperation('approve');
    await runner.getOperation('approve submit').waitForData(WaitingOperationStatus.COMPLETED);
    await approve.sendCallbackSuccess(JSON.stringify({ approved: true, by: 'alice' }));
    const execution = await running;
    expect(execution.getStatus()).toBe('SUCCEEDED');
    expect(execution.getResult()).toEqual({ input: { orderId: 'o-1' }, results: { reserve: { id: 'r-1' }, approve: { approved: true, by: 'alice' }, ship: 'shipped' } });
    expect(log).toEqual(['reserve', 'submit approve true', 'ship {"approved":true,"by":"alice"}']);
    expect(runner.getOperation('cool-down').getWaitDetails()?.waitSeconds).toBe(30);
  });

  test('a callback answered with failure fails the step with the sent error and compensates', async () => {
    const log: string[] = [];
    const runner = new LocalDurableTestRunner({ handlerFunction: approvalSaga(log) });
    const running = runner.run({ payload: { orderId: 'o-2' } });
    const approve = runner.getOperation('approve');
    await runner.getOperation('approve submit').waitForData(WaitingOperationStatus.COMPLETED);
    await approve.sendCallbackFailure({ ErrorType: 'OrderRejectedError', ErrorMessage: 'over the limit' } as Json);
    const execution = await running;
    expect(execution.getStatus()).toBe('FAILED');
    expect(execution.getError()).toMatchObject({ errorType: 'approve failed: OrderRejectedError' });
    expect(execution.getError()?.errorMessage).toBe(
      'step approve failed: {"Error":"OrderRejectedError","Cause":"over the limit"}. Compensated in reverse order: reserve.');
    expect(log).toEqual(['reserve', 'submit approve true', 'release approve failed: OrderRejectedError']);
  });

  // The local runner waits out callback timeouts in real time (skipTime skips waits, not these): 2 s each.
  test.each([
    ['nobody answers: times out as States.Timeout (the state machine\'s error)', 2, undefined, 'States.Timeout'],
    ['the worker stops heartbeating: fails as States.HeartbeatTimeout before its timeout', 3600, 2, 'States.HeartbeatTimeout'],
  ])('a callback %s, and the saga compensates', async (_title, timeoutSeconds, heartbeatSeconds, error) => {
    const log: string[] = [];
    const runner = new LocalDurableTestRunner({ handlerFunction: approvalSaga(log, timeoutSeconds, heartbeatSeconds) });
    const execution = await runner.run({ payload: { orderId: 'o-3' } });
    expect(execution.getStatus()).toBe('FAILED');
    expect(execution.getError()?.errorType).toBe(`approve failed: ${error}`);
    expect(log).toEqual(['reserve', 'submit approve true', `release approve failed: ${error}`]);
  }, 20_000);

  test('parallel group: every branch finishes, the completed ones are compensated latest declared first, then the earlier steps', async () => {
    const log: string[] = [];
    const step = (name: string, fail = false) => ({
      name,
      action: async () => { log.push(name); if (fail) throw Object.assign(new Error(`${name} declined`), { name: 'DeclinedError' }); return `${name}-done`; },
      compensation: async () => { log.push(`undo ${name}`); },
    });
    const handler = withDurableExecution(durableSaga({ steps: [step('P'), { name: 'g', parallel: [step('A', true), step('B'), step('C')] }, step('N')] }));
    const execution = await new LocalDurableTestRunner({ handlerFunction: handler }).run({ payload: {} });
    expect(execution.getStatus()).toBe('FAILED');
    expect(execution.getError()?.errorType).toBe('g failed: A failed: DeclinedError');
    expect(execution.getError()?.errorMessage).toBe('step g failed: 1 of 3 branches failed, the first: branch A of g failed: '
      + '{"Error":"DeclinedError","Cause":"A declined"}. Compensated in reverse order: C (if completed), B (if completed), A (if completed), P.');
    expect(log.filter((l) => l.startsWith('undo'))).toEqual(['undo C', 'undo B', 'undo P']);
    expect([...log.slice(1, 4)].sort()).toEqual(['A', 'B', 'C']);
    expect(log).not.toContain('N');
  });

  test('invalid sagas are rejected when the handler module loads', () => {
    const action = async () => 1;
    expect(() => durableSaga({ steps: [] })).toThrow('durableSaga: steps must hold at least one step');
    expect(() => durableSaga({ steps: [{ name: 'a', action }, { name: 'a', action }] })).toThrow("durableSaga: step name 'a' is used twice");
    expect(() => durableSaga({ steps: [{ name: 'cb', callback: { submit: async () => undefined, timeoutSeconds: 0 } }] }))
      .toThrow("durableSaga: callback step 'cb' needs timeoutSeconds of at least 1");
    expect(() => durableSaga({ steps: [{ name: 'w', waitSeconds: 5, compensation: action }] })).toThrow("durableSaga: wait step 'w' needs");
    expect(() => durableSaga({ steps: [{ name: 'g', parallel: [{ name: 'x', action }] }] })).toThrow("durableSaga: group 'g' needs 2 to 10 branches");
    expect(new DurableSagaError('x failed: Y', 'cause')).toMatchObject({ name: 'x failed: Y', message: 'cause' });
  });
});

