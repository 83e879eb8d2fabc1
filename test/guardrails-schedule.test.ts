import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AsyncFunction, GuardrailRule, GuardrailSeverity, HandlerCode, ServerlessGuardrails } from '../lib';
import { scheduleDeadLetterRule, scheduledRuleDeadLetterRule, scheduleRetryPolicyRule } from '../lib/rules/schedule';
import { findingsOf, guardedStack, messageOf, userFunction } from './guardrails-support';

describe('schedule rules (pure)', () => {
  test('retry policy: missing, out of AWS limits, within limits, unknown', () => {
    expect(scheduleRetryPolicyRule.check({ retryPolicySet: false })?.rule).toBe(GuardrailRule.SCHEDULE_RETRY_POLICY);
    expect(scheduleRetryPolicyRule.check({ retryPolicySet: true, maximumRetryAttempts: 186 })?.message)
      .toBe('maximum retry attempts must be an integer between 0 and 185 (given 186)');
    expect(scheduleRetryPolicyRule.check({ retryPolicySet: true, maximumEventAgeSeconds: 59 })?.fix)
      .toBe('set the maximum event age between Duration.minutes(1) and Duration.hours(24)');
    expect(scheduleRetryPolicyRule.check({ retryPolicySet: true, maximumRetryAttempts: 0, maximumEventAgeSeconds: 86400 })).toBeUndefined();
    expect(scheduleRetryPolicyRule.check({})).toBeUndefined();
  });

  test('dead-letter and scheduled-rule rules treat unknown as no violation', () => {
    expect(scheduleDeadLetterRule.check({})).toBeUndefined();
    expect(scheduleDeadLetterRule.check({ hasDeadLetterQueue: false })?.rule).toBe(GuardrailRule.SCHEDULE_DEAD_LETTER);
    expect(scheduledRuleDeadLetterRule.check({ scheduled: true, targetsLambda: true })).toBeUndefined();
    expect(scheduledRuleDeadLetterRule.check({ scheduled: false, targetsLambda: true, hasDeadLetterQueue: false })).toBeUndefined();
    expect(scheduledRuleDeadLetterRule.check({ scheduled: true, targetsLambda: true, hasDeadLetterQueue: false })?.rule)
      .toBe(GuardrailRule.SCHEDULED_RULE_WITHOUT_DLQ);
  });
});

