import { Annotations, AspectPriority, Aspects, CfnResource, IAspect, Stack, Stage, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import { synthNote } from '../core/notes';
import { invalidProp, validateIntegerRange, warn } from '../core/validation';
import { concreteNumber, Json, StackModel } from '../analysis/stack-model';
import { renderTemplate } from './assembly';
import {
  concurrencyBudgetRule, concurrencyUnresolvedEnvironmentRule, concurrencyUnresolvedValueRule, reservationShares,
} from '../rules/concurrency';
import { describeViolation, RuleViolation } from '../rules/rule';
import { rejectUnknownProps } from '../core/known-props';
import { CONCURRENCY_BUDGET_PROPS } from './known-props';
import { AWS_LIMITS } from '../rules/limits';

/** Properties of a ConcurrencyBudget. */
export interface ConcurrencyBudgetProps {
  /**
   * The account's concurrent executions quota in each region (Lambda's default is 1000; ask for the
   * raised value with Service Quotas `L-B99A9384`).
   * @see https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html
   * @default 1000
   */
  readonly accountLimit?: number;
  /**
   * Concurrency that must stay unreserved for every function without a reserve. Lambda itself
   * refuses a reservation that leaves less than 100 unreserved.
   * @default 100
   */
  readonly unreservedBuffer?: number;
}

/** Annotation text of a budget rule's violation: `[<rule id>] <where>: <message>. Fix: <fix>`. */
function annotationText(where: string, violation: RuleViolation): string {
  return `[${violation.rule}] ${describeViolation(where, violation)}`;
}
const UNRESOLVED_ENVIRONMENT = 'unresolved environment';

interface Reservation {
  readonly fn: CfnResource;
  readonly reserved: number;
}

interface EnvironmentBudget {
  readonly stacks: Stack[];
  readonly reservations: Reservation[];
}

/**
 * Sums the reserved concurrency of every Lambda function per environment (account and region)
 * across all stacks under the scope it is added to (add it to the App to cover the whole app),
 * whoever created the functions (our constructs, `lambda.Function`, a plain `lambda.CfnFunction`) and
 * whatever changed them afterwards (`addPropertyOverride`, an escape hatch through `node.defaultChild`):
 * it reads each function as the synthesized template renders it.
 *
 * When the total leaves less than `unreservedBuffer` of `accountLimit`, every stack of that
 * environment holding a reserving function gets an error naming each function and its share.
 * Otherwise each stack of the environment that holds functions gets an info with the totals.
 *
 * Functions in nested Stages (e.g. CDK Pipelines stages) are summed too. Those Stages are
 * synthesized before the aspects of their parent run, so when an over-budget environment has no
 * reserving stack in the budget's own Stage, the budget throws the error instead of annotating.
 *
 * Stacks whose account or region is a token (environment-agnostic) cannot be placed: they are
 * budgeted together as one "unresolved environment" and each gets a warning saying so. A reserved
 * concurrency that is itself a token (e.g. a CfnParameter) is left out of the sum with a warning.
 *
 * @example
 * import { App } from 'aws-cdk-lib';
 * import { ConcurrencyBudget } from 'cdk-serverless-patterns';
 *
 * const app = new App();
 * ConcurrencyBudget.of(app, { accountLimit: 3000 });
 */
export class ConcurrencyBudget implements IAspect {
  /**
   * Adds a budget to `scope` (usually the App) and returns it. It runs with read-only priority,
   * after the aspects that change resources.
   */
  public static of(scope: IConstruct, props: ConcurrencyBudgetProps = {}): ConcurrencyBudget {
    const budget = new ConcurrencyBudget(props);
    Aspects.of(scope).add(budget, { priority: AspectPriority.READONLY });
    return budget;
  }

  /** The account's concurrency quota the budget assumes. */
  public readonly accountLimit: number;
  /** The concurrency that must stay unreserved. */
  public readonly unreservedBuffer: number;
  private readonly checkedRoots = new Set<IConstruct>();

  constructor(props: ConcurrencyBudgetProps = {}) {
    rejectUnknownProps({ node: { path: 'ConcurrencyBudget' } }, 'ConcurrencyBudget', props, CONCURRENCY_BUDGET_PROPS);
    this.accountLimit = props.accountLimit ?? AWS_LIMITS.accountConcurrency.default;
    this.unreservedBuffer = props.unreservedBuffer ?? AWS_LIMITS.unreservedConcurrency.min;
    const where = { node: { path: 'ConcurrencyBudget' } } as IConstruct;
    for (const [prop, value] of [['accountLimit', this.accountLimit], ['unreservedBuffer', this.unreservedBuffer]] as const) {
      if (Token.isUnresolved(value)) {
        invalidProp(where, prop, 'must be known at synth (given a token): the budget adds up reserved concurrency '
          + 'while the app synthesizes, before any parameter has a value', `pass ${prop} as a number`);
      }
    }
    validateIntegerRange(where, 'accountLimit', this.accountLimit, 1, 10_000_000);
    validateIntegerRange(where, 'unreservedBuffer', this.unreservedBuffer, 0, 10_000_000);
    if (this.unreservedBuffer >= this.accountLimit) {
      invalidProp(where, 'unreservedBuffer',
        `must be below accountLimit (given unreservedBuffer ${this.unreservedBuffer} >= accountLimit ${this.accountLimit})`,
        `lower unreservedBuffer (Lambda needs at least ${AWS_LIMITS.unreservedConcurrency.min} unreserved) or raise accountLimit to your quota`);
    }
  }

  public visit(node: IConstruct): void {
    // Aspects visit top-down: the first node seen is the scope the budget was added to.
    if (node.node.scopes.some((s) => this.checkedRoots.has(s))) return;
    this.checkedRoots.add(node);
    for (const [environment, budget] of this.collect(node)) this.judge(node, environment, budget);
  }

  private collect(root: IConstruct): Map<string, EnvironmentBudget> {
    const environments = new Map<string, EnvironmentBudget>();
    const warnedStacks = new Set<Stack>();
    const functions = root.node.findAll().filter((c): c is CfnResource =>
      CfnResource.isCfnResource(c) && c.cfnResourceType === lambda.CfnFunction.CFN_RESOURCE_TYPE_NAME);
    const reservedOf = renderedReservations(functions);
    for (const construct of functions) {
      const stack = Stack.of(construct);
      const key = environmentOf(stack);
      let budget = environments.get(key);
      if (!budget) {
        budget = { stacks: [], reservations: [] };
        environments.set(key, budget);
      }
      if (!budget.stacks.includes(stack)) budget.stacks.push(stack);

      if (!reservedOf.has(construct)) continue;
      const value = reservedOf.get(construct);
      const reserved = concreteNumber(value);
      const unknownValue = concurrencyUnresolvedValueRule.check({
        reservedKnown: reserved !== undefined, available: this.accountLimit - this.unreservedBuffer,
      });
      if (unknownValue || reserved === undefined) {
        if (unknownValue) warn(construct, unknownValue.rule, annotationText(construct.node.path, unknownValue));
        continue;
      }
      budget.reservations.push({ fn: construct, reserved });
      const unknownEnvironment = concurrencyUnresolvedEnvironmentRule.check({ environmentResolved: key !== UNRESOLVED_ENVIRONMENT });
      if (unknownEnvironment && !warnedStacks.has(stack)) {
        warnedStacks.add(stack);
        warn(stack, unknownEnvironment.rule, annotationText(stack.node.path, unknownEnvironment));
      }
    }
    return environments;
  }

  private judge(root: IConstruct, environment: string, budget: EnvironmentBudget): void {
    const reservations = budget.reservations.map((r) => ({ function: r.fn.node.path, reserved: r.reserved }));
    const total = reservations.reduce((sum, r) => sum + r.reserved, 0);
    const unreserved = this.accountLimit - total;
    const shares = reservationShares(reservations);
    const violation = concurrencyBudgetRule.check({ accountLimit: this.accountLimit, unreservedBuffer: this.unreservedBuffer, reservations });
    if (violation) {
      const message = annotationText(environment, violation);
      const reserving = budget.stacks.filter((stack) => budget.reservations.some((r) => Stack.of(r.fn) === stack));
      for (const stack of reserving) Annotations.of(stack).addError(message);
      // A nested Stage (e.g. a CDK Pipelines stage) writes its assembly before the aspects of its parent
      // run, so an annotation added here to its stacks is lost. If no stack of the budget's own Stage
      // carries the error, fail the synth with it instead of passing silently.
      const rootStage = Stage.isStage(root) ? root : Stage.of(root);
      if (!reserving.some((stack) => Stage.of(stack) === rootStage)) {
        throw new Error(`${root.node.path || 'App'}: ConcurrencyBudget: ${message} (reported here because the reserving `
          + `stacks ${reserving.map((s) => s.node.path).join(', ')} are in nested Stages, which are synthesized before `
          + 'this budget runs and would drop an annotation.)');
      }
      return;
    }
    const message = `[${concurrencyBudgetRule.id}] ${environment}: ${budget.reservations.length} function(s) reserve ${total} of the `
      + `account limit ${this.accountLimit}; ${unreserved} stay unreserved (buffer ${this.unreservedBuffer} kept)`
      + (shares ? `. Reserved by: ${shares}.` : '.');
    for (const stack of budget.stacks) synthNote(stack, concurrencyBudgetRule.id, message);
  }
}

/**
 * The `ReservedConcurrentExecutions` of each function that sets one, read from its stack's template
 * as synthesis renders it (`StackModel.fromTemplate`, the guardrails' template reader).
 */
function renderedReservations(functions: CfnResource[]): Map<CfnResource, Json> {
  const byStack = new Map<Stack, CfnResource[]>();
  for (const fn of functions) byStack.set(Stack.of(fn), [...byStack.get(Stack.of(fn)) ?? [], fn]);
  const reserved = new Map<CfnResource, Json>();
  for (const [stack, stackFunctions] of byStack) {
    const model = StackModel.fromTemplate(renderTemplate(stack, stackFunctions));
    for (const fn of stackFunctions) {
      const value = model.get(stack.resolve(fn.logicalId) as string)?.props.ReservedConcurrentExecutions;
      if (value !== undefined) reserved.set(fn, value);
    }
  }
  return reserved;
}

/** `account/region` of a stack, or the shared key of environment-agnostic stacks. */
function environmentOf(stack: Stack): string {
  if (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)) return UNRESOLVED_ENVIRONMENT;
  return `environment ${stack.account}/${stack.region}`;
}
