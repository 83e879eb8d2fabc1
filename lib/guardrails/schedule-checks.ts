import { asList, concreteNumber, Json, ModelResource, StackModel } from '../analysis/stack-model';
import { scheduleDeadLetterRule, scheduledRuleDeadLetterRule, scheduleRetryPolicyRule } from '../rules/schedule';
import type { Finding } from './finding';
import { findingOf } from './finding';

/** An EventBridge Scheduler schedule has a dead-letter queue and a bounded retry policy. */
export function checkSchedule(schedule: ModelResource): Finding[] {
  const target: Json = schedule.props.Target ?? {};
  const retry: Json = target.RetryPolicy;
  return [
    ...findingOf(schedule, scheduleDeadLetterRule.check({ hasDeadLetterQueue: target.DeadLetterConfig?.Arn !== undefined })),
    ...findingOf(schedule, scheduleRetryPolicyRule.check({
      retryPolicySet: retry !== undefined,
      maximumRetryAttempts: concreteNumber(retry?.MaximumRetryAttempts),
      maximumEventAgeSeconds: concreteNumber(retry?.MaximumEventAgeInSeconds),
    })),
  ];
}

function isLambdaTarget(model: StackModel, arn: Json): boolean {
  if (model.functionOf(arn)) return true;
  return typeof arn === 'string' && /^arn:[^:]+:lambda:/.test(arn);
}

/** A scheduled EventBridge rule (legacy) invoking Lambda has a dead-letter queue on each Lambda target. */
export function checkScheduledRule(model: StackModel, rule: ModelResource): Finding[] {
  const scheduled = rule.props.ScheduleExpression !== undefined;
  if (!scheduled) return [];
  return asList(rule.props.Targets).flatMap((target: Json) => findingOf(rule, scheduledRuleDeadLetterRule.check({
    scheduled,
    targetsLambda: isLambdaTarget(model, target?.Arn),
    hasDeadLetterQueue: target?.DeadLetterConfig?.Arn !== undefined,
  })));
}
