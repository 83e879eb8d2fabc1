export { GuardrailRule, GuardrailSeverity } from '../rules/ids';
export { ServerlessGuardrails, ServerlessGuardrailsProps } from './serverless-guardrails';
export { ConcurrencyBudget, ConcurrencyBudgetProps } from './concurrency-budget';
