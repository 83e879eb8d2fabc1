import { Token } from 'aws-cdk-lib';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { IConstruct } from 'constructs';
import { invalidProp, warn } from '../core/validation';
import type { FanOutConsumer } from './consumer';
import type { FanOutPipeline } from './fan-out-pipeline';
import { ConsumerFilter, ConsumerFilterKind } from './filters';
import { FanOutSourceKind } from './source';
import { AWS_LIMITS } from '../rules/limits';

/**
 * Subscription filter policies per SNS topic (default quota, adjustable).
 * @see https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policy-constraints.html
 */
const SNS_FILTER_POLICIES_PER_TOPIC = AWS_LIMITS.snsFilterPoliciesPerTopic.max;
/** Keys per SNS filter policy and the product of values across its arrays (same page). */
const SNS_FILTER_POLICY_MAX_KEYS = AWS_LIMITS.snsFilterPolicyKeys.max;
const SNS_FILTER_POLICY_MAX_COMBINATIONS = AWS_LIMITS.snsFilterPolicyCombinations.max;
/**
 * Rules per EventBridge event bus (default quota, 100 in af-south-1 and eu-south-1).
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html
 */
const EVENTBRIDGE_RULES_PER_BUS = AWS_LIMITS.eventBridgeRulesPerBus.max;

export function validateFilter(pipeline: FanOutPipeline, prop: string, filter?: ConsumerFilter): void {
  const scope: IConstruct = pipeline;
  const isSns = pipeline.source.kind === FanOutSourceKind.SNS_TOPIC;
  const sourceName = isSns ? 'an SNS topic source' : 'an event bus source';
  if (!filter) {
    if (!isSns && !pipeline.originBucket) {
      invalidProp(scope, `${prop}.filter`, 'an event bus rule needs an event pattern, and there is no origin bucket to derive one from (given none)',
        'pass filter: ConsumerFilter.eventPattern({ source: [...], detailType: [...] })');
    }
    return;
  }
  switch (filter.kind) {
    case ConsumerFilterKind.SNS_ATTRIBUTES:
    case ConsumerFilterKind.SNS_PAYLOAD: {
      if (!isSns) {
        invalidProp(scope, `${prop}.filter`, `an SNS filter policy (${filter.kind}) does not apply to ${sourceName}`,
          'use ConsumerFilter.eventPattern(...) or ConsumerFilter.s3KeyPrefixes/s3KeySuffixes(...)');
      }
      const policy = filter.snsAttributePolicy ?? filter.snsPayloadPolicy ?? {};
      const keys = Object.keys(policy);
      if (keys.length === 0) {
        invalidProp(scope, `${prop}.filter`, 'the filter policy is empty (an empty policy would match nothing useful and is rejected by SNS)',
          'name at least one attribute, or leave filter unset to receive every message');
      }
      if (filter.snsAttributePolicy) {
        if (keys.length > SNS_FILTER_POLICY_MAX_KEYS) {
          invalidProp(scope, `${prop}.filter`, `an SNS filter policy has at most ${SNS_FILTER_POLICY_MAX_KEYS} keys (given ${keys.length})`,
            'filter on fewer attributes, or split the consumer');
        }
        const combinations = Object.values(filter.snsAttributePolicy).reduce((n, f) => n * Math.max(1, f.conditions.length), 1);
        if (combinations > SNS_FILTER_POLICY_MAX_COMBINATIONS) {
          invalidProp(scope, `${prop}.filter`, `an SNS filter policy allows at most ${SNS_FILTER_POLICY_MAX_COMBINATIONS} value combinations (given ${combinations})`,
            'use fewer values per attribute, or prefix matching');
        }
      }
      if (filter.snsAttributePolicy && pipeline.originBucket) {
        warn(scope, 'FanOutPipeline.attributeFilterWithBucket',
          `${prop} filters on message attributes, but S3 notifications carry none: this consumer receives only messages `
          + 'others publish with those attributes. Use ConsumerFilter.snsPayload or s3KeyPrefixes/s3KeySuffixes for S3 events.');
      }
      return;
    }
    case ConsumerFilterKind.EVENT_PATTERN: {
      if (isSns) {
        invalidProp(scope, `${prop}.filter`, `an EventBridge event pattern does not apply to ${sourceName}`,
          'use ConsumerFilter.snsAttributes(...) or ConsumerFilter.snsPayload(...)');
      }
      const pattern = filter.pattern ?? {};
      if (Object.values(pattern).every((v) => v === undefined)) {
        invalidProp(scope, `${prop}.filter`, 'the event pattern is empty',
          'match at least one field, e.g. { source: [\'my.app\'] }, or leave filter unset with an S3 origin');
      }
      return;
    }
    default: {
      const parts = filter.keyParts ?? [];
      const what = filter.kind === ConsumerFilterKind.S3_KEY_PREFIXES ? 'prefixes' : 'suffixes';
      if (!pipeline.originBucket) {
        invalidProp(scope, `${prop}.filter`, `S3 key ${what} match S3 notifications, and the pipeline has no origin bucket`,
          'set origin: FanOutOrigin.bucket(...), or filter with snsPayload / eventPattern');
      }
      if (parts.length === 0) {
        invalidProp(scope, `${prop}.filter`, `no key ${what} given`, `pass at least one, or leave filter unset to receive every object`);
      }
      for (const part of parts) {
        if (Token.isUnresolved(part)) continue;
        if (!/^[A-Za-z0-9/_.-]+$/.test(part)) {
          invalidProp(scope, `${prop}.filter`,
            `key ${what} may hold only letters, digits and '/ _ . -', since S3 URL-encodes other characters in notifications (given '${part}')`,
            'use the URL-encoded form (space as \'+\') in ConsumerFilter.snsPayload / eventPattern');
        }
      }
    }
  }
}

export function checkQuota(scope: FanOutPipeline, prop: string, filter?: ConsumerFilter): void {
  const existing = scope.consumers;
  if (scope.source.kind === FanOutSourceKind.SNS_TOPIC) {
    // Subscriptions without a filter policy do not count against the filter-policy quota.
    const filtered = existing.filter((c) => c.subscription && hasSnsFilter(c)).length + (filter ? 1 : 0);
    if (filter && filtered > SNS_FILTER_POLICIES_PER_TOPIC) {
      invalidProp(scope, prop, `an SNS topic takes at most ${SNS_FILTER_POLICIES_PER_TOPIC} subscription filter policies by default (given ${filtered})`,
        'split the consumers across pipelines, or raise the quota and use the topic with fewer filtered consumers per pipeline');
    }
  } else if (existing.length + 1 > EVENTBRIDGE_RULES_PER_BUS) {
    invalidProp(scope, prop, `an event bus takes at most ${EVENTBRIDGE_RULES_PER_BUS} rules by default (given ${existing.length + 1} consumers)`,
      'split the consumers across buses, or raise the quota');
  }
}

function hasSnsFilter(consumer: FanOutConsumer): boolean {
  const cfn = consumer.subscription?.node.defaultChild as sns.CfnSubscription | undefined;
  return cfn?.filterPolicy !== undefined;
}
