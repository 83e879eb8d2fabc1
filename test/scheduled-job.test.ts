import { CfnParameter, Duration, Stack, TimeZone } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import {
  HandlerCode, JobSchedule, ScheduledJob, ScheduledJobProps, ScheduledJobTarget, SqsWorker,
} from '../lib';
import { infosOf, newStack, snapshotTemplate, template, warningsOf } from './support/cdk';

const handler = HandlerCode.bundled('scheduled-job/example');
const NOW = new Date('2027-03-20T12:00:00Z');

beforeEach(() => {
  jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'setInterval', 'queueMicrotask'] });
});
afterEach(() => jest.useRealTimers());

/** The next-runs info lines, without the acknowledgement id CDK appends. */
function nextRunInfos(stack: Stack): string[] {
  return infosOf(stack).filter((m) => m.includes('ScheduledJob.nextRuns')).map((m) => m.replace(/ \[ack: [^\]]+\]$/, ''));
}

function job(props: Partial<ScheduledJobProps> = {}, stack: Stack = newStack()) {
  const j = new ScheduledJob(stack, 'Job', {
    schedule: JobSchedule.cron('0 2 * * ? *'),
    target: ScheduledJobTarget.handler(handler),
    ...props,
  });
  return { stack, job: j, t: template(stack) };
}

