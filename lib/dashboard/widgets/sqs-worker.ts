import { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { SqsWorker } from '../../sqs-worker';
import { alarmStatus, graph, header } from './common';

const FIVE_MINUTES = Duration.minutes(5);

/**
 * The row of one SqsWorker: backlog (depth, age of oldest, DLQ depth), errors and throttles, the
 * mapping's polled and failed-invoke events (EventCount metrics),
 * duration p99 and concurrency, alarms. `extraQueues` and `extraAlarms` belong to an owner (a
 * fan-out consumer's delivery dead-letter queue).
 */
export function sqsWorkerRow(worker: SqsWorker, extraQueues: Array<[string, sqs.IQueue]> = [],
  extraAlarms: cloudwatch.IAlarm[] = []): cloudwatch.IWidget[] {
  const fn = worker.function;
  const depth: Array<[string, cloudwatch.IMetric]> = [['visible', worker.metricMessagesVisible()]];
  if (worker.deadLetterQueue) depth.push(['DLQ', worker.metricDeadLetterMessagesVisible()]);
  for (const [label, queue] of extraQueues) {
    depth.push([label, queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(1) })]);
  }
  return [
    graph('Queue depth / age of oldest (s)', depth, [['age', worker.metricAgeOfOldestMessage()]]),
    graph('Errors / throttles', [
      ['errors', fn.metricErrors({ period: FIVE_MINUTES })],
      ['throttles', fn.metricThrottles({ period: FIVE_MINUTES })],
    ]),
    graph(worker.provisionedPollers ? 'Mapping events (provisioned pollers)' : 'Mapping events', [
      ['polled', worker.metricPolledEvents()],
      ['failed invokes', worker.metricFailedInvokeEvents()],
    ]),
    graph('Duration p99 (ms) / concurrency', [['p99', fn.metricDuration({ statistic: 'p99', period: FIVE_MINUTES })]],
      [['concurrent', fn.metric('ConcurrentExecutions', { statistic: 'Maximum', period: FIVE_MINUTES })]]),
    ...alarmStatus([...worker.alarms, ...extraAlarms]),
  ];
}

/** An SqsWorker: a title and its row. */
export function renderSqsWorker(worker: SqsWorker): cloudwatch.IWidget[][] {
  return [[header('SqsWorker', worker)], sqsWorkerRow(worker)];
}
