import type * as events from 'aws-cdk-lib/aws-events';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';

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
