import type { PatternAlarmOptions } from '../core/alarms';

/**
 * Settings of the alarm a FanOutPipeline consumer creates for its delivery path (the consumer's
 * SqsWorker alarms are set with `worker.alarms`).
 * @see https://github.com/cdk-serverless-patterns/cdk-serverless-patterns/blob/main/docs/alarms.md
 */
export interface FanOutConsumerAlarms {
  /**
   * `DeliveryDeadLetterQueueAlarm`: messages SNS or EventBridge could not deliver to the consumer's
   * queue (messages visible in the delivery dead-letter queue, maximum), "greater than or equal".
   * @default - threshold 1 message, period 1 minute, 1 evaluation period
   */
  readonly deliveryDeadLetterQueue?: PatternAlarmOptions;
}
