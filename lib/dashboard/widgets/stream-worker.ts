import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { StreamWorker } from '../../stream-worker';
import { alarmStatus, graph, header } from './common';

/**
 * A StreamWorker: how far behind the shards are (iterator age), what left the stream without
 * being processed (records written to the on-failure destination, dropped, failed deliveries),
 * errors and throttles, alarms.
 */
export function renderStreamWorker(worker: StreamWorker): cloudwatch.IWidget[][] {
  const detail = worker.concurrency !== undefined ? `${worker.concurrency} concurrent invocations` : undefined;
  return [[header('StreamWorker', worker, detail)], [
    graph('Iterator age (ms)', [['max age', worker.metricIteratorAge()]]),
    graph('Records given up', [
      ['to on-failure destination', worker.metricOnFailureRecords()],
      ['dropped', worker.metricDroppedRecords()],
    ], [['delivery failures', worker.metricDestinationDeliveryFailures()]]),
    graph('Errors / throttles', [['errors', worker.metricErrors()], ['throttles', worker.metricThrottles()]]),
    ...alarmStatus(worker.alarms),
  ]];
}
