export * from './saga-state-machine';
export { SagaRetry, SagaStep, SagaStateMachineProps } from './props';
export { SagaCostAssumptions, SagaCostEstimate } from './cost';
export { SagaTask, SagaTaskKind } from './saga-task';
export {
  SagaCallbackOptions, SagaQueueCallbackOptions, SagaDynamoWriteOptions, SagaDynamoPutItemOptions, SagaDynamoUpdateItemOptions,
  SagaDynamoDeleteItemOptions, SagaSqsSendMessageOptions, SagaSnsPublishOptions, SagaEventBridgePutEventsOptions,
} from './saga-task-options';
export { SagaStateMachineAlarms } from './alarms';
