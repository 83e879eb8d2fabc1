import { CfnParameter, Duration, Stack, TimeZone } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { HandlerCode, JobSchedule, ScheduledJob, ScheduledJobProps, ScheduledJobTarget } from '../lib';
import { newStack, template, warningsOf } from './support/cdk';

const handler = HandlerCode.bundled('scheduled-job/example');
const NOW = new Date('2027-03-20T12:00:00Z');

beforeEach(() => {
  jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'setInterval', 'queueMicrotask'] });
});
afterEach(() => jest.useRealTimers());

function job(props: Partial<ScheduledJobProps>, stack: Stack = newStack()) {
  const j = new ScheduledJob(stack, 'Job', { schedule: JobSchedule.cron('0 2 * * ? *'), target: ScheduledJobTarget.handler(handler), ...props });
  return { stack, job: j, t: template(stack) };
}

const MAX_RUN_INTERVAL_REQUIRED = "TestStack/Job: invalid prop 'maxRunInterval': is required when the schedule or the time zone is a "
  + 'token: the job cannot compute the longest time between runs, which its missed-run alarm waits for. Fix: set maxRunInterval to '
  + 'the longest time between two runs (e.g. Duration.days(1) for a daily cron), or alarmsEnabled: false';

/** The missed-run alarm's window: period x evaluation periods, in seconds. */
function missedRunWindowSeconds(stack: Stack): number {
  const alarms = template(stack).findResources('AWS::CloudWatch::Alarm', { Properties: { ComparisonOperator: 'LessThanThreshold' } });
  const [props] = Object.values(alarms).map((a) => a.Properties);
  return props.Period * props.EvaluationPeriods;
}

describe('ScheduledJob accepts tokens wherever EventBridge Scheduler does', () => {
  test('a token cron expression goes to Scheduler as it is; the missed-run alarm needs maxRunInterval', () => {
    const stack = newStack();
    const cron = new CfnParameter(stack, 'Cron').valueAsString;
    expect(() => job({ schedule: JobSchedule.cron(cron) }, stack)).toThrow(MAX_RUN_INTERVAL_REQUIRED);
    const second = newStack();
    const built = job({ schedule: JobSchedule.cron(new CfnParameter(second, 'Cron').valueAsString), maxRunInterval: Duration.days(1) }, second);
    built.t.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: { 'Fn::Join': ['', ['cron(', { Ref: 'Cron' }, ')']] },
    });
    expect(built.job.nextRuns).toEqual([]);
    // 1 day + 10 min margin + the 15 min job timeout, in hours: 25 x 1 h.
    expect(missedRunWindowSeconds(built.stack)).toBe(25 * 3600);
    // Without alarms nothing needs the interval.
    const third = newStack();
    expect(() => job({ schedule: JobSchedule.cron(new CfnParameter(third, 'Cron').valueAsString), alarmsEnabled: false }, third)).not.toThrow();
  });

  test('a token rate goes to Scheduler in minutes', () => {
    const stack = newStack();
    const minutes = new CfnParameter(stack, 'Minutes', { type: 'Number' }).valueAsNumber;
    const { t } = job({ schedule: JobSchedule.rate(Duration.minutes(minutes)), maxRunInterval: Duration.minutes(30) }, stack);
    t.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: { 'Fn::Join': ['', ['rate(', { Ref: 'Minutes' }, ' minutes)']] },
      // The default event age: the shorter of 1 hour and the interval given.
      Target: { RetryPolicy: { MaximumEventAgeInSeconds: 1800 } },
    });
  });

  test('a token time zone goes to Scheduler; a concrete cron is still checked', () => {
    const stack = newStack();
    const zone = new CfnParameter(stack, 'Zone').valueAsString;
    expect(() => job({ timeZone: TimeZone.of(zone) }, stack)).toThrow(MAX_RUN_INTERVAL_REQUIRED);
    const other = newStack();
    const { t, job: j } = job({ timeZone: TimeZone.of(new CfnParameter(other, 'Zone').valueAsString), maxRunInterval: Duration.hours(25) }, other);
    t.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(0 2 * * ? *)', ScheduleExpressionTimezone: { Ref: 'Zone' } });
    expect(j.nextRuns).toEqual([]);
    const third = newStack();
    expect(() => job({ schedule: JobSchedule.cron('0 2 31 2 ? *'), timeZone: TimeZone.of(new CfnParameter(third, 'Zone').valueAsString),
      maxRunInterval: Duration.days(1) }, third)).not.toThrow();
    const fourth = newStack();
    expect(() => job({ schedule: JobSchedule.cron('0 25 * * ? *'), timeZone: TimeZone.of(new CfnParameter(fourth, 'Zone').valueAsString),
      maxRunInterval: Duration.days(1) }, fourth)).toThrow(/invalid prop 'schedule': is not a valid cron expression/);
  });

  test('a one-time date needs a known time zone (it is rendered as wall-clock time there)', () => {
    const stack = newStack();
    expect(() => job({ schedule: JobSchedule.at(new Date('2027-07-01T07:30:00Z')), timeZone: TimeZone.of(new CfnParameter(stack, 'Zone').valueAsString) }, stack))
      .toThrow("TestStack/Job: invalid prop 'timeZone': must be known at synth for JobSchedule.at() (given a token): the date is rendered as "
        + 'wall-clock time in it. Fix: pass an IANA name, e.g. TimeZone.EUROPE_BERLIN, or a recurring JobSchedule.cron()');
  });

  test('a token retryPolicy.maxEventAge goes on the schedule and on Lambda\'s event age; idempotency keeps records 48 hours', () => {
    const stack = newStack();
    const age = new CfnParameter(stack, 'Age', { type: 'Number' }).valueAsNumber;
    const { t } = job({ retryPolicy: { maxEventAge: Duration.seconds(age) } }, stack);
    t.hasResourceProperties('AWS::Scheduler::Schedule', { Target: { RetryPolicy: { MaximumEventAgeInSeconds: { Ref: 'Age' } } } });
    t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumEventAgeInSeconds: { Ref: 'Age' } });
    t.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ IDEMPOTENCY_TTL_SECONDS: '172800' }) } });
  });
});

describe('a one-time schedule whose date has passed', () => {
  test('warns (the schedule will not run; how to remove it) instead of failing synth, and keeps the template', () => {
    const { stack, t, job: j } = job({ schedule: JobSchedule.at(new Date('2027-03-01T00:00:00Z')) });
    t.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'at(2027-03-01T00:00:00)' });
    expect(j.nextRuns).toEqual([]);
    expect(warningsOf(stack)).toEqual([
      'the one-time date 2027-03-01T00:00:00.000Z is in the past (synth time 2027-03-20T12:00:00.000Z): the schedule will not run '
      + '(again). Remove the job from the app to delete its schedule, function and queues with the next deployment, or pass a future '
      + 'date to JobSchedule.at() [ack: cdk-serverless-patterns:ScheduledJob.oneTimeDateInPast]',
    ]);
  });
});
