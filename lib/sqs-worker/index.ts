export * from './props';
export * from './sqs-worker';
