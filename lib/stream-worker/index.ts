export { StreamWorker } from './stream-worker';
export { StreamWorkerProps, StreamWorkerIdempotencyProps } from './props';
export { StreamSource, KinesisSourceOptions, NewKinesisStreamOptions } from './stream-source';
export { StreamFailureDestination } from './failure-destination';
export { StreamWorkerAlarms } from './alarms';
