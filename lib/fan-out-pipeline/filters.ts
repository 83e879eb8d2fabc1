import { Token } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { invalidProp, warn } from '../core/validation';
import type { FanOutPipeline } from './fan-out-pipeline';
import { AWS_LIMITS } from '../rules/limits';

/**
 * How a consumer filter is expressed.
 * @deprecated the factories of `ConsumerFilter` say it (`snsAttributes`, `eventPattern`, ...); removed in 0.3.0
 */
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

/** What a ConsumerFilter factory was given (not exported from the package). */
interface FilterGiven {
  readonly kind: ConsumerFilterKind;
  readonly attributes?: { [attribute: string]: sns.SubscriptionFilter };
  readonly payload?: { [attribute: string]: sns.FilterOrPolicy };
  readonly pattern?: events.EventPattern;
  readonly keyParts?: string[];
}

/** Keys per SNS filter policy and the product of values across its arrays. */
const SNS_FILTER_POLICY_MAX_KEYS = AWS_LIMITS.snsFilterPolicyKeys.max;
const SNS_FILTER_POLICY_MAX_COMBINATIONS = AWS_LIMITS.snsFilterPolicyCombinations.max;

/** Which events a consumer receives. */
export abstract class ConsumerFilter {
  /**
   * SNS filter policy on message attributes (the default SNS filter scope).
   * At most 5 attribute names and 150 value combinations.
   * @see https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policy-constraints.html
   */
  public static snsAttributes(policy: { [attribute: string]: sns.SubscriptionFilter }): ConsumerFilter {
    return new SnsPolicyFilter(ConsumerFilterKind.SNS_ATTRIBUTES, { attributes: policy });
  }

  /**
   * SNS filter policy on the JSON message body (`FilterPolicyScope: MessageBody`), e.g. on
   * `Records.s3.object.key` of an S3 notification.
   * @see https://docs.aws.amazon.com/sns/latest/dg/sns-message-filtering.html
   */
  public static snsPayload(policy: { [attribute: string]: sns.FilterOrPolicy }): ConsumerFilter {
    return new SnsPolicyFilter(ConsumerFilterKind.SNS_PAYLOAD, { payload: policy });
  }

  /**
   * EventBridge event pattern of the consumer's rule. With an S3 origin the pipeline adds
   * `source`, `detail-type` and `detail.bucket.name` unless the pattern sets them.
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
   */
  public static eventPattern(pattern: events.EventPattern): ConsumerFilter {
    return new EventPatternFilter(pattern);
  }

  /**
   * Objects of the S3 origin whose key starts with one of the prefixes, for either source.
   * Keys in S3 notifications are URL-encoded, so prefixes are limited to letters, digits and
   * `/ _ . -` (characters S3 leaves as they are).
   */
  public static s3KeyPrefixes(prefixes: string[]): ConsumerFilter {
    return new S3KeyFilter(ConsumerFilterKind.S3_KEY_PREFIXES, prefixes);
  }

  /** Objects of the S3 origin whose key ends with one of the suffixes (same character rule). */
  public static s3KeySuffixes(suffixes: string[]): ConsumerFilter {
    return new S3KeyFilter(ConsumerFilterKind.S3_KEY_SUFFIXES, suffixes);
  }

  protected constructor() {}

  /**
   * The filter's form.
   * @deprecated the factory that made this filter says it; removed in 0.3.0
   */
  public get kind(): ConsumerFilterKind {
    return this._given.kind;
  }

  /**
   * Attribute policy (SNS_ATTRIBUTES).
   * @deprecated keep a reference to the policy you passed to `snsAttributes`; removed in 0.3.0
   */
  public get snsAttributePolicy(): { [attribute: string]: sns.SubscriptionFilter } | undefined {
    return this._given.attributes;
  }

  /**
   * Body policy (SNS_PAYLOAD).
   * @deprecated keep a reference to the policy you passed to `snsPayload`; removed in 0.3.0
   */
  public get snsPayloadPolicy(): { [attribute: string]: sns.FilterOrPolicy } | undefined {
    return this._given.payload;
  }

