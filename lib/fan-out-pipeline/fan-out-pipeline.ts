import { Duration, Stack, Token } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';
import { createAlarms, PatternAlarmProps } from '../core/alarms';
import { Defaults } from '../core/defaults';
import { HandlerCode } from '../core/handler';
import type { ExpectedLoad } from '../core/load';
import { acknowledgeRule } from '../core/nag';
import { invalidProp, validateUniqueNames, warn } from '../core/validation';
import { SqsWorker, SqsWorkerOptions } from '../sqs-worker';

/**
 * Subscription filter policies per SNS topic (default quota, adjustable).
 * @see https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policy-constraints.html
 */
const SNS_FILTER_POLICIES_PER_TOPIC = 200;
/** Keys per SNS filter policy and the product of values across its arrays (same page). */
const SNS_FILTER_POLICY_MAX_KEYS = 5;
const SNS_FILTER_POLICY_MAX_COMBINATIONS = 150;
/**
 * Rules per EventBridge event bus (default quota, 100 in af-south-1 and eu-south-1).
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html
 */
const EVENTBRIDGE_RULES_PER_BUS = 300;
/** Ids of the pipeline's own children; a consumer (a child named after it) cannot take them. */
const RESERVED_CHILD_IDS = ['Topic', 'TopicKey', 'OriginBucket', 'DefaultBus'];

/** What a pipeline fans out from. */
export enum FanOutSourceKind {
  /** An SNS topic: each consumer is an SQS subscription with raw message delivery. */
  SNS_TOPIC = 'SNS_TOPIC',
  /** An EventBridge event bus: each consumer is a rule with an SQS target. */
  EVENT_BUS = 'EVENT_BUS',
}

/** The event source of a FanOutPipeline: an SNS topic or an EventBridge event bus. */
export class FanOutSource {
  /**
   * Fan out from an SNS topic.
   * @param topic a standard (not FIFO) topic
   * @default - a topic is created, encrypted with a created KMS key (rotation on), SSL enforced
   */
  public static snsTopic(topic?: sns.ITopic): FanOutSource {
    return new FanOutSource(FanOutSourceKind.SNS_TOPIC, topic, undefined);
  }

  /**
   * Fan out from an EventBridge event bus, one rule per consumer.
   * @param eventBus the bus the rules listen on
   * @default - the account's default event bus
   */
  public static eventBus(eventBus?: events.IEventBus): FanOutSource {
    return new FanOutSource(FanOutSourceKind.EVENT_BUS, undefined, eventBus);
  }

  /** SNS topic or EventBridge bus. */
  public readonly kind: FanOutSourceKind;
  /** The topic given to `snsTopic()`, if any. */
  public readonly existingTopic?: sns.ITopic;
  /** The bus given to `eventBus()`, if any. */
  public readonly existingEventBus?: events.IEventBus;

  private constructor(kind: FanOutSourceKind, topic?: sns.ITopic, eventBus?: events.IEventBus) {
    this.kind = kind;
    this.existingTopic = topic;
    this.existingEventBus = eventBus;
  }
}

/** Where the events of a FanOutPipeline originate. */
export class FanOutOrigin {
  /**
   * Object-created notifications of an S3 bucket: to the topic (SNS source) or through the
   * bucket's EventBridge integration to the default bus (event bus source).
   * @param bucket an existing bucket
   * @default - a bucket is created: S3-managed encryption, all public access blocked, SSL
   * enforced, retained on stack deletion
   */
  public static bucket(bucket?: s3.IBucket): FanOutOrigin {
    return new FanOutOrigin(bucket);
  }

  /** The bucket given to `bucket()`, if any. */
  public readonly existingBucket?: s3.IBucket;

  private constructor(bucket?: s3.IBucket) {
    this.existingBucket = bucket;
  }
}

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

