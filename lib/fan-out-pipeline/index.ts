export { FanOutOrigin, FanOutSource, FanOutSourceKind } from './source';
export { ConsumerFilter, ConsumerFilterKind } from './filters';
export { FanOutConsumer, FanOutConsumerOptions } from './consumer';
export { FanOutPipeline, FanOutPipelineProps } from './fan-out-pipeline';
export { FanOutConsumerAlarms } from './alarms';