  /**
   * Event pattern (EVENT_PATTERN).
   * @deprecated keep a reference to the pattern you passed to `eventPattern`; removed in 0.3.0
   */
  public get pattern(): events.EventPattern | undefined {
    return this._given.pattern;
  }

  /**
   * Key prefixes or suffixes (S3_KEY_*).
   * @deprecated keep a reference to the keys you passed to `s3KeyPrefixes`/`s3KeySuffixes`; removed in 0.3.0
   */
  public get keyParts(): string[] | undefined {
    return this._given.keyParts;
  }

  /** @internal What the factory was given, for the deprecated accessors. */
  protected abstract readonly _given: FilterGiven;

  /** @internal Validates the filter for an SNS topic source and renders the subscription's filter policy. */
  public abstract _bindToTopic(pipeline: FanOutPipeline, prop: string): subscriptions.SqsSubscriptionProps;

  /**
   * @internal Validates the filter for an event bus source and renders the rule's event pattern
   * (before the pipeline adds its origin bucket's fields).
   */
  public abstract _bindToEventBus(pipeline: FanOutPipeline, prop: string): events.EventPattern;
}

/** An SNS filter policy, on attributes or on the message body. */
class SnsPolicyFilter extends ConsumerFilter {
  protected readonly _given: FilterGiven;
  private readonly attributes?: { [attribute: string]: sns.SubscriptionFilter };
  private readonly payload?: { [attribute: string]: sns.FilterOrPolicy };

  constructor(private readonly form: ConsumerFilterKind, spec: {
    attributes?: { [attribute: string]: sns.SubscriptionFilter };
    payload?: { [attribute: string]: sns.FilterOrPolicy };
  }) {
    super();
    this._given = { kind: form, ...spec };
    this.attributes = spec.attributes;
    this.payload = spec.payload;
  }

  public _bindToTopic(pipeline: FanOutPipeline, prop: string): subscriptions.SqsSubscriptionProps {
    const keys = Object.keys(this.attributes ?? this.payload ?? {});
    if (keys.length === 0) {
      invalidProp(pipeline, `${prop}.filter`, 'the filter policy is empty (an empty policy would match nothing useful and is rejected by SNS)',
        'name at least one attribute, or leave filter unset to receive every message');
    }
    if (!this.attributes) return { filterPolicyWithMessageBody: this.payload };
    if (keys.length > SNS_FILTER_POLICY_MAX_KEYS) {
      invalidProp(pipeline, `${prop}.filter`, `an SNS filter policy has at most ${SNS_FILTER_POLICY_MAX_KEYS} keys (given ${keys.length})`,
        'filter on fewer attributes, or split the consumer');
    }
    const combinations = Object.values(this.attributes).reduce((n, f) => n * Math.max(1, f.conditions.length), 1);
    if (combinations > SNS_FILTER_POLICY_MAX_COMBINATIONS) {
      invalidProp(pipeline, `${prop}.filter`, `an SNS filter policy allows at most ${SNS_FILTER_POLICY_MAX_COMBINATIONS} value combinations (given ${combinations})`,
        'use fewer values per attribute, or prefix matching');
    }
    if (pipeline.originBucket) {
      warn(pipeline, 'FanOutPipeline.attributeFilterWithBucket',
        `${prop} filters on message attributes, but S3 notifications carry none: this consumer receives only messages `
        + 'others publish with those attributes. Use ConsumerFilter.snsPayload or s3KeyPrefixes/s3KeySuffixes for S3 events.');
    }
    return { filterPolicy: this.attributes };
  }

  public _bindToEventBus(pipeline: FanOutPipeline, prop: string): events.EventPattern {
    return invalidProp(pipeline, `${prop}.filter`, `an SNS filter policy (${this.form}) does not apply to an event bus source`,
      'use ConsumerFilter.eventPattern(...) or ConsumerFilter.s3KeyPrefixes/s3KeySuffixes(...)');
  }
}

