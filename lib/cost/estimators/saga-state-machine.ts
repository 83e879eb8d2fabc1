import { CfnElement, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { IConstruct } from 'constructs';
import { SagaStateMachine } from '../../saga-state-machine';
import { logIngestion, stepFunctionsExpress, stepFunctionsStandard, type CostLine } from '../model';
import { alarmLines, functionLines, type EstimateContext, type Load } from './common';

/** Bytes of one execution history event in the log group, without execution data. */
const LOG_EVENT_BYTES = 400;

/** The success path of a saga's definition: the states entered, and the functions its tasks invoke. */
export interface SagaPath {
  /** States entered from StartAt to the end (Start, each step, Succeeded): one transition each. */
  readonly states: number;
  /** Task states on the path. */
  readonly tasks: number;
  /** The function each task on the path invokes (undefined for a function outside the app). */
  readonly functions: Array<lambda.IFunction | undefined>;
  /** Bytes of the definition (Express bills memory in 64 MB chunks of definition + payload). */
  readonly definitionBytes: number;
}

/**
 * Reads the success path from the state machine's definition (the L1 attribute, resolved): from
 * StartAt along Next to a state that ends. Tokens in the definition are placeholders.
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
  const definition = JSON.parse(text) as { StartAt: string; States: { [name: string]: State } };
  const states: State[] = [];
  const seen = new Set<string>();
  for (let name: string | undefined = definition.StartAt; name && !seen.has(name); ) {
    seen.add(name);
    const state: State = definition.States[name];
    states.push(state);
    name = state.End || state.Type === 'Succeed' || state.Type === 'Fail' ? undefined : state.Next;
  }
  const tasks = states.filter((s) => s.Type === 'Task');
  return {
    states: states.length,
    tasks: tasks.length,
    // A task names its function in Resource (payloadResponseOnly) or in Parameters.FunctionName (lambda:invoke).
    functions: tasks.map((t) => functionOf(saga, t.Resource, tokens) ?? functionOf(saga, t.Parameters?.FunctionName, tokens)),
    definitionBytes: text.length,
  };
}

interface State {
  readonly Type: string;
  readonly Next?: string;
  readonly End?: boolean;
  readonly Resource?: string;
  readonly Parameters?: { FunctionName?: string };
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
 * compensations are not priced) or EXPRESS requests and duration, the step functions (the
 * execution's duration shared equally by its tasks), the execution log and alarms.
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

  const stepLoad: Load = { ...load, seconds: path.tasks > 0 ? load.seconds / path.tasks : load.seconds, logBytes: undefined };
  path.functions.forEach((fn) => {
    if (fn) lines.push(...functionLines(fn, load.perMonth, load.perMonth, stepLoad, ctx, `step ${fn.node.id}`));
  });

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
