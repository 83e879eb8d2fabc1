// Replay of the durable saga (packages/runtime/src/durable-saga.ts) under the durable execution
// SDK's local runner: an execution interrupted after a step ends its invocation there, and the next
// invocation runs the handler from the top, where completed steps must come back from their
// checkpoints instead of running again. The interruption is a callback step that the test answers
// only after the invocation that reached it has returned PENDING (test/support/durable-saga-local.ts),
// so it cannot be resolved inside the first invocation: every run below has more than one invocation.
// Each action and compensation counts its runs by idempotency key in a local DynamoDB (dynalite),
// before the bundled handler (whose Powertools idempotency would hide a second run) is called.
import { ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { LocalDurableTestRunner } from '@aws/durable-execution-sdk-js-testing';
import { CHARGE, DurableRun, executeDurable, order, RESERVE, SHIP, StepSpec } from './support/durable-saga-local';
import { LocalDynamo, startLocalDynamo } from './support/dynalite';
import { Call, compensationsRun } from './support/saga-local';

type Json = any;
const IDEMPOTENCY_TABLE = 'durable-replay-idempotency';
const RUNS_TABLE = 'durable-replay-runs';

const PLAIN = [RESERVE, CHARGE, SHIP];
/** The demo's choice: charge-payment compensates its own failure. */
const OWN_FAILURE = [RESERVE, { ...CHARGE, compensatesOwnFailure: true }, SHIP];

/** Without what only the interruption adds: the callback answers in `results`, per-process ids, the execution name. */
function comparable(value: unknown): Json {
  return JSON.parse(JSON.stringify(value ?? null, (key, v) => (key.startsWith('interrupted-after-') ? undefined : v))
    .replace(/(res|pay|ship)-o-(\d+)-\d+/g, '$1-o-$2-N')
    .replace(/"idempotencyKey":"[^":]+:/g, '"idempotencyKey":"EXECUTION:'));
}

const callSummary = (calls: Call[]) => calls.map((c) => `${c.state}${c.error ? ` (${c.error})` : ''}`);

