import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { describeViolation, RuleViolation } from '../rules/rule';
import { scheduleDeadLetterRule, scheduledRuleDeadLetterRule, scheduleRetryPolicyRule } from '../rules/schedule';
import type { Finding } from './checks';
import { asList, concreteNumber, Json, ModelResource, StackModel } from './stack-model';

/**
 * Guardrails over schedules: EventBridge Scheduler schedules without a dead-letter queue or a
 * bounded retry policy, and scheduled EventBridge rules (legacy) invoking Lambda without a DLQ.
 */
export function checkSchedules(model: StackModel, subject: ModelResource): Finding[] {
  if (subject.resource instanceof scheduler.CfnSchedule) return checkSchedule(subject.resource);
  if (subject.resource instanceof events.CfnRule) return checkScheduledRule(model, subject.resource);
  return [];
}

function findings(path: string, violations: Array<RuleViolation | undefined>): Finding[] {
  return violations.filter((v): v is RuleViolation => v !== undefined)
    .map((v) => ({ rule: v.rule, message: describeViolation(path, v) }));
}

function checkSchedule(schedule: scheduler.CfnSchedule): Finding[] {
  const target: Json = Stack.of(schedule).resolve(schedule.target) ?? {};
  const retry: Json = target.retryPolicy;
  return findings(schedule.node.path, [
    scheduleDeadLetterRule.check({ hasDeadLetterQueue: target.deadLetterConfig?.arn !== undefined }),
    scheduleRetryPolicyRule.check({
      retryPolicySet: retry !== undefined,
      maximumRetryAttempts: concreteNumber(retry?.maximumRetryAttempts),
      maximumEventAgeSeconds: concreteNumber(retry?.maximumEventAgeInSeconds),
    }),
  ]);
}

function isLambdaTarget(model: StackModel, arn: Json): boolean {
  if (model.functionOf(arn)) return true;
  return typeof arn === 'string' && /^arn:[^:]+:lambda:/.test(arn);
}

function checkScheduledRule(model: StackModel, rule: events.CfnRule): Finding[] {
  const stack = Stack.of(rule);
  const scheduled = stack.resolve(rule.scheduleExpression) !== undefined;
  if (!scheduled) return [];
  const targets: Json[] = asList(stack.resolve(rule.targets));
  return findings(rule.node.path, targets.map((target) => scheduledRuleDeadLetterRule.check({
    scheduled,
    targetsLambda: isLambdaTarget(model, target.arn),
    hasDeadLetterQueue: target.deadLetterConfig?.arn !== undefined,
  })));
}
