import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  AsyncDestination, AsyncFunction, DurableFunction, FanOutConsumer, FanOutPipeline, HandlerCode, JobSchedule, ProvisionedApi, SagaStateMachine,
  ScheduledJob, ScheduledJobTarget, ServerlessCostReport, ServerlessDashboard, SqsWorker, SqsWorkerProps, StreamWorker,
} from '../lib';
import { newStack, template, warningsOf } from './support/cdk';

const sqsHandler = HandlerCode.bundled('sqs-worker/example');
const inline = () => HandlerCode.fromCode(lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 })'), 'index.handler');

function worker(props: Partial<SqsWorkerProps>, stack: Stack = newStack()) {
  const w = new SqsWorker(stack, 'Worker', { handler: sqsHandler, idempotency: { enabled: false }, ...props });
  return { stack, worker: w };
}

/** The alarm resource whose construct id is `id` (a child of the construct at `path`). */
function alarmProps(stack: Stack, id: string): any {
  const found = Object.entries(template(stack).findResources('AWS::CloudWatch::Alarm'))
    .filter(([logicalId]) => logicalId.includes(id));
  expect(found).toHaveLength(1);
  return found[0][1].Properties;
}

const alarmIds = (alarms: { node: { id: string } }[]) => alarms.map((a) => a.node.id);

describe('one alarm: threshold, periods and datapoints', () => {
  test('the defaults stay: errors alarm at 1 over one 5-minute period', () => {
    const { stack } = worker({});
    expect(alarmProps(stack, 'ErrorsAlarm')).toMatchObject({
      Threshold: 1, EvaluationPeriods: 1, Period: 300, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching',
    });
    expect(alarmProps(stack, 'ErrorsAlarm').DatapointsToAlarm).toBeUndefined();
  });

  test('settings reach the alarm; the other alarms keep their defaults', () => {
    const { stack } = worker({
      alarms: { errors: { threshold: 5, evaluationPeriods: 3, datapointsToAlarm: 2, period: Duration.minutes(1) } },
    });
    expect(alarmProps(stack, 'ErrorsAlarm')).toMatchObject({
      Threshold: 5, EvaluationPeriods: 3, DatapointsToAlarm: 2, Period: 60, MetricName: 'Errors', Statistic: 'Sum',
    });
    expect(alarmProps(stack, 'ThrottlesAlarm')).toMatchObject({ Threshold: 1, EvaluationPeriods: 1, Period: 300 });
  });

  test('enabled: false turns one alarm off; the construct lists only the alarms it made', () => {
    const { stack, worker: w } = worker({ alarms: { throttles: { enabled: false }, recursiveInvocationsDropped: { enabled: false } } });
    expect(alarmIds(w.alarms)).toEqual(['DeadLetterQueueAlarm', 'MessageAgeAlarm', 'ErrorsAlarm']);
    template(stack).resourceCountIs('AWS::CloudWatch::Alarm', 3);
  });

  test('alarmsEnabled: false wins over a per-alarm setting', () => {
    const { stack, worker: w } = worker({ alarmsEnabled: false, alarms: { errors: { enabled: true, threshold: 3 } } });
    expect(w.alarms).toEqual([]);
    template(stack).resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });

  test('a description that names the window follows it', () => {
    const stack = newStack();
    new ProvisionedApi(stack, 'Api', {
      handler: inline(), provisionedConcurrency: 1,
      alarms: { latency: { threshold: 500, period: Duration.minutes(1), evaluationPeriods: 3 }, utilization: { threshold: 0.75 } },
    });
    expect(alarmProps(stack, 'LatencyAlarm')).toMatchObject({
      Threshold: 500, Period: 60, EvaluationPeriods: 3,
      AlarmDescription: 'TestStack/Api: HTTP API p99 latency above 500 millis for 3 minutes',
    });
    expect(alarmProps(stack, 'UtilizationAlarm').AlarmDescription).toBe('TestStack/Api: provisioned concurrency more than 75% used for 5 minutes: '
      + 'autoscaling is at its maximum or not keeping up');
  });
});

