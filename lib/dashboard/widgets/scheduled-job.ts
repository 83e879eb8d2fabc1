import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { ScheduledJob } from '../../scheduled-job';
import { alarmStatus, graph, header } from './common';

/**
 * A ScheduledJob: occurrences attempted against occurrences that succeeded (the runtime's success
 * metric, for function targets: a gap is a missed run), what Scheduler could not deliver (target
 * errors, dropped, dead-letter queue), alarms.
 */
export function renderScheduledJob(job: ScheduledJob): cloudwatch.IWidget[][] {
  const runs: Array<[string, cloudwatch.IMetric]> = [['attempted', job.metricAttempts()]];
  if (job.function) runs.push(['succeeded', job.metricSucceeded()]);
  return [[header('ScheduledJob', job, `${job.timeZoneName}`)], [
    graph('Runs', runs),
    graph('Not delivered', [['target errors', job.metricTargetErrors()], ['dropped', job.metricDropped()]],
      [['dead-letter queue', job.metricDeadLetterMessagesVisible()]]),
    ...alarmStatus(job.alarms),
  ]];
}
