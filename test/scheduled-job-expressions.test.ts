import { CfnParameter, Duration, Stack, TimeZone } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { HandlerCode, JobSchedule, ScheduledJob, ScheduledJobProps, ScheduledJobTarget } from '../lib';
import { infosOf, newStack, template } from './support/cdk';

// ScheduledJob takes any scheduler.ScheduleExpression; JobSchedule's factories are shorter forms of it.
const handler = HandlerCode.bundled('scheduled-job/example');
const NOW = new Date('2027-03-20T12:00:00Z');

beforeEach(() => {
  jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'setInterval', 'queueMicrotask'] });
});
afterEach(() => jest.useRealTimers());

function scheduleOf(props: Partial<ScheduledJobProps>, stack: Stack = newStack()) {
  new ScheduledJob(stack, 'Job', { schedule: JobSchedule.cron('0 2 * * ? *'), target: ScheduledJobTarget.handler(handler), ...props });
  const t = template(stack);
  const [schedule] = Object.values(t.findResources('AWS::Scheduler::Schedule')) as { Properties: Record<string, unknown> }[];
  const alarms = Object.values(t.findResources('AWS::CloudWatch::Alarm')) as { Properties: Record<string, unknown> }[];
  const missedRun = alarms.find((a) => a.Properties.MetricName === 'ScheduledJobSucceeded')?.Properties;
  const nextRuns = infosOf(stack).filter((m) => m.includes('ScheduledJob.nextRuns')).map((m) => m.replace(/ \[ack: [^\]]+\]$/, ''));
  return { expression: schedule.Properties.ScheduleExpression, zone: schedule.Properties.ScheduleExpressionTimezone, missedRun, nextRuns };
}

describe('ScheduledJob schedule: any scheduler.ScheduleExpression', () => {
  test('ScheduleExpression.cron with its own time zone = JobSchedule.cron with the job time zone (schedule, next runs, missed-run alarm)', () => {
    const cdkCron = scheduleOf({ schedule: scheduler.ScheduleExpression.cron({ minute: '30', hour: '3', timeZone: TimeZone.EUROPE_BERLIN }) });
    const jobCron = scheduleOf({ schedule: JobSchedule.cron('30 3 * * ? *'), timeZone: TimeZone.EUROPE_BERLIN });
    expect(cdkCron).toEqual(jobCron);
    expect(cdkCron.expression).toBe('cron(30 3 * * ? *)');
    expect(cdkCron.zone).toBe('Europe/Berlin');
    expect(cdkCron.nextRuns[0]).toMatch(/^cron\(30 3 \* \* \? \*\) in Europe\/Berlin; next 5 runs: 2027-03-21 03:30 \(UTC\+01:00\)/);
  });

  test('ScheduleExpression.rate and .expression(rate(...)) = JobSchedule.rate', () => {
    const job = scheduleOf({ schedule: JobSchedule.rate(Duration.hours(6)) });
    expect(scheduleOf({ schedule: scheduler.ScheduleExpression.rate(Duration.hours(6)) })).toEqual(job);
    expect(scheduleOf({ schedule: scheduler.ScheduleExpression.expression('rate(360 minutes)') })).toEqual(job);
    expect(job.expression).toBe('rate(6 hours)');
  });

  test('ScheduleExpression.at keeps its wall-clock time in its own zone: no missed-run alarm, the run listed', () => {
    const at = scheduleOf({ schedule: scheduler.ScheduleExpression.at(new Date('2027-07-01T09:30:00Z'), TimeZone.EUROPE_BERLIN) });
    expect(at).toEqual({
      expression: 'at(2027-07-01T09:30:00)', zone: 'Europe/Berlin', missedRun: undefined,
      nextRuns: ['at(2027-07-01T09:30:00) in Europe/Berlin: runs once, at 2027-07-01 09:30 (UTC+02:00)'],
    });
  });

  test('a cron that never fires is the same error in either form', () => {
    expect(() => scheduleOf({ schedule: scheduler.ScheduleExpression.expression('cron(0 0 31 2 ? *)') })).toThrow(
      'TestStack/Job: invalid prop \'schedule\': cron \'0 0 31 2 ? *\' never fires after 2027-03-20');
  });

  test('an expression Scheduler does not read is an error naming the forms it does', () => {
    expect(() => scheduleOf({ schedule: scheduler.ScheduleExpression.expression('every day') })).toThrow(
      'TestStack/Job: invalid prop \'schedule\': \'every day\' is not a cron(...), rate(...) or at(...) expression. '
      + 'Fix: use JobSchedule.cron(...), .rate(...) or .at(...), or a scheduler.ScheduleExpression of cron(...), rate(...) or at(...)');
    expect(() => scheduleOf({ schedule: scheduler.ScheduleExpression.expression('rate(5 weeks)') })).toThrow(
      'TestStack/Job: invalid prop \'schedule\': \'rate(5 weeks)\' is not a rate EventBridge Scheduler reads');
  });

  test('a time zone on the expression and a different one on the job is an error; the same one is accepted', () => {
    const berlin = () => scheduler.ScheduleExpression.cron({ minute: '0', hour: '2', timeZone: TimeZone.EUROPE_BERLIN });
    expect(() => scheduleOf({ schedule: berlin(), timeZone: TimeZone.AMERICA_NEW_YORK })).toThrow(
      'TestStack/Job: invalid prop \'timeZone\': is America/New_York, but the schedule expression has its own time zone, Europe/Berlin. '
      + 'Fix: set the time zone in one place: drop timeZone, or the time zone of the ScheduleExpression');
    expect(scheduleOf({ schedule: berlin(), timeZone: TimeZone.EUROPE_BERLIN }).zone).toBe('Europe/Berlin');
    // A rate has no zone that matters (CDK gives it UTC): the job's zone is no conflict.
    expect(scheduleOf({ schedule: scheduler.ScheduleExpression.rate(Duration.hours(1)), timeZone: TimeZone.EUROPE_BERLIN }).expression).toBe('rate(1 hour)');
  });

  test('a token expression is passed through and needs maxRunInterval, as a token cron does', () => {
    const fromParameter = (stack: Stack) => scheduler.ScheduleExpression.expression(new CfnParameter(stack, 'Expression').valueAsString);
    const bare = newStack();
    expect(() => scheduleOf({ schedule: fromParameter(bare) }, bare)).toThrow(
      /invalid prop 'maxRunInterval': is required when the schedule or the time zone is a token/);
    const stack = newStack();
    const given = scheduleOf({ schedule: fromParameter(stack), maxRunInterval: Duration.days(1) }, stack);
    expect(given.expression).toEqual({ Ref: 'Expression' });
    expect(given.nextRuns).toEqual(['a schedule read at deployment (a token): its runs are not known at synth']);
    expect(given.missedRun).toBeDefined();
  });

  test('a JobSchedule expression used outside a job renders in UTC', () => {
    expect(JobSchedule.cron('0 2 * * ? *').expressionString).toBe('cron(0 2 * * ? *)');
    expect(JobSchedule.cron('cron(0 2 * * ? *)').expressionString).toBe('cron(0 2 * * ? *)');
    expect(JobSchedule.rate(Duration.minutes(90)).expressionString).toBe('rate(90 minutes)');
    expect(JobSchedule.at(new Date('2027-07-01T07:30:00Z')).expressionString).toBe('at(2027-07-01T07:30:00)');
    expect(JobSchedule.at(new Date('2027-07-01T07:30:00Z')).timeZone).toBeUndefined();
  });
});
