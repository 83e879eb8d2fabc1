import { CfnElement, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { IConstruct } from 'constructs';
import { SagaStateMachine } from '../../saga-state-machine';
import { logIngestion, stepFunctionsExpress, stepFunctionsStandard, type CostLine } from '../model';
import { alarmLines, functionLines, type EstimateContext, type Load } from './common';

/** Bytes of one execution history event in the log group, without execution data. */
const LOG_EVENT_BYTES = 400;

/** A function a task on the success path invokes, and its share of the execution's duration. */
export interface SagaPathFunction {
  /** Undefined for a function outside the app. */
  readonly function?: lambda.IFunction;
  /** The task runs the execution's duration divided by this (divided, so 1.5 s / 5 prints as 0.3 s). */
  readonly durationDivisor: number;
}

/** The success path of a saga's definition: the states entered, and the functions its tasks invoke. */
export interface SagaPath {
  /** States entered from StartAt to the end (Start, each step, Succeeded), parallel branches included. */
  readonly states: number;
  /** Task states on the path, parallel branches included. */
  readonly tasks: number;
  /**
   * The function of each Lambda task on the path, with its share of the duration: the execution is
   * split equally into sequential slots (a task, or a whole parallel group); every branch of a group
   * runs for the group's slot, shared equally by the tasks of that branch.
   */
  readonly functions: SagaPathFunction[];
  /** Bytes of the definition (Express bills memory in 64 MB chunks of definition + payload). */
  readonly definitionBytes: number;
}

interface Definition { readonly StartAt: string; readonly States: { [name: string]: State } }

/** The states from StartAt along Next (a Choice's Default) to a state that ends. */
function successPath(definition: Definition): State[] {
  const states: State[] = [];
  const seen = new Set<string>();
  for (let name: string | undefined = definition.StartAt; name && !seen.has(name); ) {
    seen.add(name);
    const state: State = definition.States[name];
    states.push(state);
    // A Choice on the success path (a group's "Check <group>") goes on by its Default: no branch failed.
    name = state.End || state.Type === 'Succeed' || state.Type === 'Fail' ? undefined : state.Type === 'Choice' ? state.Default : state.Next;
  }
  return states;
}

/**
 * Reads the success path from the state machine's definition (the L1 attribute, resolved): from
 * StartAt along Next to a state that ends, into each branch of a Parallel state. Tokens in the
 * definition are placeholders.
 */
export function sagaPath(saga: SagaStateMachine): SagaPath {
  const cfn = saga.stateMachine.node.defaultChild as sfn.CfnStateMachine;
  const stack = Stack.of(cfn);
  const resolved = stack.resolve(cfn.definitionString) as unknown;
  const parts = typeof resolved === 'string' ? [resolved] : (resolved as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  const tokens: unknown[] = [];
  const text = parts.map((p) => {
    if (typeof p === 'string') return p;
    tokens.push(p);
    return `@@${tokens.length - 1}@@`;
  }).join('');
  const top = successPath(JSON.parse(text) as Definition);
  const slots = top.filter((s) => s.Type === 'Task' || s.Type === 'Parallel').length;
  // A task names its function in Resource (payloadResponseOnly) or in Parameters.FunctionName (lambda:invoke).
  const invoked = (t: State) => functionOf(saga, t.Resource, tokens) ?? functionOf(saga, t.Parameters?.FunctionName, tokens);
  let states = 0;
  let tasks = 0;
  const functions: SagaPathFunction[] = [];
  for (const state of top) {
    states++;
    if (state.Type === 'Task') {
      tasks++;
      functions.push({ function: invoked(state), durationDivisor: slots });
    }
    for (const branch of state.Type === 'Parallel' ? state.Branches ?? [] : []) {
      const branchStates = successPath(branch);
      const branchTasks = branchStates.filter((s) => s.Type === 'Task');
      states += branchStates.length;
      tasks += branchTasks.length;
      functions.push(...branchTasks.map((t) => ({ function: invoked(t), durationDivisor: slots * branchTasks.length })));
    }
  }
  return { states, tasks, functions, definitionBytes: text.length };
}

interface State {
  readonly Type: string;
  readonly Next?: string;
  readonly Default?: string;
  readonly End?: boolean;
  readonly Resource?: string;
  readonly Parameters?: { FunctionName?: string };
  readonly Branches?: Definition[];
}

/** The function a task names by token (`{"Fn::GetAtt": [logicalId, "Arn"]}`), if defined in the app. */
function functionOf(scope: IConstruct, name: string | undefined, tokens: unknown[]): lambda.IFunction | undefined {
  const index = name?.match(/^@@(\d+)@@$/)?.[1];
  if (index === undefined) return undefined;
  const ref = tokens[Number(index)] as { 'Fn::GetAtt'?: [string, string]; 'Ref'?: string };
  if (typeof ref !== 'object' || ref === null) return undefined;
  const logicalId = ref['Fn::GetAtt']?.[0] ?? ref.Ref;
  const stack = Stack.of(scope);
  const cfn = stack.node.findAll().find((c) => c instanceof lambda.CfnFunction && CfnElement.isCfnElement(c)
    && stack.getLogicalId(c) === logicalId);
  const fn = cfn?.node.scope;
  return fn instanceof lambda.Function ? fn : undefined;
}

/**
 * A SagaStateMachine: STANDARD transitions (the saga's happy-path count; retries and
 * compensations are not priced) or EXPRESS requests and duration, the step functions (parallel
 * branches included; the execution's duration split into sequential slots, see SagaPath), the
 * execution log and alarms.
 */
export function estimateSagaStateMachine(saga: SagaStateMachine, load: Load, ctx: EstimateContext): CostLine[] {
  const path = sagaPath(saga);
  const cfn = saga.stateMachine.node.defaultChild as sfn.CfnStateMachine;
  const own = Stack.of(cfn).resolve(cfn.stateMachineType) === 'EXPRESS' ? 'EXPRESS' : 'STANDARD';
  const type = ctx.sagaType ?? own;
  const lines: CostLine[] = type === 'EXPRESS'
    ? stepFunctionsExpress(load.perMonth, load.seconds, path.definitionBytes + load.payloadBytes, ctx.prices)
    // Transitions per execution come from the saga's own count of its happy path (parallel branches
    // included), the one model of its states; this report prices them with its price table.
    : [stepFunctionsStandard(load.perMonth, saga.costEstimate.happyPathTransitions, ctx.prices)];

  for (const { function: fn, durationDivisor } of path.functions) {
    const stepLoad: Load = { ...load, seconds: load.seconds / durationDivisor, logBytes: undefined };
    if (fn) lines.push(...functionLines(fn, load.perMonth, load.perMonth, stepLoad, ctx, `step ${fn.node.id}`));
  }

  const logging = Stack.of(cfn).resolve(cfn.loggingConfiguration) as { level?: string; includeExecutionData?: boolean } | undefined;
  if (logging?.level && logging.level !== 'OFF') {
    // History events on the success path: execution started/succeeded, entered/exited per state,
    // scheduled/started/succeeded per task.
    const eventsPerExecution = 2 + 2 * saga.costEstimate.happyPathTransitions + 3 * path.tasks;
    const bytes = load.logBytes ?? eventsPerExecution * (LOG_EVENT_BYTES + (logging.includeExecutionData ? load.payloadBytes : 0));
    lines.push(logIngestion(load.perMonth, bytes, ctx.prices, `execution log, ${eventsPerExecution} events`));
  }
  lines.push(...alarmLines(saga.alarms, ctx));
  return lines;
}
