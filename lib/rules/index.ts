// The rule layer: every rule of the library once. Constructs enforce these on their props;
// ServerlessGuardrails checks the same functions over every resource of the app.
export * from './ids';
export * from './rule';
export * from './sqs';
export * from './lambda';
export * from './provisioned';
export * from './s3';
export * from './express-logging';
export * from './stream';
export * from './schedule';
export * from './state-machine';
export * from './vpc';
export * from './durable';
export * from './concurrency';

import { expressLoggingRule } from './express-logging';
import { apiTimeoutRule, asyncOnFailureRule, functionLogGroupRule, logRetentionRule } from './lambda';
import { provisionedAboveReservedRule, provisionedBypassedRule, provisionedOnLatestRule } from './provisioned';
import type { Rule } from './rule';
import { s3RecursionRule } from './s3';
import { callbackTimeoutRule } from './state-machine';
import { scheduleDeadLetterRule, scheduledRuleDeadLetterRule, scheduleRetryPolicyRule } from './schedule';
import { sqsMaxConcurrencyRule, sqsPartialBatchRule, sqsSourceRedriveRule, sqsVisibilityRule } from './sqs';
import {
  streamBisectRule, streamConcurrencyRule, streamOnFailureRule, streamPartialBatchRule, streamRecordAgeRule, streamRetriesRule,
} from './stream';
import { vpcEgressRule } from './vpc';
import { durableConfigRule, durableSyncTimeoutRule, durableUnqualifiedRule } from './durable';
import { concurrencyBudgetRule, concurrencyUnresolvedEnvironmentRule, concurrencyUnresolvedValueRule } from './concurrency';

/**
 * Every rule of the library. A guardrail reports only ids of these rules, and every rule a
 * construct enforces is one of these (test/rules.test.ts checks both). Add a new rule here.
 */
export const ALL_RULES: Array<Rule<any>> = [
  sqsVisibilityRule,
  sqsMaxConcurrencyRule,
  sqsSourceRedriveRule,
  sqsPartialBatchRule,
  asyncOnFailureRule,
  logRetentionRule,
  functionLogGroupRule,
  apiTimeoutRule,
  provisionedAboveReservedRule,
  provisionedOnLatestRule,
  provisionedBypassedRule,
  s3RecursionRule,
  expressLoggingRule,
  streamBisectRule,
  streamRetriesRule,
  streamRecordAgeRule,
  streamOnFailureRule,
  streamPartialBatchRule,
  streamConcurrencyRule,
  scheduleDeadLetterRule,
  scheduleRetryPolicyRule,
  scheduledRuleDeadLetterRule,
  callbackTimeoutRule,
  vpcEgressRule,
  durableUnqualifiedRule,
  durableSyncTimeoutRule,
  durableConfigRule,
  concurrencyBudgetRule,
  concurrencyUnresolvedEnvironmentRule,
  concurrencyUnresolvedValueRule,
];
export * from './limits';