describe('durable saga replay: interrupted after a step, the execution resumes in a new invocation without running completed steps again', () => {
  let dynamo: LocalDynamo;
  beforeAll(async () => {
    await LocalDurableTestRunner.setupTestEnvironment({ skipTime: true });
    dynamo = await startLocalDynamo();
    await dynamo.createIdempotencyTable(IDEMPOTENCY_TABLE);
    await dynamo.createIdempotencyTable(RUNS_TABLE);
    process.env.IDEMPOTENCY_TABLE_NAME = IDEMPOTENCY_TABLE;
  });
  afterAll(async () => {
    delete process.env.IDEMPOTENCY_TABLE_NAME;
    await dynamo.stop();
    await LocalDurableTestRunner.teardownTestEnvironment();
  });

  /** One more run of the action or compensation with this idempotency key. */
  const countRun = async (_state: string, idempotencyKey: string) => {
    await dynamo.client.send(new UpdateItemCommand({
      TableName: RUNS_TABLE, Key: { id: { S: idempotencyKey } }, UpdateExpression: 'ADD runs :one', ExpressionAttributeValues: { ':one': { N: '1' } },
    }));
  };

  /** Runs per idempotency key of one execution, from the table. */
  async function runsOf(execution: string): Promise<Record<string, number>> {
    const { Items = [] } = await dynamo.client.send(new ScanCommand({ TableName: RUNS_TABLE }));
    return Object.fromEntries(Items.filter((item) => item.id.S!.startsWith(`${execution}:`)).map((item) => [item.id.S!, Number(item.runs.N)]));
  }

  /** Interrupted `interruptAfter` and uninterrupted, the same saga and input. */
  async function runBoth(specs: StepSpec[], input: Json, interruptAfter: string[]): Promise<{ replayed: DurableRun; straight: DurableRun; execution: string }> {
    const replayed = await executeDurable(specs, input, { interruptAfter, onCall: countRun });
    const straight = await executeDurable(specs, input);
    // Every invocation ran the handler from the top, for the same execution: the keys' prefix. The
    // local runner's ARN is a bare id, which the saga takes whole (a real one: its execution name).
    expect(replayed.executionArns).toHaveLength(replayed.invocations);
    expect(new Set(replayed.executionArns).size).toBe(1);
    const execution = (replayed.calls[0].event.idempotencyKey as string).split(':')[0];
    expect(execution).toBe(replayed.executionArns[0]);
    return { replayed, straight, execution };
  }

  /** The interruptions happened, each ended an invocation, and the last invocation ended the execution. */
  function expectInterrupted(run: DurableRun, interruptAfter: string[], last: 'SUCCEEDED' | 'FAILED') {
    expect(run.interruptions).toEqual(interruptAfter.map((step) => `interrupted-after-${step}`));
    expect(run.invocations).toBeGreaterThan(1);
    expect(run.invocations).toBe(interruptAfter.length + 1);
    expect(run.invocationStatuses).toEqual([...interruptAfter.map(() => 'PENDING'), last]);
  }

  test.each([
    [['reserve-inventory']],
    [['charge-payment']],
    [['create-shipment']],
    [['reserve-inventory', 'charge-payment', 'create-shipment']],
  ])('every step succeeds, interrupted after %j: each action ran once, with its key', async (interruptAfter) => {
    const { replayed, straight, execution } = await runBoth(PLAIN, order(), interruptAfter);
    expect(replayed.status).toBe('SUCCEEDED');
    expectInterrupted(replayed, interruptAfter, 'SUCCEEDED');
    expect(straight.invocations).toBe(1);
    expect(callSummary(replayed.calls)).toEqual(['reserve-inventory', 'charge-payment', 'create-shipment']);
    expect(await runsOf(execution)).toEqual({
      [`${execution}:reserve-inventory`]: 1, [`${execution}:charge-payment`]: 1, [`${execution}:create-shipment`]: 1,
    });
    // Each step got what it gets without the interruption (the results of the steps before it,
    // returned from their checkpoints after the replay), and the saga's output is the same.
    expect(comparable(replayed.calls)).toEqual(comparable(straight.calls));
    expect(comparable(replayed.output)).toEqual(comparable(straight.output));
    expect(Object.keys(replayed.output.results)).toEqual(PLAIN.flatMap((s) => [s.name, ...interruptAfter.includes(s.name) ? [`interrupted-after-${s.name}`] : []]));
  });

  const SHIP_FAILS = ['reserve-inventory', 'charge-payment', 'create-shipment (ShipmentRejectedError)', 'Compensate charge-payment', 'Compensate reserve-inventory'];
  const ROLLBACKS: [string, StepSpec[], string, string[], string[]][] = [
    ['create-shipment fails', PLAIN, 'create-shipment', ['reserve-inventory'], SHIP_FAILS],
    ['create-shipment fails', PLAIN, 'create-shipment', ['charge-payment'], SHIP_FAILS],
    ['create-shipment fails', PLAIN, 'create-shipment', ['reserve-inventory', 'charge-payment'], SHIP_FAILS],
    ['charge-payment fails', PLAIN, 'charge-payment', ['reserve-inventory'],
      ['reserve-inventory', 'charge-payment (PaymentDeclinedError)', 'Compensate reserve-inventory']],
    ['charge-payment fails and compensates its own failure', OWN_FAILURE, 'charge-payment', ['reserve-inventory'],
      ['reserve-inventory', 'charge-payment (PaymentDeclinedError)', 'Compensate charge-payment', 'Compensate reserve-inventory']],
  ];
  test.each(ROLLBACKS.map(([title, ...rest]) => [`${title}, interrupted after ${rest[2].join(' and ')}`, ...rest] as const))(
    'rollback: %s: every action and compensation ran once, in the same order, with the same error', async (_title, specs, failStep, interruptAfter, expected) => {
    const { replayed, straight, execution } = await runBoth(specs, order({ failStep }), interruptAfter);
    expect(replayed.status).toBe('FAILED');
    expectInterrupted(replayed, interruptAfter, 'FAILED');
    expect(callSummary(replayed.calls)).toEqual(expected);
    expect(callSummary(straight.calls)).toEqual(expected);
    expect(compensationsRun(replayed)).toEqual(compensationsRun(straight));
    expect(replayed.error).toBe(straight.error);
    expect(replayed.cause).toBe(straight.cause);
    expect(replayed.error).toBe(`${failStep} failed: ${failStep === 'charge-payment' ? 'PaymentDeclinedError' : 'ShipmentRejectedError'}`);
    expect(comparable(replayed.calls)).toEqual(comparable(straight.calls));
    // One run per key: the failed step's own (its error is not retried), and `:compensation` for each undo.
    const keys = expected.map((call) => call.replace(/ \(.*\)$/, ''))
      .map((call) => (call.startsWith('Compensate ') ? `${execution}:${call.slice('Compensate '.length)}:compensation` : `${execution}:${call}`));
    expect(await runsOf(execution)).toEqual(Object.fromEntries(keys.map((key) => [key, 1])));
  });

  test('a compensation that keeps failing after a replay: retried as without one (6 runs), the others never run again, SagaCompensationFailed', async () => {
    const input = order({ failStep: 'create-shipment', failCompensation: 'charge-payment' });
    const { replayed, straight, execution } = await runBoth(PLAIN, input, ['charge-payment']);
    expect(replayed.status).toBe('FAILED');
    // The interruption ended the first invocation; the compensation's retry delays may end more.
    expect(replayed.interruptions).toEqual(['interrupted-after-charge-payment']);
    expect(replayed.invocations).toBeGreaterThanOrEqual(2);
    expect(replayed.invocationStatuses[0]).toBe('PENDING');
    expect(replayed.invocationStatuses.at(-1)).toBe('FAILED');
    expect(replayed.error).toBe('SagaCompensationFailed');
    expect(replayed.cause).toBe(straight.cause);
    expect(callSummary(replayed.calls)).toEqual(callSummary(straight.calls));
    expect(await runsOf(execution)).toEqual({
      [`${execution}:reserve-inventory`]: 1, [`${execution}:charge-payment`]: 1, [`${execution}:create-shipment`]: 1,
      [`${execution}:charge-payment:compensation`]: 6,
    });
    expect(replayed.metricsPut).toHaveLength(1);
  });
});
