import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { createAlarms, queueDepthAlarm } from '../core/alarms';
import { createDeadLetterQueue } from '../core/dead-letter-queue';
import type { HandlerCode } from '../core/handler';
import { invalidProp, validateUniqueNames } from '../core/validation';
import { SqsWorker, SqsWorkerOptions } from '../sqs-worker';
import type { FanOutPipeline } from './fan-out-pipeline';
import { ConsumerFilter, renderEventPattern, renderSnsFilter } from './filters';
import { FanOutSourceKind } from './source';
import { checkQuota, validateFilter } from './validation';
import { rejectUnknownProps } from '../core/known-props';
import { FAN_OUT_CONSUMER_ALARMS, FAN_OUT_CONSUMER_OPTIONS } from './known-props';
import type { FanOutConsumerAlarms } from './alarms';

/** Ids of the pipeline's own children; a consumer (a child named after it) cannot take them. */
const RESERVED_CHILD_IDS = ['Topic', 'TopicKey', 'OriginBucket', 'DefaultBus'];

/** One consumer of a FanOutPipeline. */
export interface FanOutConsumerOptions {
  /**
   * Threshold, period, evaluation periods and datapoints of each alarm, or `enabled: false` to turn
   * one alarm off.
   * @default - every alarm on, with the defaults listed on `FanOutConsumerAlarms`
   */
  readonly alarms?: FanOutConsumerAlarms;
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
    // Checked before this consumer joins the pipeline's children, so quotas count the others.
    rejectUnknownProps(pipeline, 'FanOutConsumerOptions', options, FAN_OUT_CONSUMER_OPTIONS, { prefix: `${options.name}.` });
    validateConsumer(pipeline, options);
    super(pipeline, options.name);
    this.consumerName = options.name;
    this.acknowledgeOriginBucketWrites = options.acknowledgeOriginBucketWrites ?? false;
    const isSns = pipeline.source.kind === FanOutSourceKind.SNS_TOPIC;

    const worker = options.worker ?? {};
    const alarmProps = {
      alarmsEnabled: worker.alarmsEnabled ?? pipeline.alarmProps.alarmsEnabled,
      alarmTopic: worker.alarmTopic ?? pipeline.alarmProps.alarmTopic,
    };
    this.worker = new SqsWorker(this, 'Worker', { ...worker, ...alarmProps, handler: options.handler });

    this.deliveryDeadLetterQueue = createDeadLetterQueue(this, 'DeliveryDeadLetterQueue', {
      notUsedAsDeadLetterQueueReason: `this queue is the dead-letter queue of the ${isSns ? 'SNS subscription' : 'EventBridge target'} of consumer ${options.name}`,
      noRedrivePolicyReason: 'a dead-letter queue needs no dead-letter queue of its own',
    });

    if (isSns) {
      this.subscription = pipeline.topic!.addSubscription(new subscriptions.SqsSubscription(this.worker.queue, {
        rawMessageDelivery: true,
        deadLetterQueue: this.deliveryDeadLetterQueue,
        ...renderSnsFilter(options.filter),
      }));
    } else {
      this.rule = new events.Rule(this, 'Rule', {
        eventBus: pipeline.eventBus,
        description: `FanOutPipeline ${pipeline.node.path}: events for consumer ${options.name}`,
        eventPattern: renderEventPattern(pipeline, options.filter),
        targets: [new targets.SqsQueue(this.worker.queue, { deadLetterQueue: this.deliveryDeadLetterQueue })],
      });
    }

    this.alarms = createAlarms(this, alarmProps, {
      DeliveryDeadLetterQueueAlarm: queueDepthAlarm(this.deliveryDeadLetterQueue,
        `${isSns ? 'SNS' : 'EventBridge'} could not deliver messages to consumer ${options.name}'s queue; `
        + 'check the queue policy and encryption, then redrive them'),
    }, { value: options.alarms, known: FAN_OUT_CONSUMER_ALARMS, type: 'FanOutConsumerAlarms', prop: `consumers[${options.name}].alarms` });
  }
}

/** A consumer's name, filter, quota and encryption, before it joins the pipeline. */
function validateConsumer(pipeline: FanOutPipeline, options: FanOutConsumerOptions): void {
  validateUniqueNames(pipeline, 'consumers', [options.name]);
  const taken = pipeline.node.tryFindChild(options.name);
  if (taken instanceof FanOutConsumer) {
    invalidProp(pipeline, 'consumers', `name '${options.name}' is used more than once`, 'give every consumer a unique name');
  }
  if (taken || RESERVED_CHILD_IDS.includes(options.name)) {
    invalidProp(pipeline, 'consumers', `name '${options.name}' is reserved for the pipeline's own ${RESERVED_CHILD_IDS.join(', ')}`,
      'rename the consumer, e.g. \'virus-scan\'');
  }
  const prop = `consumers[${options.name}]`;
  validateFilter(pipeline, prop, options.filter);
  checkQuota(pipeline, prop, options.filter);
  if (pipeline.source.kind !== FanOutSourceKind.SNS_TOPIC && options.worker?.encryptionKey) {
    invalidProp(pipeline, `${prop}.worker.encryptionKey`,
      'an EventBridge target queue encrypted with a KMS key gets no per-rule aws:SourceArn condition, so any rule of the account could send to it',
      'leave encryptionKey unset (SSE-SQS), or use an SNS source');
  }
}
