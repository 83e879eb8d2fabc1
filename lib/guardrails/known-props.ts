import { type KnownProps } from '../core/known-props';
import type { ConcurrencyBudgetProps } from './concurrency-budget';
import type { ServerlessGuardrailsProps } from './serverless-guardrails';

/** The keys of `ServerlessGuardrailsProps`. */
export const SERVERLESS_GUARDRAILS_PROPS: KnownProps<ServerlessGuardrailsProps> = {
  severities: true,
};

/** The keys of `ConcurrencyBudgetProps`. */
export const CONCURRENCY_BUDGET_PROPS: KnownProps<ConcurrencyBudgetProps> = {
  accountLimit: true, unreservedBuffer: true,
};
