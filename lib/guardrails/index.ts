export { GuardrailRule, GuardrailSeverity } from './rule';
export { ServerlessGuardrails, ServerlessGuardrailsProps } from './serverless-guardrails';
export { ConcurrencyBudget, ConcurrencyBudgetProps } from './concurrency-budget';
