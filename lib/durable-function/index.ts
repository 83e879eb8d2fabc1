export * from './durable-function';
export * from './props';
