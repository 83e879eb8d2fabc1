// Runs synthesized saga definitions with a local States Language interpreter
// (aws-local-stepfunctions). Task states are routed by state name: to a real bundled handler
// (assets/), or to a local function that behaves as the AWS service behind the state would.
import { App, Stack } from 'aws-cdk-lib';
import { StateMachine } from 'aws-local-stepfunctions';
import { lambdaContext, loadBundledHandler } from './lambda';

type Json = any;
export type StepHandler = (event: Json, context: ReturnType<typeof lambdaContext>) => Promise<Json>;
/** A local substitute of the service behind one Task state: gets the state's effective Parameters. */
export type LocalService = (parameters: Json) => Promise<Json>;
export const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:OrderSaga';

/** The order saga's Lambda states -> the bundled example handlers. */
export const ORDER_SAGA_HANDLERS: Record<string, string> = {
  'reserve-inventory': 'saga-state-machine/reserve-inventory',
  'Compensate reserve-inventory': 'saga-state-machine/release-inventory',
  'charge-payment': 'saga-state-machine/charge-payment',
  'Compensate charge-payment': 'saga-state-machine/refund-payment',
  'create-shipment': 'saga-state-machine/create-shipment',
};

/**
 * The ASL of the stack's state machine: DefinitionString's Fn::Join resolved, function ARNs made
 * up from logical ids (`arn:aws:lambda:us-east-1:123456789012:function:<id>`), other references
 * as `local:<logical id>` (queue URLs, topic ARNs, table names).
 */
export function definitionOf(stack: Stack): Json {
  const template = App.of(stack)!.synth().getStackByName(stack.stackName).template;
  const machines = Object.values(template.Resources as Record<string, Json>)
    .filter((r) => r.Type === 'AWS::StepFunctions::StateMachine');
  expect(machines).toHaveLength(1);
  const [separator, parts] = machines[0].Properties.DefinitionString['Fn::Join'];
  const pseudo: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::Region': 'us-east-1', 'AWS::AccountId': '123456789012', 'AWS::URLSuffix': 'amazonaws.com' };
  const text = (parts as Json[]).map((part) => {
    if (typeof part === 'string') return part;
    if (part['Fn::GetAtt']) return `arn:aws:lambda:us-east-1:123456789012:function:${part['Fn::GetAtt'][0]}`;
    if (part.Ref && pseudo[part.Ref]) return pseudo[part.Ref];
    if (part.Ref) return `local:${part.Ref}`;
    throw new Error(`unexpected token in definition: ${JSON.stringify(part)}`);
  }).join(separator);
  return JSON.parse(text);
}

export interface Call { state: string; event: Json; result?: Json; error?: string }

export interface Run {
  readonly status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  readonly output?: Json;
  readonly error?: string;
  readonly cause?: string;
  /** Names of the states entered, in order (from the interpreter's event log), Parallel branches included. */
  readonly states: string[];
  /** Task states whose handler was called, in order, with each call's outcome. */
  readonly calls: Call[];
  /** PutMetricData calls of the RecordCompensationFailure state. */
  readonly metrics: Json[];
}

export interface Options {
  /** State name -> number of calls the simulated Lambda service throttles before the function runs. */
  readonly throttle?: Record<string, number>;
  /** Default: a name no other execution of this process uses, so idempotency keys never collide. */
  readonly executionName?: string;
  /** Task state name -> bundled handler asset. */
  readonly handlers?: Record<string, string>;
  /** Task state name -> local substitute of the service behind it. */
  readonly services?: Record<string, LocalService>;
  /** The value of `$$.Task.Token` (the interpreter has none of its own). */
  readonly taskToken?: string;
}

/**
 * One instance of each bundled handler per test file, like a warm function serving many
 * executions: its idempotency records (dynalite) and simulated attempt counts persist between
 * runs, so every run needs its own execution name. Loaded on first use.
 */
const warmHandlers = new Map<string, StepHandler>();
export function warmHandler(asset: string): StepHandler {
  if (!warmHandlers.has(asset)) warmHandlers.set(asset, loadBundledHandler<StepHandler>(asset));
  return warmHandlers.get(asset)!;
}
let executions = 0;

/**
 * `target` recording each call in `calls` (event, then result or error name); its first
 * `throttle` calls throw `throttleError` before the target runs.
 */
export function recordedCall(calls: Call[], state: string, target: LocalService, throttle: number, throttleError: string): LocalService {
  let count = 0;
  return async (event) => {
    const call: Call = { state, event };
    calls.push(call);
    if (++count <= throttle) {
      call.error = throttleError;
      throw Object.assign(new Error('Rate Exceeded.'), { name: throttleError });
    }
    try {
      call.result = await target(event);
      return call.result;
    } catch (error) {
      call.error = (error as Error).name;
      throw error;
    }
  };
}

export async function execute(definition: Json, input: Json, options: Options = {}): Promise<Run> {
  const calls: Call[] = [];
  const metrics: Json[] = [];
  const taskResourceLocalHandlers: Record<string, (event: Json) => Promise<Json>> = {};
  const retryIntervalOverrides: Record<string, number> = {};
  const targets: Record<string, LocalService> = {};
  for (const [state, asset] of Object.entries(options.handlers ?? {})) {
    targets[state] = (event) => warmHandler(asset)(event, lambdaContext(asset.replace('/', '-')));
  }
  Object.assign(targets, options.services ?? {});
  for (const [state, target] of Object.entries(targets)) {
    retryIntervalOverrides[state] = 0;
    // What the Lambda service raises before the function runs.
    taskResourceLocalHandlers[state] = recordedCall(calls, state, target, options.throttle?.[state] ?? 0, 'Lambda.TooManyRequestsException');
  }
  retryIntervalOverrides.RecordCompensationFailure = 0;
  taskResourceLocalHandlers.RecordCompensationFailure = async (params) => { metrics.push(params); return {}; };

  const machine = new StateMachine(definition);
  const name = options.executionName ?? `run-${++executions}`;
  const execution = machine.run(input, {
    overrides: { taskResourceLocalHandlers, retryIntervalOverrides },
    context: {
      Execution: { Name: name },
      StateMachine: { Id: STATE_MACHINE_ARN, Name: 'OrderSaga' },
      Task: { Token: options.taskToken ?? `context-token-${name}` },
    } as Json,
  });
  const states: string[] = [];
  const collect = (async () => {
    for await (const event of execution.eventLogs) if (event.type === 'StateEntered') states.push(event.state.name);
  })();
  try {
    const output = await execution.result;
    await collect;
    return { status: 'SUCCEEDED', output, states, calls, metrics };
  } catch (error) {
    await collect;
    const failure = (error as Error & { cause?: Error }).cause;
    const timedOut = (error as Error).name === 'ExecutionTimeoutError';
    return { status: timedOut ? 'TIMED_OUT' : 'FAILED', error: failure?.name, cause: failure?.message, states, calls, metrics };
  }
}

/** Compensation calls that succeeded, in order. */
export const compensationsRun = (run: Run) => run.calls.filter((c) => c.state.startsWith('Compensate ') && !c.error).map((c) => c.state);