/** An EventBridge event pattern. */
class EventPatternFilter extends ConsumerFilter {
  protected readonly _given: FilterGiven;

  constructor(private readonly eventPattern: events.EventPattern) {
    super();
    this._given = { kind: ConsumerFilterKind.EVENT_PATTERN, pattern: eventPattern };
  }

  public _bindToTopic(pipeline: FanOutPipeline, prop: string): subscriptions.SqsSubscriptionProps {
    return invalidProp(pipeline, `${prop}.filter`, 'an EventBridge event pattern does not apply to an SNS topic source',
      'use ConsumerFilter.snsAttributes(...) or ConsumerFilter.snsPayload(...)');
  }

  public _bindToEventBus(pipeline: FanOutPipeline, prop: string): events.EventPattern {
    if (Object.values(this.eventPattern ?? {}).every((v) => v === undefined)) {
      invalidProp(pipeline, `${prop}.filter`, 'the event pattern is empty',
        'match at least one field, e.g. { source: [\'my.app\'] }, or leave filter unset with an S3 origin');
    }
    return this.eventPattern;
  }
}

/** Key prefixes or suffixes of the origin bucket's objects, rendered for either source. */
class S3KeyFilter extends ConsumerFilter {
  protected readonly _given: FilterGiven;
  private readonly what: 'prefixes' | 'suffixes';

  constructor(form: ConsumerFilterKind, private readonly parts: string[]) {
    super();
    this._given = { kind: form, keyParts: parts };
    this.what = form === ConsumerFilterKind.S3_KEY_PREFIXES ? 'prefixes' : 'suffixes';
  }

  public _bindToTopic(pipeline: FanOutPipeline, prop: string): subscriptions.SqsSubscriptionProps {
    this.validate(pipeline, prop);
    const condition = sns.SubscriptionFilter.stringFilter(this.what === 'prefixes' ? { matchPrefixes: this.parts } : { matchSuffixes: this.parts });
    // The S3 notification's shape: { Records: [{ s3: { object: { key } } }] }.
    return {
      filterPolicyWithMessageBody: {
        Records: sns.FilterOrPolicy.policy({
          s3: sns.FilterOrPolicy.policy({ object: sns.FilterOrPolicy.policy({ key: sns.FilterOrPolicy.filter(condition) }) }),
        }),
      },
    };
  }

  public _bindToEventBus(pipeline: FanOutPipeline, prop: string): events.EventPattern {
    this.validate(pipeline, prop);
    const key = this.parts.map((part) => (this.what === 'prefixes' ? { prefix: part } : { suffix: part }));
    return { detail: { object: { key } } };
  }

  private validate(pipeline: FanOutPipeline, prop: string): void {
    const parts = this.parts ?? [];
    if (!pipeline.originBucket) {
      invalidProp(pipeline, `${prop}.filter`, `S3 key ${this.what} match S3 notifications, and the pipeline has no origin bucket`,
        'set origin: FanOutOrigin.bucket(...), or filter with snsPayload / eventPattern');
    }
    if (parts.length === 0) {
      invalidProp(pipeline, `${prop}.filter`, `no key ${this.what} given`, 'pass at least one, or leave filter unset to receive every object');
    }
    for (const part of parts) {
      if (Token.isUnresolved(part)) continue;
      if (!/^[A-Za-z0-9/_.-]+$/.test(part)) {
        invalidProp(pipeline, `${prop}.filter`,
          `key ${this.what} may hold only letters, digits and '/ _ . -', since S3 URL-encodes other characters in notifications (given '${part}')`,
          'use the URL-encoded form (space as \'+\') in ConsumerFilter.snsPayload / eventPattern');
      }
    }
  }
}

/** The rule's event pattern: the filter's, plus the origin bucket's source, detail type and name unless the filter sets them. */
export function withOriginBucket(pipeline: FanOutPipeline, pattern: events.EventPattern): events.EventPattern {
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
