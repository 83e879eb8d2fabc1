import { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { DurableFunction } from '../../durable-function';
import { alarmStatus, graph, header } from './common';

/**
 * A DurableFunction: executions started, succeeded, failed and timed out, a saga's failed
 * compensations, durable operations (what Lambda bills per operation), throttles, alarms.
 */
export function renderDurableFunction(fn: DurableFunction): cloudwatch.IWidget[][] {
  return [[header('DurableFunction', fn)], [
    graph('Executions', [
      ['started', fn.metricExecutionsStarted()],
      ['succeeded', fn.metricExecutionsSucceeded()],
    ], [
      ['failed', fn.metricExecutionsFailed()],
      ['timed out', fn.metricExecutionsTimedOut()],
      ['compensation failed', fn.metricCompensationFailed()],
    ]),
    graph('Durable operations / throttles', [['operations', fn.metricOperations()]],
      [['throttles', fn.function.metricThrottles({ period: Duration.minutes(5) })]]),
    ...alarmStatus(fn.alarms),
  ]];
}