/** One consumer of a FanOutPipeline. */
export interface FanOutConsumerOptions {
  /** Unique name in the pipeline (1-64 letters, digits, '-' or '_'), e.g. 'virus-scan'. */
  readonly name: string;
  /**
   * The consumer code: an SQS worker handler (wrap your per-record function with
   * `createSqsWorkerHandler`). The message body is the S3 notification (SNS raw delivery) or the
   * EventBridge event.
   */
  readonly handler: HandlerCode;
  /**
   * Which events reach this consumer.
   * @default - every message of the topic; with an event bus source, every object-created event
   * of the origin bucket (an event bus without an origin needs a filter)
   */
  readonly filter?: ConsumerFilter;
  /**
   * Settings of the consumer's SqsWorker.
   * @default - SqsWorker defaults, with the pipeline's alarm settings
   */
  readonly worker?: SqsWorkerOptions;
  /**
   * Acknowledge that this consumer may write to the origin bucket (e.g. under a prefix its
   * filter excludes). Without it, such a grant fails synthesis as a recursion loop.
   * @default false
   */
  readonly acknowledgeOriginBucketWrites?: boolean;
}

/** Properties of a FanOutPipeline. */
export interface FanOutPipelineProps extends PatternAlarmProps {
  /**
   * The event source.
   * @default FanOutSource.snsTopic() - a created, KMS-encrypted topic with SSL enforced
   */
  readonly source?: FanOutSource;
  /**
   * The consumers; more can be added with `addConsumer`. At least one by synthesis.
   * @default - none yet
   */
  readonly consumers?: FanOutConsumerOptions[];
  /**
   * An S3 bucket whose object-created notifications feed the source.
   * @default - no origin: you publish to the topic or bus yourself
   */
  readonly origin?: FanOutOrigin;
  /**
   * Messages published to the source per month, for the synth-time cost report
   * (ServerlessCostReport). Each consumer gets them all unless its `worker.expectedLoad` says otherwise.
   * @default - no estimate for this construct
   */
  readonly expectedLoad?: ExpectedLoad;
}

/**
 * One consumer of a FanOutPipeline: its SqsWorker, its subscription (SNS) or rule (EventBridge),
 * and a dead-letter queue for deliveries the source could not make.
 */
export class FanOutConsumer extends Construct {
  /** The consumer's name. */
  public readonly consumerName: string;
  /** Queue, dead-letter queue, function and alarms of this consumer. */
  public readonly worker: SqsWorker;
  /** The SNS subscription (SNS source). */
  public readonly subscription?: sns.Subscription;
  /** The EventBridge rule (event bus source). */
  public readonly rule?: events.Rule;
  /** Messages SNS or EventBridge failed to deliver to the consumer queue. */
  public readonly deliveryDeadLetterQueue: sqs.Queue;
  /** Alarms of the delivery path (the worker's alarms are on `worker.alarms`). */
  public readonly alarms: cloudwatch.Alarm[];
  /** Whether writes to the origin bucket were acknowledged. */
  public readonly acknowledgeOriginBucketWrites: boolean;

