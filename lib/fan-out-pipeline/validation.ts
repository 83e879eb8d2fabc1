import type * as sns from 'aws-cdk-lib/aws-sns';
import { invalidProp } from '../core/validation';
import type { FanOutConsumer } from './consumer';
import type { FanOutPipeline } from './fan-out-pipeline';
import { AWS_LIMITS } from '../rules/limits';

/**
 * Subscription filter policies per SNS topic (default quota, adjustable).
 * @see https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policy-constraints.html
 */
const SNS_FILTER_POLICIES_PER_TOPIC = AWS_LIMITS.snsFilterPoliciesPerTopic.max;
/**
 * Rules per EventBridge event bus (default quota, 100 in af-south-1 and eu-south-1).
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html
 */
const EVENTBRIDGE_RULES_PER_BUS = AWS_LIMITS.eventBridgeRulesPerBus.max;

/** The topic's filter-policy quota, counting the consumer about to join (subscriptions without a policy do not count). */
export function checkTopicQuota(pipeline: FanOutPipeline, prop: string, filtered: boolean): void {
  if (!filtered) return;
  const count = pipeline.consumers.filter((c) => c.subscription && hasSnsFilter(c)).length + 1;
  if (count > SNS_FILTER_POLICIES_PER_TOPIC) {
    invalidProp(pipeline, prop, `an SNS topic takes at most ${SNS_FILTER_POLICIES_PER_TOPIC} subscription filter policies by default (given ${count})`,
      'split the consumers across pipelines, or raise the quota and use the topic with fewer filtered consumers per pipeline');
  }
}

/** The bus's rule quota, counting the consumer about to join. */
export function checkEventBusQuota(pipeline: FanOutPipeline, prop: string): void {
  const count = pipeline.consumers.length + 1;
  if (count > EVENTBRIDGE_RULES_PER_BUS) {
    invalidProp(pipeline, prop, `an event bus takes at most ${EVENTBRIDGE_RULES_PER_BUS} rules by default (given ${count} consumers)`,
      'split the consumers across buses, or raise the quota');
  }
}

function hasSnsFilter(consumer: FanOutConsumer): boolean {
  const cfn = consumer.subscription?.node.defaultChild as sns.CfnSubscription | undefined;
  return cfn?.filterPolicy !== undefined;
}
