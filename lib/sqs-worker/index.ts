export * from './props';
export * from './sqs-worker';
export { SqsWorkerAlarms } from './alarms';
