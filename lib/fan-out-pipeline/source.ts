import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { invalidProp } from '../core/validation';
import type { FanOutConsumerOptions } from './consumer';
import type { FanOutPipeline } from './fan-out-pipeline';
import { withOriginBucket } from './filters';
import { checkEventBusQuota, checkTopicQuota } from './validation';

/**
 * What a pipeline fans out from.
 * @deprecated the factories of `FanOutSource` say it (`snsTopic`, `eventBus`); removed in 0.3.0
 */
export enum FanOutSourceKind {
  /** An SNS topic: each consumer is an SQS subscription with raw message delivery. */
  SNS_TOPIC = 'SNS_TOPIC',
  /** An EventBridge event bus: each consumer is a rule with an SQS target. */
  EVENT_BUS = 'EVENT_BUS',
}

/** How one consumer's queue is fed: its subscription (SNS) or its rule (EventBridge). */
export interface ConsumerDelivery {
  readonly subscription?: sns.Subscription;
  readonly rule?: events.Rule;
}

/** A source bound to its pipeline (not exported from the package). */
export interface FanOutSourceBinding {
  /** The topic (SNS source). */
  readonly topic?: sns.ITopic;
  /** The created topic's key. */
  readonly topicKey?: kms.Key;
  /** The bus the rules listen on (event bus source); undefined means the default bus. */
  readonly eventBus?: events.IEventBus;
  /** The service that delivers to the consumer queues, for messages: `SNS` or `EventBridge`. */
  readonly service: string;
  /** What delivers to a consumer queue, for messages: `SNS subscription` or `EventBridge target`. */
  readonly deliveredBy: string;
  /** Validates a consumer (filter, quota, queue encryption) before it joins the pipeline; returns how to feed its queue. */
  planConsumer(prop: string, options: FanOutConsumerOptions): (consumer: Construct, queue: sqs.IQueue, deadLetterQueue: sqs.IQueue) => ConsumerDelivery;
}

/** The event source of a FanOutPipeline: an SNS topic or an EventBridge event bus. */
export abstract class FanOutSource {
  /**
   * Fan out from an SNS topic.
   * @param topic a standard (not FIFO) topic
   * @default - a topic is created, encrypted with a created KMS key (rotation on), SSL enforced
   */
  public static snsTopic(topic?: sns.ITopic): FanOutSource {
    return new TopicSource(topic);
  }

  /**
   * Fan out from an EventBridge event bus, one rule per consumer.
   * @param eventBus the bus the rules listen on
   * @default - the account's default event bus
   */
  public static eventBus(eventBus?: events.IEventBus): FanOutSource {
    return new EventBusSource(eventBus);
  }

  protected constructor() {}

  /**
   * SNS topic or EventBridge bus.
   * @deprecated the factory that made this source says it; `FanOutPipeline.topic` or `.eventBus` is set; removed in 0.3.0
   */
  public get kind(): FanOutSourceKind {
    return this._given.kind;
  }

  /**
   * The topic given to `snsTopic()`, if any.
   * @deprecated use `FanOutPipeline.topic`; removed in 0.3.0
   */
  public get existingTopic(): sns.ITopic | undefined {
    return this._given.topic;
  }

  /**
   * The bus given to `eventBus()`, if any.
   * @deprecated use `FanOutPipeline.eventBus`; removed in 0.3.0
   */
  public get existingEventBus(): events.IEventBus | undefined {
    return this._given.eventBus;
  }

  /** @internal What the factory was given, for the deprecated accessors. */
  protected abstract readonly _given: { readonly kind: FanOutSourceKind; readonly topic?: sns.ITopic; readonly eventBus?: events.IEventBus };

  /** @internal Creates what the source needs in the pipeline (a topic and its key), and feeds consumers from it. */
  public abstract _bind(pipeline: FanOutPipeline, hasOrigin: boolean): FanOutSourceBinding;
}

/** An SNS topic, given or created; each consumer is an SQS subscription with raw message delivery. */
class TopicSource extends FanOutSource {
  protected readonly _given: { readonly kind: FanOutSourceKind; readonly topic?: sns.ITopic };

  constructor(private readonly topic?: sns.ITopic) {
    super();
    this._given = { kind: FanOutSourceKind.SNS_TOPIC, topic };
  }

  public _bind(pipeline: FanOutPipeline): FanOutSourceBinding {
    if (this.topic?.fifo) {
      invalidProp(pipeline, 'source', 'a FIFO topic can only deliver to FIFO queues, and fan-out consumers are independent, unordered workers',
        'pass a standard topic, or leave source unset to create one');
    }
    const topicKey = this.topic ? undefined : new kms.Key(pipeline, 'TopicKey', {
      enableKeyRotation: true,
      description: `Encrypts the FanOutPipeline topic ${pipeline.node.path}`,
    });
    const topic = this.topic ?? new sns.Topic(pipeline, 'Topic', { masterKey: topicKey, enforceSSL: true });
    return {
      topic,
      topicKey,
      service: 'SNS',
      deliveredBy: 'SNS subscription',
      planConsumer: (prop, options) => {
        const filter = options.filter?._bindToTopic(pipeline, prop) ?? {};
        checkTopicQuota(pipeline, prop, options.filter !== undefined);
        return (_consumer, queue, deadLetterQueue) => ({
          subscription: topic.addSubscription(new subscriptions.SqsSubscription(queue, { rawMessageDelivery: true, deadLetterQueue, ...filter })),
        });
      },
    };
  }
}

/** An EventBridge bus (the default one unless given); each consumer is a rule with an SQS target. */
class EventBusSource extends FanOutSource {
  protected readonly _given: { readonly kind: FanOutSourceKind; readonly eventBus?: events.IEventBus };

  constructor(private readonly bus?: events.IEventBus) {
    super();
    this._given = { kind: FanOutSourceKind.EVENT_BUS, eventBus: bus };
  }

  public _bind(pipeline: FanOutPipeline, hasOrigin: boolean): FanOutSourceBinding {
    if (hasOrigin && this.bus && this.bus.eventBusName !== 'default') {
      invalidProp(pipeline, 'origin', 'S3 sends its EventBridge notifications to the default event bus only',
        'use FanOutSource.eventBus() (the default bus), or an SNS source');
    }
    return {
      eventBus: this.bus,
      service: 'EventBridge',
      deliveredBy: 'EventBridge target',
      planConsumer: (prop, options) => {
        if (!options.filter && !pipeline.originBucket) {
          invalidProp(pipeline, `${prop}.filter`, 'an event bus rule needs an event pattern, and there is no origin bucket to derive one from (given none)',
            'pass filter: ConsumerFilter.eventPattern({ source: [...], detailType: [...] })');
        }
        const pattern = withOriginBucket(pipeline, options.filter?._bindToEventBus(pipeline, prop) ?? {});
        checkEventBusQuota(pipeline, prop);
        if (options.worker?.encryptionKey) {
          invalidProp(pipeline, `${prop}.worker.encryptionKey`,
            'an EventBridge target queue encrypted with a KMS key gets no per-rule aws:SourceArn condition, so any rule of the account could send to it',
            'leave encryptionKey unset (SSE-SQS), or use an SNS source');
        }
        return (consumer, queue, deadLetterQueue) => ({
          rule: new events.Rule(consumer, 'Rule', {
            eventBus: this.bus,
            description: `FanOutPipeline ${pipeline.node.path}: events for consumer ${options.name}`,
            eventPattern: pattern,
            targets: [new targets.SqsQueue(queue, { deadLetterQueue })],
          }),
        });
      },
    };
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
