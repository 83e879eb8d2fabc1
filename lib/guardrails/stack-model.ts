// The stack model lives in lib/analysis (constructs use it too); guardrail checks import it from here.
export * from '../analysis/stack-model';
