import { PATTERN_ALARM_PROPS, type KnownProps } from '../core/known-props';
import type { FanOutConsumerOptions } from './consumer';
import type { FanOutPipelineProps } from './fan-out-pipeline';
import type { FanOutConsumerAlarms } from './alarms';

/** The keys of `FanOutPipelineProps`. */
export const FAN_OUT_PIPELINE_PROPS: KnownProps<FanOutPipelineProps> = {
  ...PATTERN_ALARM_PROPS, source: true, consumers: true, origin: true, expectedLoad: true,
};

/** The keys of `FanOutConsumerOptions`. */
export const FAN_OUT_CONSUMER_OPTIONS: KnownProps<FanOutConsumerOptions> = {
  alarms: true,
  name: true, handler: true, filter: true, worker: true, acknowledgeOriginBucketWrites: true,
};

/** The keys of `FanOutConsumerAlarms`. */
export const FAN_OUT_CONSUMER_ALARMS: KnownProps<FanOutConsumerAlarms> = {
  deliveryDeadLetterQueue: true,
};
