import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { FanOutPipeline } from '../../fan-out-pipeline';
import { header } from './common';
import { sqsWorkerRow } from './sqs-worker';

const FIVE_MINUTES = Duration.minutes(5);

/**
 * A FanOutPipeline: a title, the SNS topic's published and failed notifications (SNS source),
 * then one row per consumer: its worker's row with the delivery dead-letter queue beside the
 * worker's own DLQ, and the consumer's delivery alarm with the worker's alarms.
 */
export function renderFanOutPipeline(pipeline: FanOutPipeline): cloudwatch.IWidget[][] {
  const rows: cloudwatch.IWidget[][] = [[header('FanOutPipeline', pipeline, pipeline.topic ? 'SNS topic' : 'event bus')]];
  if (pipeline.topic) {
    rows.push([new cloudwatch.GraphWidget({
      title: 'Topic: published / failed notifications',
      left: [
        pipeline.topic.metricNumberOfMessagesPublished({ period: FIVE_MINUTES, label: 'published' }),
        pipeline.topic.metricNumberOfNotificationsFailed({ period: FIVE_MINUTES, label: 'failed' }),
      ],
      width: 24,
      height: 3,
    })]);
  }
  for (const consumer of pipeline.consumers) {
    rows.push([header('consumer', consumer)]);
    rows.push(sqsWorkerRow(consumer.worker, [['delivery DLQ', consumer.deliveryDeadLetterQueue]], consumer.alarms));
  }
  return rows;
}
