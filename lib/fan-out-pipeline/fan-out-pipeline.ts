import * as iam from 'aws-cdk-lib/aws-iam';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { roleAccessToBucketObjects } from '../analysis/construct-access';
import { writeFacts } from '../analysis/iam';
import type { PatternAlarmProps } from '../core/alarms';
import { MESSAGE_PRODUCER_KEY_ACTIONS, withKeyGrant } from '../core/grants';
import { acknowledgeRule } from '../core/nag';
import { warn } from '../core/validation';
import { advise, violationError } from '../rules/rule';
import { s3RecursionRule, s3RecursionUndetermined, S3RecursionFacts, triggeringActions } from '../rules/s3';
import { FanOutConsumer, FanOutConsumerOptions } from './consumer';
import { FanOutOrigin, FanOutSource, FanOutSourceBinding } from './source';
import type { ExpectedLoad } from '../core/load';
import { rejectUnknownProps } from '../core/known-props';
import { FAN_OUT_PIPELINE_PROPS } from './known-props';

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
  /** @internal Alarm settings every consumer inherits. */
  public readonly _alarmProps: PatternAlarmProps;
  /** @internal The source bound to this pipeline: it validates and feeds each consumer. */
  public readonly _source: FanOutSourceBinding;

  /** The expected traffic the cost report prices (undefined: not estimated). */
  public readonly expectedLoad?: ExpectedLoad;

  constructor(scope: Construct, id: string, props: FanOutPipelineProps = {}) {
    super(scope, id);
    rejectUnknownProps(this, 'FanOutPipeline', props, FAN_OUT_PIPELINE_PROPS);
    this.expectedLoad = props.expectedLoad;
    this.source = props.source ?? FanOutSource.snsTopic();
    this._alarmProps = { alarmsEnabled: props.alarmsEnabled, alarmTopic: props.alarmTopic };
    this._source = this.source._bind(this, props.origin !== undefined);
    this.topic = this._source.topic;
    this.topicKey = this._source.topicKey;
    this.eventBus = this._source.eventBus;

    if (props.origin) this.originBucket = this.createOrigin(props.origin);

    for (const consumer of props.consumers ?? []) this.addConsumer(consumer);
    this.node.addValidation({ validate: () => this.validatePipeline() });
  }

  /**
   * Alarm settings every consumer inherits.
   * @deprecated an internal detail: the consumers take them from the pipeline's props; removed in 0.3.0
   */
  public get alarmProps(): PatternAlarmProps {
    return this._alarmProps;
  }

  /** Adds a consumer: its own SqsWorker subscribed to the source with its own filter. */
  public addConsumer(options: FanOutConsumerOptions): FanOutConsumer {
    // The constructor is deprecated for users only: it becomes internal in 0.3.0, and this stays its caller.
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

  /**
   * Lets the grantee publish to the source: `sns:Publish` on the topic and, on a KMS-encrypted
   * topic, exactly `kms:GenerateDataKey` and `kms:Decrypt` on its key (no `kms:*` wildcards); or
   * `events:PutEvents` on the event bus.
   * @see https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
   */
  public grantPublish(grantee: iam.IGrantable): iam.Grant {
    if (this.topic) {
      const grant = iam.Grant.addToPrincipalOrResource({
        grantee, actions: ['sns:Publish'], resourceArns: [this.topic.topicArn], resource: this.topic,
      });
      return withKeyGrant(grant, grantee, this.topic.masterKey, MESSAGE_PRODUCER_KEY_ACTIONS);
    }
    const bus = this.eventBus
      ?? this.node.tryFindChild('DefaultBus') as events.IEventBus | undefined
      ?? events.EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    return bus.grantPutEventsTo(grantee);
  }

  /** The origin bucket (created unless given), notifying the topic or the default event bus. */
  private createOrigin(origin: FanOutOrigin): s3.IBucket {
    const bucket = origin.existingBucket ?? new s3.Bucket(this, 'OriginBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      eventBridgeEnabled: this.topic ? undefined : true,
    });
    if (!origin.existingBucket) {
      acknowledgeRule(bucket, 'AwsSolutions-S1',
        'server access logs need a log bucket and retention decision of their own; pass your bucket with FanOutOrigin.bucket(bucket) to log');
    }
    if (this.topic) {
      bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SnsDestination(this.topic));
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
    } else if (origin.existingBucket) {
      origin.existingBucket.enableEventBridgeNotification();
    }
    return bucket;
  }

  private validatePipeline(): string[] {
    const errors: string[] = [];
    if (this.consumers.length === 0) {
      errors.push(`${this.node.path}: invalid prop 'consumers': a fan-out pipeline needs at least one consumer (given none). `
        + 'Fix: pass consumers, or call addConsumer() before synthesis');
    }
    if (this.originBucket) errors.push(...this.consumers.flatMap((consumer) => this.checkOriginWrites(consumer, this.originBucket!)));
    return errors;
  }

  /**
   * The S3 recursion rule for one consumer, with the library's one IAM model: the origin bucket's
   * object-created notifications reach the consumer, so its role may not write objects there.
   */
  private checkOriginWrites(consumer: FanOutConsumer, bucket: s3.IBucket): string[] {
    const fn = consumer.worker.function;
    if (!fn.role) return [];
    const prop = `consumers[${consumer.consumerName}]`;
    const facts: S3RecursionFacts = {
      ...writeFacts(roleAccessToBucketObjects(fn.role, bucket, triggeringActions([s3.EventType.OBJECT_CREATED]))),
      function: `consumer '${consumer.consumerName}' (${fn.node.path})`,
      bucket: bucket.node.path,
      route: `origin bucket -> ${this.topic ? 'SNS topic' : 'event bus'} -> ${consumer.consumerName} -> origin bucket`,
      acknowledgeWith: 'set acknowledgeOriginBucketWrites: true',
    };
    const violation = s3RecursionRule.check(facts);
    if (!consumer.acknowledgeOriginBucketWrites) advise(consumer, prop, s3RecursionUndetermined(facts));
    if (!violation) return [];
    if (consumer.acknowledgeOriginBucketWrites) {
      warn(consumer, 'FanOutPipeline.originBucketWrite', `${violation.message}. Acknowledged: make sure its filter excludes what it writes.`);
      return [];
    }
    return [violationError(this, prop, violation)];
  }
}