describe('ServerlessGuardrails on schedules', () => {
  test('an L1 schedule without dead-letter queue or retry policy gets both findings', () => {
    const stack = guardedStack();
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com') });
    new scheduler.CfnSchedule(stack, 'Raw', {
      scheduleExpression: 'rate(1 hour)',
      flexibleTimeWindow: { mode: 'OFF' },
      target: { arn: 'arn:aws:sqs:us-east-1:123456789012:jobs', roleArn: role.roleArn },
    });
    expect(findingsOf(stack)).toEqual([
      { level: 'warning', path: '/UserStack/Raw', rule: 'SPG-SCHEDULE-DLQ' },
      { level: 'warning', path: '/UserStack/Raw', rule: 'SPG-SCHEDULE-RETRY' },
    ]);
    expect(messageOf(stack, 'SPG-SCHEDULE-DLQ')).toBe('[SPG-SCHEDULE-DLQ] UserStack/Raw: the schedule has no dead-letter queue: an '
      + 'occurrence EventBridge Scheduler cannot deliver within its retry policy is dropped, and only the InvocationDroppedCount metric '
      + 'remembers it. Fix: set the target\'s DeadLetterConfig to an encrypted SQS queue (with an alarm on it), or use ScheduledJob');
  });

  test('an L1 schedule with a retry policy outside AWS limits is flagged; an L2 schedule with a DLQ is not', () => {
    const stack = guardedStack();
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com') });
    new scheduler.CfnSchedule(stack, 'TooMany', {
      scheduleExpression: 'rate(1 hour)',
      flexibleTimeWindow: { mode: 'OFF' },
      target: { arn: 'arn:aws:sqs:us-east-1:123456789012:jobs', roleArn: role.roleArn, deadLetterConfig: { arn: 'arn:aws:sqs:us-east-1:123456789012:dlq' },
        retryPolicy: { maximumRetryAttempts: 200, maximumEventAgeInSeconds: 3600 } },
    });
    const fn = userFunction(stack, 'Job');
    new scheduler.Schedule(stack, 'Fine', {
      schedule: scheduler.ScheduleExpression.rate(Duration.hours(1)),
      target: new schedulerTargets.LambdaInvoke(fn, { deadLetterQueue: new sqs.Queue(stack, 'Dlq'), retryAttempts: 3 }),
    });
    expect(findingsOf(stack)).toEqual([{ level: 'warning', path: '/UserStack/TooMany', rule: 'SPG-SCHEDULE-RETRY' }]);
  });

  test('a scheduled rule invoking Lambda without a DLQ is a warning that suggests ScheduledJob; with a DLQ, or a pattern rule, none', () => {
    const stack = guardedStack();
    const fn = userFunction(stack, 'Nightly');
    new events.Rule(stack, 'Cron', { schedule: events.Schedule.cron({ hour: '2', minute: '0' }), targets: [new targets.LambdaFunction(fn)] });
    new events.Rule(stack, 'WithDlq', { schedule: events.Schedule.rate(Duration.hours(1)),
      targets: [new targets.LambdaFunction(fn, { deadLetterQueue: new sqs.Queue(stack, 'RuleDlq') })] });
    new events.Rule(stack, 'Pattern', { eventPattern: { source: ['orders'] }, targets: [new targets.LambdaFunction(fn)] });
    const findings = findingsOf(stack).filter((f) => f.rule === 'SPG-SCHEDULED-RULE-DLQ');
    expect(findings).toEqual([{ level: 'warning', path: '/UserStack/Cron/Resource', rule: 'SPG-SCHEDULED-RULE-DLQ' }]);
    expect(messageOf(stack, 'SPG-SCHEDULED-RULE-DLQ')).toBe('[SPG-SCHEDULED-RULE-DLQ] UserStack/Cron/Resource: a scheduled EventBridge '
      + 'rule (a legacy feature, UTC only) invokes a Lambda function without a dead-letter queue on the target: a run EventBridge cannot '
      + 'deliver is dropped without a trace. Fix: move the job to ScheduledJob (EventBridge Scheduler: time zone, bounded retry policy, '
      + 'dead-letter queue, missed-run alarm), or give the rule target a deadLetterQueue');
  });

  test('AsyncFunction.addSchedule (deprecated) keeps its failure queue as the target DLQ: no finding', () => {
    const stack = guardedStack();
    const fn = new AsyncFunction(stack, 'Indexer', { handler: HandlerCode.bundled('async-function/example') });
    fn.addSchedule(events.Schedule.rate(Duration.hours(1)));
    expect(findingsOf(stack).filter((f) => f.rule.startsWith('SPG-SCHEDULE'))).toEqual([]);
  });

  test('severity is configurable and the finding can be acknowledged', () => {
    const stack = guardedStack({ severities: { 'SPG-SCHEDULED-RULE-DLQ': GuardrailSeverity.ERROR } });
    const fn = userFunction(stack, 'Nightly');
    new events.Rule(stack, 'Cron', { schedule: events.Schedule.rate(Duration.hours(1)), targets: [new targets.LambdaFunction(fn)] });
    expect(findingsOf(stack).filter((f) => f.rule === 'SPG-SCHEDULED-RULE-DLQ').map((f) => f.level)).toEqual(['error']);
    const stack2 = guardedStack();
    const fn2 = userFunction(stack2, 'Nightly');
    const rule2 = new events.Rule(stack2, 'Cron', { schedule: events.Schedule.rate(Duration.hours(1)), targets: [new targets.LambdaFunction(fn2)] });
    ServerlessGuardrails.acknowledge(rule2, 'SPG-SCHEDULED-RULE-DLQ', 'idempotent cache warm-up; a missed run is harmless');
    expect(findingsOf(stack2).filter((f) => f.rule === 'SPG-SCHEDULED-RULE-DLQ')).toEqual([]);
  });
});