  constructor(pipeline: FanOutPipeline, options: FanOutConsumerOptions) {
    validateUniqueNames(pipeline, 'consumers', [options.name]);
    const taken = pipeline.node.tryFindChild(options.name);
    if (taken instanceof FanOutConsumer) {
      invalidProp(pipeline, 'consumers', `name '${options.name}' is used more than once`, 'give every consumer a unique name');
    }
    if (taken || RESERVED_CHILD_IDS.includes(options.name)) {
      invalidProp(pipeline, 'consumers', `name '${options.name}' is reserved for the pipeline's own ${RESERVED_CHILD_IDS.join(', ')}`,
        'rename the consumer, e.g. \'virus-scan\'');
    }
    // Checked before this consumer joins the pipeline's children, so quotas count the others.
    const prop = `consumers[${options.name}]`;
    const isSns = pipeline.source.kind === FanOutSourceKind.SNS_TOPIC;
    const filter = options.filter;
    validateFilter(pipeline, prop, filter);
    checkQuota(pipeline, prop, filter);
    if (!isSns && options.worker?.encryptionKey) {
      invalidProp(pipeline, `${prop}.worker.encryptionKey`,
        'an EventBridge target queue encrypted with a KMS key gets no per-rule aws:SourceArn condition, so any rule of the account could send to it',
        'leave encryptionKey unset (SSE-SQS), or use an SNS source');
    }
    super(pipeline, options.name);
    this.consumerName = options.name;
    this.acknowledgeOriginBucketWrites = options.acknowledgeOriginBucketWrites ?? false;

    const worker = options.worker ?? {};
    this.worker = new SqsWorker(this, 'Worker', {
      ...worker,
      alarmsEnabled: worker.alarmsEnabled ?? pipeline.alarmProps.alarmsEnabled,
      alarmTopic: worker.alarmTopic ?? pipeline.alarmProps.alarmTopic,
      handler: options.handler,
    });

    this.deliveryDeadLetterQueue = new sqs.Queue(this, 'DeliveryDeadLetterQueue', {
      retentionPeriod: Defaults.deadLetterRetention,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    acknowledgeRule(this.deliveryDeadLetterQueue, 'AwsSolutions-SQS3',
      `this queue is the dead-letter queue of the ${isSns ? 'SNS subscription' : 'EventBridge target'} of consumer ${options.name}`);
    acknowledgeRule(this.deliveryDeadLetterQueue, 'Serverless-SQSRedrivePolicy',
      'a dead-letter queue needs no dead-letter queue of its own');

    if (isSns) {
      this.subscription = pipeline.topic!.addSubscription(new subscriptions.SqsSubscription(this.worker.queue, {
        rawMessageDelivery: true,
        deadLetterQueue: this.deliveryDeadLetterQueue,
        ...renderSnsFilter(filter),
      }));
    } else {
      this.rule = new events.Rule(this, 'Rule', {
        eventBus: pipeline.eventBus,
        description: `FanOutPipeline ${pipeline.node.path}: events for consumer ${options.name}`,
        eventPattern: renderEventPattern(pipeline, filter),
        targets: [new targets.SqsQueue(this.worker.queue, { deadLetterQueue: this.deliveryDeadLetterQueue })],
      });
    }

    this.alarms = createAlarms(this, {
      alarmsEnabled: worker.alarmsEnabled ?? pipeline.alarmProps.alarmsEnabled,
      alarmTopic: worker.alarmTopic ?? pipeline.alarmProps.alarmTopic,
    }, {
      DeliveryDeadLetterQueueAlarm: {
        metric: this.deliveryDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
          statistic: 'Maximum', period: Duration.minutes(1),
        }),
        threshold: 1,
        description: `${isSns ? 'SNS' : 'EventBridge'} could not deliver messages to consumer ${options.name}'s queue; `
          + 'check the queue policy and encryption, then redrive them',
      },
    });
  }
}

/**
 * One event source (an SNS topic or an EventBridge bus, optionally fed by an S3 bucket) fanned
 * out to independent consumers. Each consumer is an SqsWorker with its own queue, dead-letter
 * queue, concurrency, alarms and idempotency, subscribed with its own filter.
 */
export class FanOutPipeline extends Construct {
  /** The source as given (or the default SNS source). */
  public readonly source: FanOutSource;
  /** The topic (SNS source). */
  public readonly topic?: sns.ITopic;
  /** The key of the created topic. */
  public readonly topicKey?: kms.Key;
  /** The bus the rules listen on (event bus source); undefined means the default bus. */
  public readonly eventBus?: events.IEventBus;
  /** The origin bucket, when there is one. */
  public readonly originBucket?: s3.IBucket;
  /** Alarm settings every consumer inherits. */
  public readonly alarmProps: PatternAlarmProps;
  /** The expected traffic the cost report prices (undefined: not estimated). */
  public readonly expectedLoad?: ExpectedLoad;

