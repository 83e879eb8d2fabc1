export * from './durable-function';
export * from './props';
export { DurableFunctionAlarms } from './alarms';