describe('ScheduledJob defaults (function target)', () => {
  const built = () => job();

  test('creates the resources of one job', () => {
    const { t } = built();
    t.resourceCountIs('AWS::Scheduler::Schedule', 1);
    t.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
    t.resourceCountIs('AWS::SQS::Queue', 1);
    t.resourceCountIs('AWS::Lambda::Function', 1);
    t.resourceCountIs('AWS::Lambda::EventInvokeConfig', 1);
    t.resourceCountIs('AWS::DynamoDB::Table', 1);
    t.resourceCountIs('AWS::IAM::Role', 2);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 7);
    t.resourceCountIs('AWS::Logs::LogGroup', 1);
  });

  test('schedule: cron in UTC, enabled, no flexible window, own group, 10 attempts within 1 hour, DLQ', () => {
    const { t } = built();
    t.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 2 * * ? *)',
      ScheduleExpressionTimezone: 'Etc/UTC',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      GroupName: Match.stringLikeRegexp('^TestStack-Job-Group-'),
      Target: {
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('JobFunction'), 'Arn'] },
        RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('JobSchedulerRole'), 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('JobDeadLetterQueue'), 'Arn'] } },
      },
    });
  });

  test('payload carries the scheduled time, execution id, attempt and schedule ARN', () => {
    const { t } = built();
    const schedule = Object.values(t.findResources('AWS::Scheduler::Schedule'))[0];
    expect(JSON.parse(schedule.Properties.Target.Input)).toEqual({
      scheduledTime: '<aws.scheduler.scheduled-time>',
      executionId: '<aws.scheduler.execution-id>',
      attemptNumber: '<aws.scheduler.attempt-number>',
      scheduleArn: '<aws.scheduler.schedule-arn>',
    });
  });

  test('dead-letter queue: SSE-SQS, 14 days, SSL enforced', () => {
    const { t } = built();
    t.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
    t.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
    });
  });

  test('Scheduler role: trusted by scheduler for this account and group only; may invoke this function and write the DLQ, nothing else', () => {
    const { t } = built();
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': '123456789012', 'aws:SourceArn': { 'Fn::GetAtt': [Match.stringLikeRegexp('JobGroup'), 'Arn'] } } },
        }],
      },
    });
    const policies = Object.values(t.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes('JobSchedulerRole'));
    expect(policies).toHaveLength(1);
    expect(policies[0].Properties.PolicyDocument.Statement).toEqual([
      { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^JobFunction/), 'Arn'] } },
      { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^JobDeadLetterQueue/), 'Arn'] } },
    ]);
  });

  test('function: library defaults, 5 minute timeout, no reserved concurrency, job environment', () => {
    const { t, job: j } = built();
    t.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Timeout: 300,
      MemorySize: 512,
      TracingConfig: { Mode: 'Active' },
      ReservedConcurrentExecutions: Match.absent(),
      Environment: {
        Variables: Match.objectLike({
          SCHEDULED_JOB_NAME: j.jobName,
          SCHEDULED_JOB_METRIC_NAMESPACE: 'cdk-serverless-patterns/ScheduledJob',
          IDEMPOTENCY_TABLE_NAME: { Ref: Match.stringLikeRegexp('^ServerlessPatternsIdempotencyTable') },
          IDEMPOTENCY_KEY_PREFIX: 'TestStackJobDEC96A33',
          IDEMPOTENCY_TTL_SECONDS: '86400',
        }),
      },
    });
  });

  test('asynchronous invoke config: 2 Lambda retries, event age 1 hour, failures to the DLQ', () => {
    const { t } = built();
    t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 3600,
      Qualifier: '$LATEST',
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('JobDeadLetterQueue'), 'Arn'] } } },
    });
  });

  test('alarms: DLQ, target errors, dropped, DLQ delivery failures, function errors, missed run', () => {
    const { t } = built();
    const alarms = Object.values(t.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    const byMetric = (name: string) => alarms.find((a) => a.MetricName === name);
    expect(byMetric('ApproximateNumberOfMessagesVisible')).toMatchObject({ Threshold: 1, TreatMissingData: 'notBreaching' });
    for (const name of ['TargetErrorCount', 'InvocationDroppedCount', 'InvocationsFailedToBeSentToDeadLetterCount']) {
      expect(byMetric(name)).toMatchObject({ Namespace: 'AWS/Scheduler', Threshold: 1, Statistic: 'Sum', Period: 300 });
      expect(byMetric(name).Dimensions).toEqual([{ Name: 'ScheduleGroup', Value: expect.stringMatching(/^TestStack-Job-Group-/) }]);
    }
    expect(byMetric('Errors')).toMatchObject({ Namespace: 'AWS/Lambda', Threshold: 1 });
  });

  test('missed-run alarm: no ScheduledJobSucceeded in 25 hourly periods (24 h gap + timeout + margin), missing data breaching', () => {
    const { t, job: j } = built();
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'cdk-serverless-patterns/ScheduledJob',
      MetricName: 'ScheduledJobSucceeded',
      Dimensions: [{ Name: 'service', Value: j.jobName }],
      Statistic: 'Sum',
      Period: 3600,
      EvaluationPeriods: 25,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  test('next five runs shown at synth as an info annotation', () => {
    const { stack, job: j } = built();
    expect(nextRunInfos(stack)).toEqual(['cron(0 2 * * ? *) in Etc/UTC; next 5 runs: 2027-03-21 02:00 (UTC+00:00), '
      + '2027-03-22 02:00 (UTC+00:00), 2027-03-23 02:00 (UTC+00:00), 2027-03-24 02:00 (UTC+00:00), 2027-03-25 02:00 (UTC+00:00)']);
    expect(j.nextRuns.map((d) => d.toISOString())).toEqual(['2027-03-21T02:00:00.000Z', '2027-03-22T02:00:00.000Z',
      '2027-03-23T02:00:00.000Z', '2027-03-24T02:00:00.000Z', '2027-03-25T02:00:00.000Z']);
    expect(warningsOf(stack)).toEqual([]);
  });

  test('snapshot', () => {
    expect(snapshotTemplate(built().stack)).toMatchSnapshot();
  });
});

describe('ScheduledJob props', () => {
  test('time zone, flexible window, dates, disabled, description, payload', () => {
    const { t } = job({
      timeZone: TimeZone.EUROPE_BERLIN,
      flexibleWindow: Duration.minutes(15),
      startDate: new Date('2027-04-01T00:00:00Z'),
      endDate: new Date('2028-04-01T00:00:00Z'),
      enabled: false,
      description: 'nightly report',
      payload: { report: 'sales' },
    });
    t.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpressionTimezone: 'Europe/Berlin',
      FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 },
      StartDate: '2027-04-01T00:00:00.000Z',
      EndDate: '2028-04-01T00:00:00.000Z',
      State: 'DISABLED',
      Description: 'nightly report',
      Target: { Input: Match.serializedJson(Match.objectLike({ report: 'sales', executionId: '<aws.scheduler.execution-id>' })) },
    });
  });

  test('retry policy: attempts and event age reach Scheduler and Lambda (capped at 6 hours)', () => {
    const { t } = job({ retryPolicy: { maxAttempts: 3, maxEventAge: Duration.hours(12) } });
    t.hasResourceProperties('AWS::Scheduler::Schedule', { Target: { RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 43200 } } });
    t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumEventAgeInSeconds: 21600 });
  });

  test('rate: whole minutes rendered, default event age is the period, no annotation list without startDate', () => {
    const { t, stack, job: j } = job({ schedule: JobSchedule.rate(Duration.minutes(15)), target: ScheduledJobTarget.handler(handler, { timeout: Duration.minutes(1) }) });
    t.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(15 minutes)',
      Target: { RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 900 } },
    });
    expect(j.nextRuns).toEqual([]);
    expect(nextRunInfos(stack)).toEqual(['rate(15 minutes), counted from when the schedule is created (set startDate to fix the first run); '
      + 'a rate ignores daylight saving']);
    // 15 min gap + 1 min timeout + 10 min margin = 26 min: one period of 1560 s.
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ScheduledJobSucceeded', Period: 1560, EvaluationPeriods: 1 });
  });

  test('rate with startDate lists its first runs; hours and days render in their unit', () => {
    const { stack } = job({ schedule: JobSchedule.rate(Duration.hours(6)), startDate: new Date('2027-04-01T00:00:00Z'), timeZone: TimeZone.AMERICA_NEW_YORK });
    expect(nextRunInfos(stack)).toEqual(['rate(6 hours) from startDate 2027-04-01T00:00:00.000Z; next 5 runs in America/New_York: '
      + '2027-03-31 20:00 (UTC-04:00), 2027-04-01 02:00 (UTC-04:00), 2027-04-01 08:00 (UTC-04:00), 2027-04-01 14:00 (UTC-04:00), '
      + '2027-04-01 20:00 (UTC-04:00)']);
    // A startDate up to 5 minutes past (Scheduler accepts it): the runs still ahead of synth time (12:00Z), on its grid.
    const recent = job({ schedule: JobSchedule.rate(Duration.minutes(2)), startDate: new Date('2027-03-20T11:57:00Z') });
    expect(recent.job.nextRuns.map((d) => d.toISOString().slice(11, 16))).toEqual(['12:01', '12:03', '12:05', '12:07', '12:09']);
    const { t } = job({ schedule: JobSchedule.rate(Duration.days(1)) });
    t.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(1 day)' });
  });

  test('at: rendered as wall-clock time in the job time zone, no missed-run alarm', () => {
    const { t, stack } = job({ schedule: JobSchedule.at(new Date('2027-07-01T07:30:00Z')), timeZone: TimeZone.EUROPE_BERLIN });
    t.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'at(2027-07-01T09:30:00)', ScheduleExpressionTimezone: 'Europe/Berlin' });
    expect(nextRunInfos(stack)).toEqual(['at(2027-07-01T09:30:00) in Europe/Berlin: runs once, at 2027-07-01 09:30 (UTC+02:00)']);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 6);
  });

  test('allowOverlap false reserves a concurrency of 1', () => {
    const { t } = job({ allowOverlap: false });
    t.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 1 });
  });

  test('warns when the function timeout exceeds the period', () => {
    const { stack } = job({ schedule: JobSchedule.rate(Duration.minutes(5)), allowOverlap: false,
      target: ScheduledJobTarget.handler(handler, { timeout: Duration.minutes(10) }) });
    expect(warningsOf(stack)).toEqual([
      'the function timeout (10 minutes) exceeds the shortest time between runs (5 minutes): the next occurrence is throttled and '
      + 'waits in Lambda\'s asynchronous queue (up to retryPolicy.maxEventAge), then goes to the dead-letter queue. Lower the timeout, '
      + 'run less often, or hand long work to a state machine. [ack: cdk-serverless-patterns:ScheduledJob.timeoutExceedsPeriod]',
    ]);
  });

  test('a monthly job gets no missed-run alarm, with a warning', () => {
    const { t, stack } = job({ schedule: JobSchedule.cron('0 3 1 * ? *') });
    expect(Object.values(t.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties.MetricName)).not.toContain('ScheduledJobSucceeded');
    expect(warningsOf(stack)).toEqual([expect.stringMatching(/^runs can be up to 31 days apart, longer than the 7 days one CloudWatch alarm/)]);
  });

  test('idempotency off: no table, no table variables', () => {
    const { t } = job({ target: ScheduledJobTarget.handler(handler, { idempotency: false, retryAttempts: 0 }) });
    t.resourceCountIs('AWS::DynamoDB::Table', 0);
    t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0 });
    t.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ IDEMPOTENCY_TABLE_NAME: Match.absent() }) } });
  });

  test('a shared schedule group and an alarm topic', () => {
    const stack = newStack();
    const group = new scheduler.ScheduleGroup(stack, 'Shared', { scheduleGroupName: 'jobs' });
    const topic = new sns.Topic(stack, 'Alarms');
    const { t } = job({ scheduleGroup: group, alarmTopic: topic }, stack);
    t.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
    t.hasResourceProperties('AWS::Scheduler::Schedule', { GroupName: 'jobs' });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'TargetErrorCount', Dimensions: [{ Name: 'ScheduleGroup', Value: 'jobs' }],
      AlarmActions: [{ Ref: Match.stringLikeRegexp('Alarms') }] });
  });

  test('alarms can be turned off', () => {
    job({ alarmsEnabled: false }).t.resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });

  test('an existing function is wired, given the job environment, and invoked by its ARN only', () => {
    const stack = newStack();
    const fn = new lambda.Function(stack, 'Mine', { code: lambda.Code.fromInline('exports.handler=async()=>{}'), handler: 'index.handler', runtime: lambda.Runtime.NODEJS_22_X });
    const { t, job: j } = job({ target: ScheduledJobTarget.handler(HandlerCode.fromFunction(fn)) }, stack);
    expect(j.function).toBe(fn);
    t.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ SCHEDULED_JOB_NAME: j.jobName }) } });
    t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { FunctionName: { Ref: Match.stringLikeRegexp('Mine') } });
  });
});