  constructor(scope: Construct, id: string, props: FanOutPipelineProps = {}) {
    super(scope, id);
    this.expectedLoad = props.expectedLoad;
    this.source = props.source ?? FanOutSource.snsTopic();
    this.alarmProps = { alarmsEnabled: props.alarmsEnabled, alarmTopic: props.alarmTopic };
    const hasOrigin = props.origin !== undefined;

    if (this.source.kind === FanOutSourceKind.SNS_TOPIC) {
      if (this.source.existingTopic?.fifo) {
        invalidProp(this, 'source', 'a FIFO topic can only deliver to FIFO queues, and fan-out consumers are independent, unordered workers',
          'pass a standard topic, or leave source unset to create one');
      }
      if (this.source.existingTopic) {
        this.topic = this.source.existingTopic;
      } else {
        this.topicKey = new kms.Key(this, 'TopicKey', {
          enableKeyRotation: true,
          description: `Encrypts the FanOutPipeline topic ${this.node.path}`,
        });
        this.topic = new sns.Topic(this, 'Topic', { masterKey: this.topicKey, enforceSSL: true });
      }
    } else {
      if (hasOrigin && this.source.existingEventBus && this.source.existingEventBus.eventBusName !== 'default') {
        invalidProp(this, 'origin', 'S3 sends its EventBridge notifications to the default event bus only',
          'use FanOutSource.eventBus() (the default bus), or an SNS source');
      }
      this.eventBus = this.source.existingEventBus;
    }

    if (props.origin) {
      this.originBucket = props.origin.existingBucket ?? new s3.Bucket(this, 'OriginBucket', {
        encryption: s3.BucketEncryption.S3_MANAGED,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        enforceSSL: true,
        eventBridgeEnabled: this.topic ? undefined : true,
      });
      if (!props.origin.existingBucket) {
        acknowledgeRule(this.originBucket, 'AwsSolutions-S1',
          'server access logs need a log bucket and retention decision of their own; pass your bucket with FanOutOrigin.bucket(bucket) to log');
      }
      if (this.topic) {
        this.originBucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SnsDestination(this.topic));
        // S3 publishes to an encrypted topic only if the key lets it (CDK adds this only behind a
        // feature flag). The created topic's key, or the key of a topic passed in.
        const topicKey = this.topic.masterKey;
        if (topicKey) {
          const trustS3 = new iam.PolicyStatement({
            principals: [new iam.ServicePrincipal('s3.amazonaws.com')],
            actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
            resources: ['*'],
          });
          if (!topicKey.addToResourcePolicy(trustS3, true).statementAdded) {
            warn(this, 'FanOutPipeline.importedTopicKey',
              `the topic's KMS key is imported, so its key policy cannot be changed: S3 cannot publish to the topic unless the key policy `
              + `already allows it: ${JSON.stringify(trustS3.toStatementJson())}`);
          }
        }
      } else if (props.origin.existingBucket) {
        props.origin.existingBucket.enableEventBridgeNotification();
      }
    }

    for (const consumer of props.consumers ?? []) this.addConsumer(consumer);
    this.node.addValidation({ validate: () => this.validatePipeline() });
  }

  /** Adds a consumer: its own SqsWorker subscribed to the source with its own filter. */
  public addConsumer(options: FanOutConsumerOptions): FanOutConsumer {
    return new FanOutConsumer(this, options);
  }

  /** The consumers, in the order they were added. */
  public get consumers(): FanOutConsumer[] {
    return this.node.children.filter((c): c is FanOutConsumer => c instanceof FanOutConsumer);
  }

  /** The consumer with this name; throws if there is none. */
  public consumer(name: string): FanOutConsumer {
    const found = this.consumers.find((c) => c.consumerName === name);
    if (!found) {
      throw new Error(`${this.node.path}: no consumer named '${name}' (consumers: ${this.consumers.map((c) => c.consumerName).join(', ') || 'none'})`);
    }
    return found;
  }

  /** Lets the grantee publish to the source (sns:Publish and the topic key, or events:PutEvents). */
  public grantPublish(grantee: iam.IGrantable): iam.Grant {
    if (this.topic) return this.topic.grantPublish(grantee);
    const bus = this.eventBus
      ?? this.node.tryFindChild('DefaultBus') as events.IEventBus | undefined
      ?? events.EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    return bus.grantPutEventsTo(grantee);
  }

  private validatePipeline(): string[] {
    const errors: string[] = [];
    if (this.consumers.length === 0) {
      errors.push(`${this.node.path}: invalid prop 'consumers': a fan-out pipeline needs at least one consumer (given none). `
        + 'Fix: pass consumers, or call addConsumer() before synthesis');
    }
    if (this.originBucket) {
      for (const consumer of this.consumers) {
        const loop = findOriginWrite(consumer.worker.function.role, this.originBucket);
        if (!loop) continue;
        const message = `consumer '${consumer.consumerName}' (${consumer.worker.function.node.path}) is allowed ${loop} on the origin bucket `
          + `${this.originBucket.node.path}; every object it writes raises an object-created notification that invokes it again `
          + `(origin bucket -> ${this.topic ? 'SNS topic' : 'event bus'} -> ${consumer.consumerName} -> origin bucket), a runaway loop`;
        if (consumer.acknowledgeOriginBucketWrites) {
          warn(consumer, 'FanOutPipeline.originBucketWrite', `${message}. Acknowledged: make sure its filter excludes what it writes.`);
        } else {
          errors.push(`${this.node.path}: invalid prop 'consumers[${consumer.consumerName}]': ${message}. `
            + 'Fix: write results to another bucket, or filter the consumer so it never sees its own writes and set acknowledgeOriginBucketWrites: true');
        }
      }
    }
    return errors;
  }
}