describe('alarm settings are checked at synth', () => {
  const fails = (props: Partial<SqsWorkerProps>) => () => worker(props);

  test.each([
    [{ errors: { threshold: 0 } },
      "TestStack/Worker: invalid prop 'alarms.errors.threshold': must be greater than 0 (given 0): the alarm compares "
      + '"GreaterThanOrEqualToThreshold" and 0 would alarm on every datapoint. Fix: set alarms.errors.threshold to the level that '
      + 'needs attention (default 1), or alarms.errors.enabled: false to turn the alarm off'],
    [{ throttles: { evaluationPeriods: 0 } },
      "TestStack/Worker: invalid prop 'alarms.throttles.evaluationPeriods': must be a whole number of 1 or more (given 0). "
      + 'Fix: set alarms.throttles.evaluationPeriods to 1 or more'],
    [{ errors: { evaluationPeriods: 2, datapointsToAlarm: 3 } },
      "TestStack/Worker: invalid prop 'alarms.errors.datapointsToAlarm': must be a whole number between 1 and evaluationPeriods (2) "
      + '(given 3). Fix: lower alarms.errors.datapointsToAlarm, or raise alarms.errors.evaluationPeriods'],
    [{ messageAge: { period: Duration.seconds(30) } },
      "TestStack/Worker: invalid prop 'alarms.messageAge.period': must be a whole number of minutes, at least 1 minute (given 30 seconds): "
      + 'the metric has 1-minute resolution, and a shorter period leaves the alarm without data. Fix: set alarms.messageAge.period to Duration.minutes(n)'],
    [{ errors: { evaluationPeriods: 300 } },
      "TestStack/Worker: invalid prop 'alarms.errors': evaluates 300 periods of 5 minutes, longer than the 1 day CloudWatch allows for "
      + 'periods under 1 hour. Fix: lower alarms.errors.evaluationPeriods or alarms.errors.period so that period x evaluationPeriods is at most 1 day'],
    [{ errors: { period: Duration.hours(2), evaluationPeriods: 100 } },
      "TestStack/Worker: invalid prop 'alarms.errors': evaluates 100 periods of 2 hours, longer than the 7 days CloudWatch allows for "
      + 'periods of 1 hour or more. Fix: lower alarms.errors.evaluationPeriods or alarms.errors.period so that period x evaluationPeriods is at most 7 days'],
  ])('%j', (alarms, message) => {
    expect(fails({ alarms } as Partial<SqsWorkerProps>)).toThrow(message);
  });

  test('a long period may evaluate up to 7 days', () => {
    expect(fails({ alarms: { errors: { period: Duration.hours(1), evaluationPeriods: 168 } } })).not.toThrow();
  });

  test('a misspelled alarm names the closest one', () => {
    expect(fails({ alarms: { eror: { threshold: 2 } } } as any)).toThrow(
      "TestStack/Worker: invalid prop 'alarms.eror': SqsWorkerAlarms has no prop 'eror'. Fix: did you mean 'errors'?");
  });

  test('a fraction or percentage above its maximum is rejected', () => {
    expect(() => new ProvisionedApi(newStack(), 'Api', { handler: inline(), alarms: { utilization: { threshold: 90 } } })).toThrow(
      "TestStack/Api: invalid prop 'alarms.utilization.threshold': must be at most 1 (given 90): the metric never goes higher. "
      + 'Fix: set alarms.utilization.threshold between 0 and 1 (default 0.9), or alarms.utilization.enabled: false to turn the alarm off');
  });

  test('a "greater than" alarm takes 0, a "greater than or equal" one does not', () => {
    expect(() => new ProvisionedApi(newStack(), 'Api', { handler: inline(), alarms: { serverErrorRate: { threshold: 0 } } })).not.toThrow();
  });

  test('the older threshold prop and the alarm threshold together are an error', () => {
    expect(() => new ProvisionedApi(newStack(), 'Api', {
      handler: inline(), latencyThreshold: Duration.millis(800), alarms: { latency: { threshold: 500 } },
    })).toThrow("TestStack/Api: invalid prop 'alarms.latency.threshold': cannot be set together with latencyThreshold: both set the "
      + "same alarm's threshold. Fix: remove latencyThreshold or alarms.latency.threshold");
    expect(() => new StreamWorker(newStack(), 'Worker', {
      handler: HandlerCode.bundled('stream-worker/example'), iteratorAgeAlarmThreshold: Duration.hours(1), alarms: { iteratorAge: { threshold: 60_000 } },
    })).toThrow("TestStack/Worker: invalid prop 'alarms.iteratorAge.threshold': cannot be set together with iteratorAgeAlarmThreshold");
  });

  test('tokens are never rejected', () => {
    const stack = newStack();
    const threshold = new CfnParameter(stack, 'Threshold', { type: 'Number' }).valueAsNumber;
    const periods = new CfnParameter(stack, 'Periods', { type: 'Number' }).valueAsNumber;
    // A token period must be Duration.seconds(token): aws-cdk-lib cannot convert other units of a token.
    const seconds = new CfnParameter(stack, 'Seconds', { type: 'Number' }).valueAsNumber;
    worker({ alarms: { errors: { threshold, evaluationPeriods: periods, datapointsToAlarm: periods, period: Duration.seconds(seconds) } } }, stack);
    // A math expression alarm (the 5xx rate) takes it on each of its metrics.
    new ProvisionedApi(stack, 'Api', { handler: inline(), alarms: { serverErrorRate: { period: Duration.seconds(seconds) } } });
    template(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors', Threshold: { Ref: 'Threshold' }, EvaluationPeriods: { Ref: 'Periods' }, DatapointsToAlarm: { Ref: 'Periods' },
      Period: { Ref: 'Seconds' },
    });
    const rate = alarmProps(stack, 'ServerErrorRateAlarm');
    const ratePeriods = rate.Metrics.filter((q: any) => q.MetricStat).map((q: any) => q.MetricStat.Period);
    expect(ratePeriods).toEqual([{ Ref: 'Seconds' }, { Ref: 'Seconds' }]);
  });

  test('a setting for an alarm the construct does not create warns', () => {
    const stack = newStack();
    new AsyncFunction(stack, 'Fn', {
      handler: HandlerCode.bundled('async-function/example'), onFailure: AsyncDestination.toTopic(new sns.Topic(stack, 'Failures')),
      alarms: { failureQueue: { threshold: 3 }, asyncEventsDropped: { threshold: 2 } },
    });
    expect(alarmProps(stack, 'AsyncEventsDroppedAlarm').Threshold).toBe(2);
    expect(warningsOf(stack)).toEqual([expect.stringContaining('alarms.failureQueue is set, but this construct creates no such alarm with its '
      + 'other props (its alarms: errors, throttles, destinationDeliveryFailures, asyncEventsDropped, recursiveInvocationsDropped); '
      + 'the setting has no effect. Remove it')]);
  });
});

