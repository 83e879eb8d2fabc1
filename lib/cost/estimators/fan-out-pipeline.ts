import { FanOutPipeline } from '../../fan-out-pipeline';
import { eventBridgeEvents, kmsRequests, snsPublishes, type CostLine } from '../model';
import { alarmLines, resolveLoad, type EstimateContext, type Load } from './common';
import { estimateSqsWorker } from './sqs-worker';

/**
 * A FanOutPipeline: publishes to the topic (or custom events on a bus), the topic key's
 * requests, then each consumer as an SqsWorker with its own load (its `worker.expectedLoad`, or
 * every published message) and its delivery dead-letter alarm.
 */
export function estimateFanOutPipeline(pipeline: FanOutPipeline, load: Load, ctx: EstimateContext): CostLine[] {
  const lines: CostLine[] = [];
  if (pipeline.topic) {
    lines.push(snsPublishes(load.perMonth, load.payloadBytes, ctx.prices));
    // One publishing principal: S3 for an origin bucket, else the producer.
    if (pipeline.topic.masterKey) lines.push(kmsRequests(1, 0, ctx.prices, 'topic'));
  } else if (!pipeline.originBucket) {
    // Events of AWS services (S3 on the default bus) are free; events you put are not.
    lines.push(eventBridgeEvents(load.perMonth, load.payloadBytes, ctx.prices));
  }
  for (const consumer of pipeline.consumers) {
    const own = consumer.worker.expectedLoad;
    const consumerLoad = own ? resolveLoad(consumer.worker, own) : load;
    lines.push(...estimateSqsWorker(consumer.worker, consumerLoad, ctx, consumer.consumerName));
    lines.push(...alarmLines(consumer.alarms, ctx).map((l) => ({ ...l, item: `${l.item} (${consumer.consumerName} delivery)` })));
  }
  return lines;
}