function validateFilter(pipeline: FanOutPipeline, prop: string, filter?: ConsumerFilter): void {
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

function checkQuota(scope: FanOutPipeline, prop: string, filter?: ConsumerFilter): void {
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

function renderSnsFilter(filter?: ConsumerFilter): subscriptions.SqsSubscriptionProps {
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

function renderEventPattern(pipeline: FanOutPipeline, filter?: ConsumerFilter): events.EventPattern {
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

/** Glob match of an IAM action or resource pattern (`*`, `?`) against a concrete value. */
function iamGlob(pattern: string, value: string): boolean {
  const regex = new RegExp(`^${pattern.split('').map((ch) => {
    if (ch === '*') return '.*';
    if (ch === '?') return '.';
    return ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }).join('')}$`, 'i');
  return regex.test(value);
}

const WRITE_ACTION = 's3:PutObject';
const BROAD_MANAGED_POLICIES = ['AmazonS3FullAccess', 'AdministratorAccess', 'PowerUserAccess'];

/**
 * Whether the role may write objects to the bucket, judged from the synthesized IAM of this stack:
 * the role's inline policies, attached AWS::IAM::Policy / ManagedPolicy resources and broad AWS
 * managed policies. Returns a description of the grant, or undefined.
 */
function findOriginWrite(role: iam.IRole | undefined, bucket: s3.IBucket): string | undefined {
  if (!role) return undefined;
  const stack = Stack.of(bucket);
  const bucketCfn = bucket.node.defaultChild as s3.CfnBucket | undefined;
  const bucketLogicalId = bucketCfn ? stack.resolve(bucketCfn.logicalId) as string : undefined;
  const bucketName = Token.isUnresolved(bucket.bucketName) ? 'origin-bucket' : bucket.bucketName;
  const objectArn = `arn:aws:s3:::${bucketName}/any-key`;
  const roleRef = JSON.stringify(stack.resolve(role.roleName));

  const resourceMatches = (resource: unknown): boolean => {
    if (typeof resource === 'string') return iamGlob(resource, objectArn) || (bucketName !== 'origin-bucket' && resource.includes(bucketName));
    return bucketLogicalId !== undefined && JSON.stringify(resource).includes(`"${bucketLogicalId}"`);
  };
  const inDocument = (document: unknown): string | undefined => {
    const statements = ((document as { Statement?: unknown[] })?.Statement ?? []) as Array<Record<string, unknown>>;
    for (const statement of statements) {
      if (statement.Effect !== 'Allow') continue;
      const actions = ([] as unknown[]).concat(statement.Action ?? []).filter((a): a is string => typeof a === 'string');
      const resources = ([] as unknown[]).concat(statement.Resource ?? []);
      const action = actions.find((a) => iamGlob(a, WRITE_ACTION));
      if (action && resources.some(resourceMatches)) return `'${action}'`;
    }
    return undefined;
  };

  const roleCfn = role instanceof iam.Role ? role.node.defaultChild as iam.CfnRole : undefined;
  if (roleCfn) {
    const managed = JSON.stringify(stack.resolve(roleCfn.managedPolicyArns) ?? []);
    const broad = BROAD_MANAGED_POLICIES.find((name) => managed.includes(`:policy/${name}"`));
    if (broad) return `'s3:*' through the managed policy ${broad}`;
    const inline = (stack.resolve(roleCfn.policies) ?? []) as Array<{ policyDocument?: unknown; PolicyDocument?: unknown }>;
    for (const policy of inline) {
      const found = inDocument(policy.policyDocument ?? policy.PolicyDocument);
      if (found) return found;
    }
  }
  for (const construct of stack.node.findAll()) {
    if (!(construct instanceof iam.CfnPolicy || construct instanceof iam.CfnManagedPolicy)) continue;
    const roles = JSON.stringify(stack.resolve(construct.roles) ?? []);
    if (!roles.includes(roleRef)) continue;
    const found = inDocument(stack.resolve(construct.policyDocument));
    if (found) return found;
  }
  return undefined;
}