describe('every construct takes its alarms prop', () => {
  test('AsyncFunction', () => {
    const stack = newStack();
    const fn = new AsyncFunction(stack, 'Fn', {
      handler: HandlerCode.bundled('async-function/example'),
      alarms: { destinationDeliveryFailures: { enabled: false }, failureQueue: { threshold: 10 } },
    });
    expect(alarmIds(fn.alarms)).not.toContain('DestinationDeliveryFailuresAlarm');
    expect(alarmProps(stack, 'FailureQueueAlarm')).toMatchObject({ Threshold: 10, MetricName: 'ApproximateNumberOfMessagesVisible' });
  });

  test('StreamWorker', () => {
    const stack = newStack();
    const w = new StreamWorker(stack, 'Worker', {
      handler: HandlerCode.bundled('stream-worker/example'),
      alarms: { iteratorAge: { threshold: 60_000, evaluationPeriods: 5 }, throttles: { enabled: false } },
    });
    expect(alarmIds(w.alarms)).not.toContain('ThrottlesAlarm');
    expect(alarmProps(stack, 'IteratorAgeAlarm')).toMatchObject({
      Threshold: 60_000, EvaluationPeriods: 5,
      AlarmDescription: expect.stringMatching('^TestStack/Worker: iterator age above 1 minute: '),
    });
  });

  test('SagaStateMachine', () => {
    const stack = newStack();
    const fn = new lambda.Function(stack, 'Step', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>({})') });
    const saga = new SagaStateMachine(stack, 'Saga', {
      steps: [{ name: 'one', action: fn }],
      alarms: { executionsTimedOut: { enabled: false }, executionsFailed: { threshold: 3, period: Duration.minutes(5) } },
    });
    expect(alarmIds(saga.alarms)).toEqual(['ExecutionsFailedAlarm', 'CompensationFailedAlarm']);
    expect(alarmProps(stack, 'ExecutionsFailedAlarm')).toMatchObject({ Threshold: 3, Period: 300 });
  });

  test('DurableFunction', () => {
    const stack = newStack();
    const durable = new DurableFunction(stack, 'Durable', {
      handler: HandlerCode.bundled('durable-function/order-saga'), alarms: { compensationFailed: { threshold: 2 }, throttles: { enabled: false } },
    });
    expect(alarmIds(durable.alarms)).not.toContain('ThrottlesAlarm');
    expect(alarmProps(stack, 'CompensationFailedAlarm')).toMatchObject({ Threshold: 2, MetricName: 'CompensationFailed', Period: 60 });
  });

  test('ScheduledJob: a token schedule without the missed-run alarm needs no maxRunInterval', () => {
    const stack = newStack();
    const cron = new CfnParameter(stack, 'Cron').valueAsString;
    const job = new ScheduledJob(stack, 'Job', {
      schedule: JobSchedule.cron(cron), target: ScheduledJobTarget.handler(HandlerCode.bundled('scheduled-job/example')),
      alarms: { missedRun: { enabled: false }, deadLetterQueue: { evaluationPeriods: 2 } },
    });
    expect(alarmIds(job.alarms)).not.toContain('MissedRunAlarm');
    expect(alarmProps(stack, 'DeadLetterQueueAlarm').EvaluationPeriods).toBe(2);
  });

  test('ScheduledJob: the missed-run alarm takes a window of its own', () => {
    const stack = newStack();
    new ScheduledJob(stack, 'Job', {
      schedule: JobSchedule.rate(Duration.hours(1)), target: ScheduledJobTarget.handler(HandlerCode.bundled('scheduled-job/example')),
      alarms: { missedRun: { period: Duration.hours(1), evaluationPeriods: 3 } },
    });
    expect(alarmProps(stack, 'MissedRunAlarm')).toMatchObject({
      Period: 3600, EvaluationPeriods: 3, ComparisonOperator: 'LessThanThreshold',
      AlarmDescription: expect.stringMatching('no successful run within 3 hours '),
    });
  });

  test('FanOutPipeline: consumer delivery alarm and worker alarms', () => {
    const stack = newStack();
    const pipeline = new FanOutPipeline(stack, 'Orders', {
      consumers: [{
        name: 'billing', handler: sqsHandler, alarms: { deliveryDeadLetterQueue: { enabled: false } },
        worker: { idempotency: { enabled: false }, alarms: { errors: { threshold: 4 } } },
      }],
    });
    const billing = pipeline.node.findChild('billing') as FanOutConsumer;
    expect(billing.alarms).toEqual([]);
    expect(alarmProps(stack, 'ErrorsAlarm').Threshold).toBe(4);
  });
});

describe('dashboard and cost report follow the alarms that exist', () => {
  function app(alarms: SqsWorkerProps['alarms']) {
    const a = new App();
    const stack = new Stack(a, 'Stack', { env: { account: '123456789012', region: 'us-east-1' } });
    const w = new SqsWorker(stack, 'Worker', { handler: sqsHandler, idempotency: { enabled: false }, alarms, expectedLoad: { perMonth: 1000 } });
    new ServerlessDashboard(stack, 'Dashboard');
    const report = ServerlessCostReport.of(a);
    a.synth();
    const body = JSON.stringify(template(stack).findResources('AWS::CloudWatch::Dashboard'));
    const alarmLine = report.result!.constructs.find((c) => c.path === 'Stack/Worker')!.lines.find((l) => l.item === 'alarms')!;
    return { w, body, alarmLine };
  }

  test('an alarm turned off leaves the alarm widget and the alarm cost', () => {
    const all = app(undefined);
    const fewer = app({ throttles: { enabled: false }, messageAge: { enabled: false } });
    expect(all.w.alarms).toHaveLength(5);
    expect(fewer.w.alarms).toHaveLength(3);
    const alarmArns = (body: string) => (body.match(/WorkerThrottlesAlarm|WorkerMessageAgeAlarm|WorkerErrorsAlarm/g) ?? []).length;
    expect(alarmArns(all.body)).toBeGreaterThan(alarmArns(fewer.body));
    expect(fewer.body).not.toMatch(/WorkerThrottlesAlarm|WorkerMessageAgeAlarm/);
    expect(all.alarmLine).toMatchObject({ quantity: 5, monthlyCost: 0.5 });
    expect(fewer.alarmLine).toMatchObject({ quantity: 3, monthlyCost: expect.closeTo(0.3, 10) });
  });
});
