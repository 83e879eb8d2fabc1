import type * as events from 'aws-cdk-lib/aws-events';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { FanOutPipeline } from './fan-out-pipeline';

/** How a consumer filter is expressed. */
export enum ConsumerFilterKind {
  /** SNS filter policy on message attributes. */
  SNS_ATTRIBUTES = 'SNS_ATTRIBUTES',
  /** SNS filter policy on the message body. */
  SNS_PAYLOAD = 'SNS_PAYLOAD',
  /** EventBridge event pattern. */
  EVENT_PATTERN = 'EVENT_PATTERN',
  /** S3 object key prefixes, rendered for the pipeline's source. */
  S3_KEY_PREFIXES = 'S3_KEY_PREFIXES',
  /** S3 object key suffixes, rendered for the pipeline's source. */
  S3_KEY_SUFFIXES = 'S3_KEY_SUFFIXES',
}

/** Which events a consumer receives. */
export class ConsumerFilter {
  /**
   * SNS filter policy on message attributes (the default SNS filter scope).
   * At most 5 attribute names and 150 value combinations.
   * @see https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policy-constraints.html
   */
  public static snsAttributes(policy: { [attribute: string]: sns.SubscriptionFilter }): ConsumerFilter {
    return new ConsumerFilter(ConsumerFilterKind.SNS_ATTRIBUTES, { attributes: policy });
  }

  /**
   * SNS filter policy on the JSON message body (`FilterPolicyScope: MessageBody`), e.g. on
   * `Records.s3.object.key` of an S3 notification.
   * @see https://docs.aws.amazon.com/sns/latest/dg/sns-message-filtering.html
   */
  public static snsPayload(policy: { [attribute: string]: sns.FilterOrPolicy }): ConsumerFilter {
    return new ConsumerFilter(ConsumerFilterKind.SNS_PAYLOAD, { payload: policy });
  }

  /**
   * EventBridge event pattern of the consumer's rule. With an S3 origin the pipeline adds
   * `source`, `detail-type` and `detail.bucket.name` unless the pattern sets them.
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
   */
  public static eventPattern(pattern: events.EventPattern): ConsumerFilter {
    return new ConsumerFilter(ConsumerFilterKind.EVENT_PATTERN, { pattern });
  }

  /**
   * Objects of the S3 origin whose key starts with one of the prefixes, for either source.
   * Keys in S3 notifications are URL-encoded, so prefixes are limited to letters, digits and
   * `/ _ . -` (characters S3 leaves as they are).
   */
  public static s3KeyPrefixes(prefixes: string[]): ConsumerFilter {
    return new ConsumerFilter(ConsumerFilterKind.S3_KEY_PREFIXES, { keyParts: prefixes });
  }

  /** Objects of the S3 origin whose key ends with one of the suffixes (same character rule). */
  public static s3KeySuffixes(suffixes: string[]): ConsumerFilter {
    return new ConsumerFilter(ConsumerFilterKind.S3_KEY_SUFFIXES, { keyParts: suffixes });
  }

  /** The filter's form. */
  public readonly kind: ConsumerFilterKind;
  /** Attribute policy (SNS_ATTRIBUTES). */
  public readonly snsAttributePolicy?: { [attribute: string]: sns.SubscriptionFilter };
  /** Body policy (SNS_PAYLOAD). */
  public readonly snsPayloadPolicy?: { [attribute: string]: sns.FilterOrPolicy };
  /** Event pattern (EVENT_PATTERN). */
  public readonly pattern?: events.EventPattern;
  /** Key prefixes or suffixes (S3_KEY_*). */
  public readonly keyParts?: string[];

  private constructor(kind: ConsumerFilterKind, spec: {
    attributes?: { [attribute: string]: sns.SubscriptionFilter };
    payload?: { [attribute: string]: sns.FilterOrPolicy };
    pattern?: events.EventPattern;
    keyParts?: string[];
  }) {
    this.kind = kind;
    this.snsAttributePolicy = spec.attributes;
    this.snsPayloadPolicy = spec.payload;
    this.pattern = spec.pattern;
    this.keyParts = spec.keyParts;
  }
}

/** S3 notification shape: `{ Records: [{ s3: { object: { key } } }] }`. */
function s3KeyPayloadPolicy(condition: sns.SubscriptionFilter): { [attribute: string]: sns.FilterOrPolicy } {
  return {
    Records: sns.FilterOrPolicy.policy({
      s3: sns.FilterOrPolicy.policy({
        object: sns.FilterOrPolicy.policy({ key: sns.FilterOrPolicy.filter(condition) }),
      }),
    }),
  };
}

export function renderSnsFilter(filter?: ConsumerFilter): subscriptions.SqsSubscriptionProps {
  if (!filter) return {};
  switch (filter.kind) {
    case ConsumerFilterKind.SNS_ATTRIBUTES: return { filterPolicy: filter.snsAttributePolicy };
    case ConsumerFilterKind.SNS_PAYLOAD: return { filterPolicyWithMessageBody: filter.snsPayloadPolicy };
    case ConsumerFilterKind.S3_KEY_PREFIXES:
      return { filterPolicyWithMessageBody: s3KeyPayloadPolicy(sns.SubscriptionFilter.stringFilter({ matchPrefixes: filter.keyParts })) };
    default:
      return { filterPolicyWithMessageBody: s3KeyPayloadPolicy(sns.SubscriptionFilter.stringFilter({ matchSuffixes: filter.keyParts })) };
  }
}

export function renderEventPattern(pipeline: FanOutPipeline, filter?: ConsumerFilter): events.EventPattern {
  let pattern: events.EventPattern = {};
  if (filter?.kind === ConsumerFilterKind.EVENT_PATTERN) pattern = filter.pattern ?? {};
  if (filter?.kind === ConsumerFilterKind.S3_KEY_PREFIXES) {
    pattern = { detail: { object: { key: filter.keyParts!.map((p) => ({ prefix: p })) } } };
  }
  if (filter?.kind === ConsumerFilterKind.S3_KEY_SUFFIXES) {
    pattern = { detail: { object: { key: filter.keyParts!.map((s) => ({ suffix: s })) } } };
  }
  const bucket = pipeline.originBucket;
  if (!bucket) return pattern;
  const detail = pattern.detail ?? {};
  return {
    ...pattern,
    source: pattern.source ?? ['aws.s3'],
    detailType: pattern.detailType ?? ['Object Created'],
    detail: { ...detail, bucket: { ...(detail.bucket ?? {}), name: [bucket.bucketName] } },
  };
}
