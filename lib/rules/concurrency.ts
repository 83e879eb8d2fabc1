import { GuardrailRule, GuardrailSeverity } from './ids';
import { AWS_LIMITS } from './limits';
import { defineRule } from './rule';

/** One function's reserved concurrency, named by its path. */
export interface Reservation {
  readonly function: string;
  readonly reserved: number;
}

/** What the concurrency budget judges: the reserved concurrency of every function of one environment. */
export interface ConcurrencyBudgetFacts {
  readonly accountLimit?: number;
  readonly unreservedBuffer?: number;
  /** The reservations known at synth (a token is left out, see `concurrencyUnresolvedValueRule`). */
  readonly reservations?: Reservation[];
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '0%' : `${Math.round((part / whole) * 1000) / 10}%`;
}

/** Each reserving function with its share of the total, largest first. */
export function reservationShares(reservations: Reservation[]): string {
  const total = reservations.reduce((sum, r) => sum + r.reserved, 0);
  return [...reservations]
    .sort((a, b) => b.reserved - a.reserved || a.function.localeCompare(b.function))
    .map((r) => `${r.function} ${r.reserved} (${percent(r.reserved, total)} of reserved)`)
    .join(', ');
}

/**
 * The reserved concurrency of an environment (account and region) leaves at least the buffer of
 * the account limit unreserved, for every function without a reserve.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html
 */
export const concurrencyBudgetRule = defineRule<ConcurrencyBudgetFacts>({
  id: GuardrailRule.CONCURRENCY_BUDGET,
  defaultSeverity: GuardrailSeverity.ERROR,
  summary: `the functions of an environment leave the unreserved buffer (default ${AWS_LIMITS.unreservedConcurrency.min}) of the account concurrency limit unreserved`,
  check: ({ accountLimit, unreservedBuffer, reservations }) => {
    if (accountLimit === undefined || unreservedBuffer === undefined || reservations === undefined) return undefined;
    const total = reservations.reduce((sum, r) => sum + r.reserved, 0);
    const available = accountLimit - unreservedBuffer;
    if (total <= available) return undefined;
    return {
      rule: GuardrailRule.CONCURRENCY_BUDGET,
      message: `functions reserve ${total} of the account limit ${accountLimit}, leaving ${accountLimit - total} unreserved, `
        + `below the buffer of ${unreservedBuffer} every function without a reserve shares (Lambda rejects a reservation `
        + `leaving less than ${AWS_LIMITS.unreservedConcurrency.min}). Reserved by: ${reservationShares(reservations)}`,
      fix: `lower reserved concurrency by ${total - available} (prefer maxConcurrency on SQS event sources), or `
        + 'raise the quota and set accountLimit to it.',
    };
  },
});

/** What the budget needs of a stack: a concrete account and region. */
export interface BudgetEnvironmentFacts {
  readonly environmentResolved?: boolean;
}

/** The concurrency budget can place a stack in its account and region ("cannot tell" otherwise). */
export const concurrencyUnresolvedEnvironmentRule = defineRule<BudgetEnvironmentFacts>({
  id: GuardrailRule.CONCURRENCY_UNRESOLVED_ENVIRONMENT,
  defaultSeverity: GuardrailSeverity.WARNING,
  summary: 'a stack with reserved concurrency has a concrete account and region, so the budget adds it to the right environment',
  check: ({ environmentResolved }) => environmentResolved !== false ? undefined : {
    rule: GuardrailRule.CONCURRENCY_UNRESOLVED_ENVIRONMENT,
    message: 'the stack\'s account or region is unresolved (environment-agnostic), so its reserved concurrency is budgeted '
      + 'together with other environment-agnostic stacks only, not with the stacks of the account it is deployed to',
    fix: 'set env: { account, region } on the stack.',
  },
});

/** What the budget needs of a function: a reserved concurrency known at synth. */
export interface BudgetValueFacts {
  readonly reservedKnown?: boolean;
  /** What the reservations may add up to (account limit - buffer), for the fix. */
  readonly available?: number;
}

/** A reserved concurrency is a number at synth, so the budget can add it up ("cannot tell" otherwise). */
export const concurrencyUnresolvedValueRule = defineRule<BudgetValueFacts>({
  id: GuardrailRule.CONCURRENCY_UNRESOLVED_VALUE,
  defaultSeverity: GuardrailSeverity.WARNING,
  summary: 'reserved concurrency is known at synth, so the budget can add it up',
  check: ({ reservedKnown, available }) => reservedKnown !== false ? undefined : {
    rule: GuardrailRule.CONCURRENCY_UNRESOLVED_VALUE,
    message: 'reserved concurrency is only known at deploy time (a token), so the concurrency budget leaves it out',
    fix: `use a number, or check the sum against ${available ?? 'the account limit minus the buffer'} yourself.`,
  },
});
