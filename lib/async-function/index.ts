export { AsyncDestination, AsyncDestinationKind } from './destinations';
export * from './props';
export * from './async-function';
export { AsyncFunctionAlarms } from './alarms';