describe('ScheduledJob other targets', () => {
  test('SqsWorker: SendMessage to its queue, payload as body, role may send to that queue and the DLQ only', () => {
    const stack = newStack();
    const worker = new SqsWorker(stack, 'Worker', { handler: HandlerCode.bundled('sqs-worker/example') });
    const { t } = job({ target: ScheduledJobTarget.sqsWorker(worker), payload: { orderId: 'restock-<aws.scheduler.execution-id>' } }, stack);
    t.hasResourceProperties('AWS::Scheduler::Schedule', {
      Target: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('WorkerQueue'), 'Arn'] }, Input: Match.serializedJson(Match.objectLike({ orderId: 'restock-<aws.scheduler.execution-id>' })) },
    });
    const policy = Object.values(t.findResources('AWS::IAM::Policy')).find((p) => JSON.stringify(p.Properties.Roles).includes('JobSchedulerRole'))!;
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^WorkerQueue/), 'Arn'] } },
      { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^JobDeadLetterQueue/), 'Arn'] } },
    ]);
    // No function of its own: the missed-run alarm watches Scheduler's attempts.
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/Scheduler', MetricName: 'InvocationAttemptCount', TreatMissingData: 'breaching' });
    t.resourceCountIs('AWS::Lambda::EventInvokeConfig', 0);
  });

  test('state machine: StartExecution on that machine only', () => {
    const stack = newStack();
    const machine = new sfn.StateMachine(stack, 'Machine', { definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'P')) });
    const { t } = job({ target: ScheduledJobTarget.stateMachine(machine) }, stack);
    t.hasResourceProperties('AWS::Scheduler::Schedule', { Target: { Arn: { Ref: Match.stringLikeRegexp('Machine') } } });
    const policy = Object.values(t.findResources('AWS::IAM::Policy')).find((p) => JSON.stringify(p.Properties.Roles).includes('JobSchedulerRole'))!;
    expect(policy.Properties.PolicyDocument.Statement[0]).toEqual({ Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: expect.stringMatching(/^Machine/) } });
  });
});

