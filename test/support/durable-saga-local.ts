// Runs a durable saga (packages/runtime/src/durable-saga.ts) with the durable execution SDK's local
// runner, recording every call of its actions and compensations in the same shape as
// test/support/saga-local.ts records the Step Functions tasks, so one scenario table can compare them.
import { withDurableExecution } from '@aws/durable-execution-sdk-js';
import { LocalDurableTestRunner, WaitingOperationStatus } from '@aws/durable-execution-sdk-js-testing';
import { CompensationFailedMetric, durableSaga, DurableSagaStep } from '../../packages/runtime/src/durable-saga';
import { lambdaContext } from './lambda';
import { Call, LocalService, recordedCall, Run, warmHandler } from './saga-local';

type Json = any;

/** A step of the scenario: the same names and handlers as the Step Functions saga. */
export interface StepSpec {
  readonly name: string;
  readonly action: string;
  readonly compensation?: string;
  readonly compensatesOwnFailure?: boolean;
  readonly retryErrors?: string[];
  /** A parallel group of these steps (then `action` is not used). */
  readonly parallel?: StepSpec[];
}

/** The order saga's steps over the bundled example handlers, and an order for them. */
export const RESERVE: StepSpec = { name: 'reserve-inventory', action: 'saga-state-machine/reserve-inventory', compensation: 'saga-state-machine/release-inventory' };
export const CHARGE: StepSpec = { name: 'charge-payment', action: 'saga-state-machine/charge-payment', compensation: 'saga-state-machine/refund-payment' };
export const SHIP: StepSpec = { name: 'create-shipment', action: 'saga-state-machine/create-shipment' };
export function order(simulate?: Json): Json {
  return { orderId: 'o-1', items: [{ sku: 'A', quantity: 2, price: 10 }, { sku: 'B', quantity: 1, price: 5.5 }], simulate };
}

export interface DurableRun extends Run {
  /** Handler invocations the runner recorded (`getInvocations()`): 1 + one per replay. */
  readonly invocations: number;
  /** What each invocation of the handler returned, in order: PENDING for a suspended one. */
  readonly invocationStatuses: string[];
  /** The durable execution ARN each invocation got, in order (the local runner's is a bare id). */
  readonly executionArns: string[];
  /** The interruptions that happened, in order (`interrupted-after-<step>`). */
  readonly interruptions: string[];
  readonly metricsPut: CompensationFailedMetric[];
}

export interface DurableOptions {
  /** Step name -> number of calls that throw ThrottlingException (a throttled AWS call inside the action). */
  readonly throttle?: Record<string, number>;
  /**
   * Steps after which the execution is interrupted: a callback step `interrupted-after-<step>` is
   * inserted there, and answered only after the invocation that reached it has returned PENDING
   * (the SDK suspends an invocation whose only work left is a callback nobody has answered), so
   * the answer starts a new invocation that replays the saga from the top. Nothing else answers
   * the callback, so the interruption happens every time.
   */
  readonly interruptAfter?: string[];
  /** Runs before every call of an action or compensation (a side-effect counter). */
  readonly onCall?: (state: string, idempotencyKey: string) => Promise<void>;
}

/** A throttled AWS call inside the action: the name the AWS SDK gives it. */
const recorded = (calls: Call[], state: string, target: LocalService, throttle = 0) =>
  recordedCall(calls, state, target, throttle, 'ThrottlingException');

const handlerOf = (asset: string): LocalService => (event) => warmHandler(asset)(event, lambdaContext(asset.replace('/', '-')));
const INTERRUPTION = 'interrupted-after-';

/** Builds the durable saga of `specs` over the bundled handlers and runs it once to its end. */
export async function executeDurable(specs: StepSpec[], input: Json, options: DurableOptions = {}): Promise<DurableRun> {
  const calls: Call[] = [];
  const metricsPut: CompensationFailedMetric[] = [];
  const counted = (state: string, target: LocalService): LocalService => async (event) => {
    await options.onCall?.(state, event.idempotencyKey);
    return target(event);
  };
  const toStep = (spec: StepSpec): DurableSagaStep => (spec.parallel ? { name: spec.name, parallel: spec.parallel.map(toStep) } : {
    name: spec.name,
    action: recorded(calls, spec.name, counted(spec.name, handlerOf(spec.action)), options.throttle?.[spec.name]),
    compensation: spec.compensation
      ? recorded(calls, `Compensate ${spec.name}`, counted(`Compensate ${spec.name}`, handlerOf(spec.compensation))) : undefined,
    compensatesOwnFailure: spec.compensatesOwnFailure,
    retry: spec.retryErrors ? { retryErrors: spec.retryErrors } : undefined,
  });
  // The interruption reached last, answered once its invocation has ended.
  let reached: string | undefined;
  const interruption = (step: string): DurableSagaStep[] => (options.interruptAfter?.includes(step) ? [{
    name: `${INTERRUPTION}${step}`,
    callback: { submit: async (_id, event) => { reached = event.step; }, timeoutSeconds: 3600 },
  }] : []);
  const steps: DurableSagaStep[] = specs.flatMap((spec) => [toStep(spec), ...interruption(spec.name)]);
  const saga = durableSaga({ steps, putMetric: (metric) => metricsPut.push(metric) });
  const executionArns: string[] = [];
  const durable = withDurableExecution(async (event: Json, context) => {
    executionArns.push(context.executionContext.durableExecutionArn);
    return saga(event, context);
  });
  const invocationStatuses: string[] = [];
  const interruptions: string[] = [];
  const handler = async (event: Json, context: Json) => {
    const returned = await durable(event, context);
    invocationStatuses.push(returned.Status);
    if (returned.Status === 'PENDING' && reached) {
      // The invocation is over (the SDK returned PENDING): answering now cannot resume it in
      // process; the runner starts the next invocation, which replays from the top.
      const name = reached;
      reached = undefined;
      interruptions.push(name);
      const pause = runner.getOperation(name);
      await pause.waitForData(WaitingOperationStatus.STARTED);
      await pause.sendCallbackSuccess(JSON.stringify('resumed'));
    }
    return returned;
  };
  const runner = new LocalDurableTestRunner({ handlerFunction: handler as unknown as typeof durable });
  const execution = await runner.run({ payload: input });
  const status = execution.getStatus() as string;
  const error = status === 'SUCCEEDED' ? undefined : execution.getError() as { errorType?: string; errorMessage?: string } | undefined;
  const output = status === 'SUCCEEDED' ? execution.getResult() : undefined;
  return {
    status: status === 'SUCCEEDED' ? 'SUCCEEDED' : status === 'TIMED_OUT' ? 'TIMED_OUT' : 'FAILED',
    output,
    error: error?.errorType,
    cause: error?.errorMessage,
    states: [],
    calls,
    metrics: [],
    invocations: execution.getInvocations().length,
    invocationStatuses,
    executionArns,
    interruptions,
    metricsPut,
  };
}
