import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  AsyncDestination, AsyncFunction, DurableFunction, FanOutConsumer, FanOutPipeline, HandlerCode, JobSchedule, ProvisionedApi,
  SagaStateMachine, ScheduledJob, ScheduledJobTarget, SqsWorker, StreamWorker,
} from '../lib';
import { alarmOptionKey } from '../lib/core/alarms';
import { ALARM_STRUCTS, documentedAlarms } from '../scripts/docs-alarms';
import { newStack } from './support/cdk';

/** Every construct at its defaults (plus the props that add its optional alarms), by struct name. */
function alarmsAtDefaults(stack: Stack): Record<string, cloudwatch.Alarm[]> {
  const inline = HandlerCode.fromCode(lambda.Code.fromInline('exports.handler = async () => ({})'), 'index.handler');
  const step = new lambda.Function(stack, 'Step', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>({})') });
  const pipeline = new FanOutPipeline(stack, 'Pipeline', { consumers: [{ name: 'billing', handler: HandlerCode.bundled('sqs-worker/example') }] });
  const withRedrive = new AsyncFunction(stack, 'Async', { handler: HandlerCode.bundled('async-function/example'), redriveEnabled: true });
  const ownDestination = new AsyncFunction(stack, 'AsyncToTopic', {
    handler: HandlerCode.bundled('async-function/example'), onFailure: AsyncDestination.toTopic(new sns.Topic(stack, 'Failures')),
  });
  const withDeadLetterQueue = new AsyncFunction(stack, 'AsyncOwnFunction', {
    handler: HandlerCode.fromFunction(new lambda.Function(stack, 'OwnFunction', {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>({})'), deadLetterQueueEnabled: true,
    })),
  });
  return {
    SqsWorkerAlarms: new SqsWorker(stack, 'Worker', { handler: HandlerCode.bundled('sqs-worker/example') }).alarms,
    FanOutConsumerAlarms: (pipeline.node.findChild('billing') as FanOutConsumer).alarms,
    SagaStateMachineAlarms: new SagaStateMachine(stack, 'Saga', { steps: [{ name: 'one', action: step }] }).alarms,
    DurableFunctionAlarms: new DurableFunction(stack, 'Durable', { handler: HandlerCode.bundled('durable-function/order-saga') }).alarms,
    ProvisionedApiAlarms: new ProvisionedApi(stack, 'Api', { handler: inline, provisionedConcurrency: 1 }).alarms,
    AsyncFunctionAlarms: [...withRedrive.alarms, ...ownDestination.alarms, ...withDeadLetterQueue.alarms],
    StreamWorkerAlarms: new StreamWorker(stack, 'Stream', { handler: HandlerCode.bundled('stream-worker/example') }).alarms,
    ScheduledJobAlarms: new ScheduledJob(stack, 'Job', {
      schedule: JobSchedule.cron('0 2 * * ? *'), target: ScheduledJobTarget.handler(HandlerCode.bundled('scheduled-job/example')),
    }).alarms,
  };
}

/** Period in seconds of an alarm: its own, or its math expression's metrics'. */
function periodOf(stack: Stack, alarm: cloudwatch.Alarm): number {
  const cfn = alarm.node.defaultChild as cloudwatch.CfnAlarm;
  if (cfn.period !== undefined) return stack.resolve(cfn.period);
  const stats = (stack.resolve(cfn.metrics) as any[]).filter((q) => q.metricStat).map((q) => q.metricStat.period);
  expect(new Set(stats).size).toBe(1);
  return stats[0];
}

describe('docs/alarms.md (from the JSDoc of the alarm structs) says what the constructs create', () => {
  const stack = newStack();
  const created = alarmsAtDefaults(stack);

  test.each(ALARM_STRUCTS.map((s) => [s.struct, s.folder]))('%s', (struct, folder) => {
    const documented = documentedAlarms(folder, struct);
    // Every key is the alarm's construct id, as the recipe derives it.
    for (const a of documented) expect(alarmOptionKey(a.id)).toBe(a.key);
    const alarms = created[struct];
    // Every alarm the construct creates is documented (the fixtures create every optional one).
    expect([...new Set(alarms.map((a) => a.node.id))].sort()).toEqual(documented.map((a) => a.id).sort());
    for (const alarm of alarms) {
      const doc = documented.find((a) => a.id === alarm.node.id)!;
      const cfn = alarm.node.defaultChild as cloudwatch.CfnAlarm;
      const threshold = /^threshold ([\d.]+)/.exec(doc.defaults);
      const period = /period (\d+) minutes?/.exec(doc.defaults);
      const evaluations = /(\d+) evaluation periods?/.exec(doc.defaults);
      if (threshold) expect([doc.id, cfn.threshold]).toEqual([doc.id, Number(threshold[1])]);
      if (period) expect([doc.id, periodOf(stack, alarm)]).toEqual([doc.id, Number(period[1]) * 60]);
      if (evaluations) expect([doc.id, cfn.evaluationPeriods]).toEqual([doc.id, Number(evaluations[1])]);
      // Only the alarms whose default depends on other props leave a number out.
      if (!threshold) expect(['MessageAgeAlarm', 'ServerErrorRateAlarm', 'LatencyAlarm', 'IteratorAgeAlarm']).toContain(doc.id);
      if (!period) expect(doc.id).toBe('MissedRunAlarm');
    }
  });
});