describe('ScheduledJob validation', () => {
  test('tokens are never a false error: a CfnParameter for the attempts and the flexible window', () => {
    const stack = newStack();
    const attempts = new CfnParameter(stack, 'Attempts', { type: 'Number' }).valueAsNumber;
    const window = new CfnParameter(stack, 'Window', { type: 'Number' }).valueAsNumber;
    const { t } = job({ retryPolicy: { maxAttempts: attempts }, flexibleWindow: Duration.minutes(window) }, stack);
    t.hasResourceProperties('AWS::Scheduler::Schedule', {
      FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: { Ref: 'Window' } },
      Target: { RetryPolicy: { MaximumRetryAttempts: { Ref: 'Attempts' } } },
    });
  });

  test('a token time zone needs maxRunInterval (the missed-run window); a token event age is accepted (scheduled-job-tokens.test.ts)', () => {
    const stack = newStack();
    const zone = new CfnParameter(stack, 'Zone').valueAsString;
    expect(() => job({ timeZone: TimeZone.of(zone) }, stack)).toThrow(/invalid prop 'maxRunInterval': is required when the schedule or the time zone is a token/);
    const age = new CfnParameter(stack, 'Age', { type: 'Number' }).valueAsNumber;
    expect(() => new ScheduledJob(stack, 'Job2', { schedule: JobSchedule.cron('0 2 * * ? *'), target: ScheduledJobTarget.handler(handler),
      retryPolicy: { maxEventAge: Duration.seconds(age) } })).not.toThrow();
  });

  const error = (props: Partial<ScheduledJobProps>, stack: Stack = newStack()) => () => job(props, stack);

  test('rate below one minute', () => {
    expect(error({ schedule: JobSchedule.rate(Duration.seconds(30)) })).toThrow(
      'TestStack/Job: invalid prop \'schedule\': a rate must be a whole number of minutes, at least one minute (given 30 seconds). '
      + 'Fix: use JobSchedule.rate(Duration.minutes(1)) or longer, in whole minutes');
  });

  test('at in the past is a warning, not an error (scheduled-job-tokens.test.ts has its text)', () => {
    expect(error({ schedule: JobSchedule.at(new Date('2027-03-01T00:00:00Z')) })).not.toThrow();
  });

  test('unknown time zone', () => {
    expect(error({ timeZone: TimeZone.of('Mars/Olympus_Mons') })).toThrow(
      'TestStack/Job: invalid prop \'timeZone\': \'Mars/Olympus_Mons\' is not an IANA time zone this runtime knows. '
      + 'Fix: use an IANA name such as TimeZone.EUROPE_BERLIN, TimeZone.of(\'America/New_York\') or TimeZone.ETC_UTC');
  });

  test('a cron that can never fire (31 February)', () => {
    expect(error({ schedule: JobSchedule.cron('0 0 31 2 ? *') })).toThrow(
      'TestStack/Job: invalid prop \'schedule\': cron \'0 0 31 2 ? *\' never fires after 2027-03-20: no date matches its day, '
      + 'month and year fields (e.g. 31 February, or years in the past). Fix: pick a day that exists in the chosen months '
      + '(e.g. \'L\' for the last day of the month) and a current year field (*)');
  });

  test('a malformed cron, through the one parser', () => {
    expect(error({ schedule: JobSchedule.cron('0 2 * * *') })).toThrow(
      'TestStack/Job: invalid prop \'schedule\': is not a valid cron expression: expected 6 fields, found 5 (given \'0 2 * * *\'). Fix: write six fields');
  });

  test('retry policy outside AWS limits', () => {
    expect(error({ retryPolicy: { maxAttempts: 186 } })).toThrow(
      'TestStack/Job: invalid prop \'retryPolicy.maxAttempts\': maximum retry attempts must be an integer between 0 and 185 (given 186). '
      + 'Fix: set the retry attempts between 0 and 185');
    expect(error({ retryPolicy: { maxEventAge: Duration.seconds(30) } })).toThrow(
      'TestStack/Job: invalid prop \'retryPolicy.maxEventAge\': maximum event age must be a whole number of seconds between 60 (1 minute) '
      + 'and 86400 (24 hours) (given 30 seconds). Fix: set the maximum event age between Duration.minutes(1) and Duration.hours(24)');
    expect(error({ retryPolicy: { maxEventAge: Duration.hours(25) } })).toThrow(/given 90000 seconds/);
  });

  test('a target that is not allowed: FIFO worker, worker without DLQ, allowOverlap off a function, imported function without overlap control', () => {
    const stack = newStack();
    const inStack = (id: string, props: Partial<ScheduledJobProps>) => () => new ScheduledJob(stack, id, {
      schedule: JobSchedule.cron('0 2 * * ? *'), target: ScheduledJobTarget.handler(handler), ...props,
    });
    const fifo = new SqsWorker(stack, 'Fifo', { handler: HandlerCode.bundled('sqs-worker/example'), fifo: true });
    expect(inStack('Job', { target: ScheduledJobTarget.sqsWorker(fifo) })).toThrow(
      'TestStack/Job: invalid prop \'target\': is an SqsWorker with a FIFO queue, which EventBridge Scheduler can only send to with '
      + 'content-based deduplication and a message group id, and ScheduledJob sends no message group id. Fix: schedule a standard-queue '
      + 'SqsWorker, or send to your FIFO queue from a function target');
    const bare = new SqsWorker(stack, 'Bare', { handler: HandlerCode.bundled('sqs-worker/example'), queue: new sqs.Queue(stack, 'Q') });
    expect(inStack('Job2', { target: ScheduledJobTarget.sqsWorker(bare) })).toThrow(
      'TestStack/Job2: invalid prop \'target\': is an SqsWorker without a dead-letter queue: a scheduled message that keeps failing would '
      + 'be lost when the queue retention ends. Fix: let SqsWorker create its queue (with its DLQ), or give your queue a redrive policy');
    const machine = sfn.StateMachine.fromStateMachineName(stack, 'M', 'm');
    expect(inStack('Job3', { target: ScheduledJobTarget.stateMachine(machine), allowOverlap: false })).toThrow(
      'TestStack/Job3: invalid prop \'allowOverlap\': is false, but the target is a state machine: the job cannot limit how its runs overlap '
      + 'there. Fix: drop allowOverlap, and limit concurrency on the worker (maxConcurrency) or in the state machine');
    const imported = lambda.Function.fromFunctionName(stack, 'F', 'f');
    expect(inStack('Job4', { target: ScheduledJobTarget.handler(HandlerCode.fromFunction(imported)), allowOverlap: false })).toThrow(
      'TestStack/Job4: invalid prop \'allowOverlap\': is false, but the target is a function you configure yourself '
      + '(HandlerCode.fromFunction()), whose reserved concurrency the job does not change. Fix: set reservedConcurrentExecutions: 1 on '
      + 'your function and leave allowOverlap unset, or pass HandlerCode.fromCode()');
  });

  test('other props', () => {
    expect(error({ flexibleWindow: Duration.minutes(1441) })).toThrow("TestStack/Job: invalid prop 'flexibleWindow': must be between 1 minute and 1 day (given 1 day 1 minute). Fix: set flexibleWindow between 1 minute and 1 day");
    expect(error({ flexibleWindow: Duration.seconds(90) })).toThrow(/invalid prop 'flexibleWindow': must be whole minutes \(given 1 minute 30 seconds\)/);
    expect(error({ startDate: new Date('2028-01-01'), endDate: new Date('2027-06-01') })).toThrow(/invalid prop 'endDate': must be after startDate/);
    expect(error({ endDate: new Date('2027-01-01') })).toThrow(/invalid prop 'endDate': 2027-01-01T00:00:00.000Z is in the past/);
    expect(error({ startDate: new Date('2027-03-20T11:54:00Z') })).toThrow(
      'TestStack/Job: invalid prop \'startDate\': 2027-03-20T11:54:00.000Z is more than 5 minutes in the past, which EventBridge '
      + 'Scheduler rejects when it creates or updates the schedule. Fix: remove startDate once it has passed, or set a future one');
    expect(error({ payload: { executionId: 'x' } })).toThrow(/invalid prop 'payload': uses the reserved key 'executionId'/);
    expect(error({ target: ScheduledJobTarget.handler(handler, { retryAttempts: 3 }) })).toThrow(/invalid prop 'target.retryAttempts': must be an integer between 0 and 2/);
    expect(error({ target: ScheduledJobTarget.handler(handler, { timeout: Duration.minutes(16) }) })).toThrow(
      'TestStack/Job: invalid prop \'target.timeout\': must be between 1 second and 15 minutes (given 16 minutes). Fix: set target.timeout between 1 second and 15 minutes');
  });
});

