export * from './saga-state-machine';
