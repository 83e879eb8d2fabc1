export * from './fan-out-pipeline';
