export * from './source';
export * from './filters';
export * from './consumer';
export * from './fan-out-pipeline';
