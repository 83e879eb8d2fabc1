import { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { AsyncFunction } from '../../async-function';
import { alarmStatus, graph, header } from './common';

const FIVE_MINUTES = Duration.minutes(5);

/**
 * An AsyncFunction: failure queue depth (or dropped events when the failure destination is your
 * own), destination delivery failures, age of events in Lambda's async queue, errors and
 * throttles, alarms.
 */
export function renderAsyncFunction(fn: AsyncFunction): cloudwatch.IWidget[][] {
  const failed: Array<[string, cloudwatch.IMetric]> = fn.failureQueue
    ? [['failure queue', fn.metricFailureQueueMessagesVisible()]]
    : [['dropped', fn.metricAsyncEventsDropped()]];
  return [[header('AsyncFunction', fn)], [
    graph('Failed events / delivery failures', failed, [['delivery failures', fn.metricDestinationDeliveryFailures()]]),
    graph('Event age (ms)', [['max age', fn.metricAsyncEventAge()]]),
    graph('Errors / throttles', [
      ['errors', fn.function.metricErrors({ period: FIVE_MINUTES })],
      ['throttles', fn.function.metricThrottles({ period: FIVE_MINUTES })],
    ]),
    ...alarmStatus(fn.alarms),
  ]];
}
