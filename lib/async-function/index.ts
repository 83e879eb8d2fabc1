export * from './async-function';
