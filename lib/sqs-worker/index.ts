export * from './sqs-worker';