describe('next runs shown at synth across daylight saving', () => {
  test('the missed-run window covers the longer gaps across daylight saving', () => {
    const missed = (t: ReturnType<typeof template>) => Object.values(t.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties)
      .find((a) => a.MetricName === 'ScheduledJobSucceeded');
    const timeout = ScheduledJobTarget.handler(handler, { timeout: Duration.minutes(5) });
    // Every 15 minutes in New York: 01:00-01:45 EST repeat the hour already run in EDT, a 75 minute pause on 7 November.
    const frequent = job({ schedule: JobSchedule.cron('0/15 * * * ? *'), timeZone: TimeZone.AMERICA_NEW_YORK, target: timeout });
    expect(missed(frequent.t)).toMatchObject({ Period: 3600, EvaluationPeriods: 2 }); // 75 + 5 + 10 min = 90 min
    // Nightly at 03:30 in Berlin: 25 hours between the runs around 31 October.
    const nightly = job({ schedule: JobSchedule.cron('30 3 * * ? *'), timeZone: TimeZone.EUROPE_BERLIN, target: timeout });
    expect(missed(nightly.t)).toMatchObject({ Period: 3600, EvaluationPeriods: 26 }); // 25 h + 15 min
    expect(warningsOf(nightly.stack)).toEqual([]);
    // At 02:30 the spring run does not happen at all: a real miss, which the alarm reports (its window stays a day) and synth warns of.
    const skipping = job({ schedule: JobSchedule.cron('30 2 * * ? *'), timeZone: TimeZone.EUROPE_BERLIN, target: timeout });
    expect(missed(skipping.t)).toMatchObject({ Period: 3600, EvaluationPeriods: 26 });
    expect(warningsOf(skipping.stack)).toEqual(['Europe/Berlin moves its clocks forward over times this cron names, so EventBridge '
      + 'Scheduler skips those runs: no run at 2027-03-28 02:30 (local time). The missed-run alarm will report them. Schedule outside '
      + 'the switch hour (e.g. not between 02:00 and 03:00), or use Etc/UTC. [ack: cdk-serverless-patterns:ScheduledJob.skippedByDaylightSaving]']);
    // Every minute is too frequent to enumerate around a change: the whole one-hour shift is added.
    const started = Date.now();
    const minutely = job({ schedule: JobSchedule.cron('* * * * ? *'), timeZone: TimeZone.EUROPE_BERLIN, target: timeout });
    expect(missed(minutely.t)).toMatchObject({ Period: 3600, EvaluationPeriods: 2 }); // 1 + 60 + 5 + 10 min = 76 min
    expect(Date.now() - started).toBeLessThan(5000);
  });

  test('Europe/Berlin, week of the spring switch (28 March 2027): 02:30 is skipped that night', () => {
    jest.setSystemTime(new Date('2027-03-26T00:00:00Z'));
    const { stack } = job({ schedule: JobSchedule.cron('30 2 * * ? *'), timeZone: TimeZone.EUROPE_BERLIN });
    expect(nextRunInfos(stack)).toEqual(['cron(30 2 * * ? *) in Europe/Berlin; next 5 runs: 2027-03-26 02:30 (UTC+01:00), '
      + '2027-03-27 02:30 (UTC+01:00), 2027-03-29 02:30 (UTC+02:00), 2027-03-30 02:30 (UTC+02:00), 2027-03-31 02:30 (UTC+02:00)']);
  });

  test('America/New_York, week of the autumn switch (7 November 2027): 01:30 runs once that night', () => {
    jest.setSystemTime(new Date('2027-11-05T00:00:00Z'));
    const { stack, job: j } = job({ schedule: JobSchedule.cron('30 1 * * ? *'), timeZone: TimeZone.AMERICA_NEW_YORK });
    expect(nextRunInfos(stack)).toEqual(['cron(30 1 * * ? *) in America/New_York; next 5 runs: 2027-11-05 01:30 (UTC-04:00), '
      + '2027-11-06 01:30 (UTC-04:00), 2027-11-07 01:30 (UTC-04:00), 2027-11-08 01:30 (UTC-05:00), 2027-11-09 01:30 (UTC-05:00)']);
    expect(j.nextRuns.map((d) => d.toISOString())).toEqual(['2027-11-05T05:30:00.000Z', '2027-11-06T05:30:00.000Z',
      '2027-11-07T05:30:00.000Z', '2027-11-08T06:30:00.000Z', '2027-11-09T06:30:00.000Z']);
  });
});

describe('ScheduledJob rule packs', () => {
  test('SqsWorker and saga targets (as the demo app wires them) get no cdk-nag finding', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { AwsSolutionsChecks, ServerlessChecks } = require('cdk-nag');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { addSagaStateMachineDemo } = require('../examples/saga-state-machine');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { addSqsWorkerDemo } = require('../examples/sqs-worker');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { addScheduledJobDemo } = require('../examples/scheduled-job');
    const stack = newStack('Demo');
    const topic = new sns.Topic(stack, 'Alarms', { enforceSSL: true });
    const jobs = addScheduledJobDemo(stack, topic, addSqsWorkerDemo(stack, topic), addSagaStateMachineDemo(stack, topic));
    expect(jobs.map((j: ScheduledJob) => j.node.id)).toEqual(['NightlyReport', 'RestockJob', 'ReconcileJob']);
    for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
      expect(pack.validateScope(stack).violations).toEqual([]);
    }
  });
});
