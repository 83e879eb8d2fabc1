export * from './saga-state-machine';
export { SagaRetry, SagaStep, SagaStateMachineProps } from './props';
export { SagaCostAssumptions, SagaCostEstimate } from './cost';
export {
  SagaTask, SagaTaskKind, SagaCallbackOptions, SagaQueueCallbackOptions, SagaDynamoWriteOptions, SagaDynamoPutItemOptions, SagaDynamoUpdateItemOptions,
  SagaDynamoDeleteItemOptions, SagaSqsSendMessageOptions, SagaSnsPublishOptions, SagaEventBridgePutEventsOptions,
} from './saga-task';
export { SagaStateMachineAlarms } from './alarms';
