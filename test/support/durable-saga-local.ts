// Runs a durable saga (packages/runtime/src/durable-saga.ts) with the durable execution SDK's local
// runner, recording every call of its actions and compensations in the same shape as
// test/support/saga-local.ts records the Step Functions tasks, so one scenario table can compare them.
import { withDurableExecution } from '@aws/durable-execution-sdk-js';
import { LocalDurableTestRunner } from '@aws/durable-execution-sdk-js-testing';
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

export interface DurableRun extends Run {
  /** Handler invocations of the durable function (1 + one per replay). */
  readonly invocations: number;
  readonly metricsPut: CompensationFailedMetric[];
}

export interface DurableOptions {
  /** Step name -> number of calls that throw ThrottlingException (a throttled AWS call inside the action). */
  readonly throttle?: Record<string, number>;
  /** Extra steps (e.g. waits) to insert after the step of that name. */
  readonly after?: Record<string, DurableSagaStep[]>;
}

/** A throttled AWS call inside the action: the name the AWS SDK gives it. */
const recorded = (calls: Call[], state: string, target: LocalService, throttle = 0) =>
  recordedCall(calls, state, target, throttle, 'ThrottlingException');

const handlerOf = (asset: string): LocalService => (event) => warmHandler(asset)(event, lambdaContext(asset.replace('/', '-')));

/** Builds the durable saga of `specs` over the bundled handlers and runs it once to its end. */
export async function executeDurable(specs: StepSpec[], input: Json, options: DurableOptions = {}): Promise<DurableRun> {
  const calls: Call[] = [];
  const metricsPut: CompensationFailedMetric[] = [];
  const toStep = (spec: StepSpec): DurableSagaStep => (spec.parallel ? { name: spec.name, parallel: spec.parallel.map(toStep) } : {
    name: spec.name,
    action: recorded(calls, spec.name, handlerOf(spec.action), options.throttle?.[spec.name]),
    compensation: spec.compensation ? recorded(calls, `Compensate ${spec.name}`, handlerOf(spec.compensation)) : undefined,
    compensatesOwnFailure: spec.compensatesOwnFailure,
    retry: spec.retryErrors ? { retryErrors: spec.retryErrors } : undefined,
  });
  const steps: DurableSagaStep[] = specs.flatMap((spec) => [toStep(spec), ...options.after?.[spec.name] ?? []]);
  let invocations = 0;
  const saga = durableSaga({ steps, putMetric: (metric) => metricsPut.push(metric) });
  const handler = withDurableExecution(async (event: Json, context) => {
    invocations += 1;
    return saga(event, context);
  });
  const runner = new LocalDurableTestRunner({ handlerFunction: handler });
  const execution = await runner.run({ payload: input });
  const status = execution.getStatus() as string;
  const error = status === 'SUCCEEDED' ? undefined : execution.getError() as { errorType?: string; errorMessage?: string } | undefined;
  return {
    status: status === 'SUCCEEDED' ? 'SUCCEEDED' : status === 'TIMED_OUT' ? 'TIMED_OUT' : 'FAILED',
    output: status === 'SUCCEEDED' ? execution.getResult() : undefined,
    error: error?.errorType,
    cause: error?.errorMessage,
    states: [],
    calls,
    metrics: [],
    invocations,
    metricsPut,
  };
}
