import { Duration, TimeZone } from 'aws-cdk-lib';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  HandlerCode, JobSchedule, SagaStateMachine, ScheduledJob, ScheduledJobTarget, SqsWorker,
} from '../lib';

/**
 * Scheduled work on EventBridge Scheduler:
 * - the nightly report at 03:30 Berlin time (daylight saving included; outside the 02:00-03:00 switch hour, so no
 *   night is skipped), one run at a time;
 * - a restock order every weekday at 06:00 New York time, fed to the demo SqsWorker;
 * - a reconciliation order every 6 hours through the demo order saga.
 * The worker and saga jobs are added when the demo worker and saga are passed in (examples/app.ts does).
 */
export function addScheduledJobDemo(scope: Construct, alarmTopic: sns.ITopic, worker?: SqsWorker,
  saga?: SagaStateMachine): ScheduledJob[] {
  const jobs = [new ScheduledJob(scope, 'NightlyReport', {
    schedule: JobSchedule.cron('30 3 * * ? *'),
    timeZone: TimeZone.EUROPE_BERLIN,
    target: ScheduledJobTarget.handler(HandlerCode.bundled('scheduled-job/example'), { timeout: Duration.minutes(2), memorySize: 256 }),
    allowOverlap: false,
    payload: { report: 'daily-sales' },
    alarmTopic,
    // Runs are counted from the schedule; a report takes about 90 seconds.
    expectedLoad: { averageDuration: Duration.seconds(90) },
  })];
  if (worker) {
    jobs.push(new ScheduledJob(scope, 'RestockJob', {
      schedule: JobSchedule.cron('0 6 ? * MON-FRI *'),
      timeZone: TimeZone.AMERICA_NEW_YORK,
      target: ScheduledJobTarget.sqsWorker(worker),
      // One order per occurrence: the worker deduplicates on orderId, so a redelivered message runs once.
      // The scheduled time, not the execution id: Scheduler gives each delivery attempt a new execution id.
      payload: { orderId: 'restock-<aws.scheduler.scheduled-time>', items: [{ sku: 'PAPER-A4', quantity: 10, price: 4.5 }] },
      flexibleWindow: Duration.minutes(10),
      alarmTopic,
      expectedLoad: {},
    }));
  }
  if (saga) {
    jobs.push(new ScheduledJob(scope, 'ReconcileJob', {
      schedule: JobSchedule.rate(Duration.hours(6)),
      target: ScheduledJobTarget.saga(saga),
      payload: { orderId: 'reconcile-<aws.scheduler.execution-id>', items: [{ sku: 'AUDIT', quantity: 1, price: 0 }] },
      retryPolicy: { maxAttempts: 5, maxEventAge: Duration.minutes(30) },
      alarmTopic,
      expectedLoad: {},
    }));
  }
  return jobs;
}
