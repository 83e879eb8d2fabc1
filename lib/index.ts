export { HandlerCode } from './core/handler';
export { PatternFunctionProps } from './core/function';
export { PatternAlarmProps } from './core/alarms';
export * from './sqs-worker';
export * from './fan-out-pipeline';
export * from './async-function';
export * from './saga-state-machine';
export * from './provisioned-api';
export * from './guardrails';
