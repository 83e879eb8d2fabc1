import { GuardrailRule, GuardrailSeverity } from './ids';
import { AWS_LIMITS, durationCode } from './limits';
import { defineRule } from './rule';

/** EventBridge Scheduler's limits of a target retry policy. */
export const SCHEDULER_RETRY_LIMITS = {
  minAttempts: AWS_LIMITS.schedulerRetryAttempts.min,
  maxAttempts: AWS_LIMITS.schedulerRetryAttempts.max,
  minEventAgeSeconds: AWS_LIMITS.schedulerMaxEventAge.min,
  maxEventAgeSeconds: AWS_LIMITS.schedulerMaxEventAge.max,
} as const;

/** What the retry-policy rule judges on one schedule; undefined = unknown. */
export interface ScheduleRetryFacts {
  /** Whether the schedule's target has a `RetryPolicy`. */
  readonly retryPolicySet?: boolean;
  readonly maximumRetryAttempts?: number;
  readonly maximumEventAgeSeconds?: number;
}

/**
 * A schedule's target has a retry policy, and it lies within EventBridge Scheduler's limits
 * (0 to 185 attempts, event age 60 s to 24 h). Without one, Scheduler's defaults apply: 185
 * attempts over 24 hours, so a failing nightly delivery keeps retrying into the next night.
 * @see https://docs.aws.amazon.com/scheduler/latest/APIReference/API_RetryPolicy.html
 */
export const scheduleRetryPolicyRule = defineRule<ScheduleRetryFacts>({
  id: GuardrailRule.SCHEDULE_RETRY_POLICY,
  defaultSeverity: GuardrailSeverity.WARNING,
  summary: 'an EventBridge Scheduler target has a bounded retry policy within AWS limits '
    + `(${SCHEDULER_RETRY_LIMITS.minAttempts}-${SCHEDULER_RETRY_LIMITS.maxAttempts} attempts, `
    + `${SCHEDULER_RETRY_LIMITS.minEventAgeSeconds} s-${SCHEDULER_RETRY_LIMITS.maxEventAgeSeconds / 3600} h event age)`,
  check: ({ retryPolicySet, maximumRetryAttempts: attempts, maximumEventAgeSeconds: age }) => {
    const limits = SCHEDULER_RETRY_LIMITS;
    if (retryPolicySet === false) {
      return {
        rule: GuardrailRule.SCHEDULE_RETRY_POLICY,
        message: `the schedule has no retry policy, so EventBridge Scheduler's defaults apply: ${AWS_LIMITS.schedulerRetryAttempts.default} `
          + `attempts over ${AWS_LIMITS.schedulerMaxEventAge.default / 3600} hours, `
          + 'and a delivery that keeps failing is retried long after its occurrence (into the next run)',
        fix: 'set the target\'s RetryPolicy (e.g. MaximumRetryAttempts 10, MaximumEventAgeInSeconds 3600), or use ScheduledJob',
      };
    }
    if (attempts !== undefined && (!Number.isInteger(attempts) || attempts < limits.minAttempts || attempts > limits.maxAttempts)) {
      return {
        rule: GuardrailRule.SCHEDULE_RETRY_POLICY,
        message: `maximum retry attempts must be an integer between ${limits.minAttempts} and ${limits.maxAttempts} (given ${attempts})`,
        fix: `set the retry attempts between ${limits.minAttempts} and ${limits.maxAttempts}`,
      };
    }
    if (age !== undefined && (age < limits.minEventAgeSeconds || age > limits.maxEventAgeSeconds || !Number.isInteger(age))) {
      return {
        rule: GuardrailRule.SCHEDULE_RETRY_POLICY,
        message: `maximum event age must be a whole number of seconds between ${limits.minEventAgeSeconds} (1 minute) and `
          + `${limits.maxEventAgeSeconds} (24 hours) (given ${age} seconds)`,
        fix: `set the maximum event age between ${durationCode(limits.minEventAgeSeconds, 'minutes')} and `
          + `${durationCode(limits.maxEventAgeSeconds, 'hours')}`,
      };
    }
    return undefined;
  },
});

/** What the dead-letter rule judges on one schedule. */
export interface ScheduleDeadLetterFacts {
  /** Whether the schedule's target has a `DeadLetterConfig` with a queue. */
  readonly hasDeadLetterQueue?: boolean;
}

/**
 * A schedule's target has a dead-letter queue: an occurrence Scheduler could not deliver within
 * its retry policy is kept there (and counted), not dropped.
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html
 */
export const scheduleDeadLetterRule = defineRule<ScheduleDeadLetterFacts>({
  id: GuardrailRule.SCHEDULE_DEAD_LETTER,
  defaultSeverity: GuardrailSeverity.WARNING,
  summary: 'an EventBridge Scheduler target has a dead-letter queue',
  check: ({ hasDeadLetterQueue }) => (hasDeadLetterQueue !== false ? undefined : {
    rule: GuardrailRule.SCHEDULE_DEAD_LETTER,
    message: 'the schedule has no dead-letter queue: an occurrence EventBridge Scheduler cannot deliver within its retry '
      + 'policy is dropped, and only the InvocationDroppedCount metric remembers it',
    fix: 'set the target\'s DeadLetterConfig to an encrypted SQS queue (with an alarm on it), or use ScheduledJob',
  }),
});

/** What the scheduled-rule rule judges on one target of a scheduled EventBridge rule. */
export interface ScheduledRuleTargetFacts {
  /** Whether the rule runs on a schedule (`ScheduleExpression`). */
  readonly scheduled?: boolean;
  /** Whether the target is a Lambda function. */
  readonly targetsLambda?: boolean;
  /** Whether the target has a `DeadLetterConfig`. */
  readonly hasDeadLetterQueue?: boolean;
}

/**
 * A scheduled EventBridge rule (a legacy feature) that invokes a Lambda function keeps failed
 * deliveries in a dead-letter queue; better, it moves to EventBridge Scheduler, which adds time
 * zones, a retry policy and a dead-letter queue.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-run-lambda-schedule.html
 */
export const scheduledRuleDeadLetterRule = defineRule<ScheduledRuleTargetFacts>({
  id: GuardrailRule.SCHEDULED_RULE_WITHOUT_DLQ,
  defaultSeverity: GuardrailSeverity.WARNING,
  summary: 'a scheduled EventBridge rule invoking Lambda has a dead-letter queue on its target (better: ScheduledJob)',
  check: ({ scheduled, targetsLambda, hasDeadLetterQueue }) => (scheduled !== true || targetsLambda !== true
    || hasDeadLetterQueue !== false ? undefined : {
      rule: GuardrailRule.SCHEDULED_RULE_WITHOUT_DLQ,
      message: 'a scheduled EventBridge rule (a legacy feature, UTC only) invokes a Lambda function without a dead-letter '
        + 'queue on the target: a run EventBridge cannot deliver is dropped without a trace',
      fix: 'move the job to ScheduledJob (EventBridge Scheduler: time zone, bounded retry policy, dead-letter queue, '
        + 'missed-run alarm), or give the rule target a deadLetterQueue',
    }),
});
