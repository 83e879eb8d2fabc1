import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { createAlarms, queueDepthAlarm } from '../core/alarms';
import { createDeadLetterQueue } from '../core/dead-letter-queue';
import type { HandlerCode } from '../core/handler';
import { invalidProp, validateUniqueNames } from '../core/validation';
import { SqsWorker, SqsWorkerOptions } from '../sqs-worker';
import type { FanOutPipeline } from './fan-out-pipeline';
import type { ConsumerFilter } from './filters';
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
 * and a dead-letter queue for deliveries the source could not make. Created by
 * `FanOutPipeline.addConsumer()` (or the pipeline's `consumers` prop).
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

  /**
   * @deprecated use `pipeline.addConsumer(options)`, which this calls; the constructor becomes
   * internal in 0.3.0 (a consumer is part of its pipeline, not a construct to place on its own)
   */
  constructor(pipeline: FanOutPipeline, options: FanOutConsumerOptions) {
    // Checked before this consumer joins the pipeline's children, so quotas count the others.
    rejectUnknownProps(pipeline, 'FanOutConsumerOptions', options, FAN_OUT_CONSUMER_OPTIONS, { prefix: `${options.name}.` });
    const connect = validateConsumer(pipeline, options);
    super(pipeline, options.name);
    this.consumerName = options.name;
    this.acknowledgeOriginBucketWrites = options.acknowledgeOriginBucketWrites ?? false;
    const { service, deliveredBy } = pipeline._source;

    const worker = options.worker ?? {};
    const alarmProps = {
      alarmsEnabled: worker.alarmsEnabled ?? pipeline._alarmProps.alarmsEnabled,
      alarmTopic: worker.alarmTopic ?? pipeline._alarmProps.alarmTopic,
    };
    this.worker = new SqsWorker(this, 'Worker', { ...worker, ...alarmProps, handler: options.handler });

    this.deliveryDeadLetterQueue = createDeadLetterQueue(this, 'DeliveryDeadLetterQueue', {
      notUsedAsDeadLetterQueueReason: `this queue is the dead-letter queue of the ${deliveredBy} of consumer ${options.name}`,
      noRedrivePolicyReason: 'a dead-letter queue needs no dead-letter queue of its own',
    });

    const delivery = connect(this, this.worker.queue, this.deliveryDeadLetterQueue);
    this.subscription = delivery.subscription;
    this.rule = delivery.rule;

    this.alarms = createAlarms(this, alarmProps, {
      DeliveryDeadLetterQueueAlarm: queueDepthAlarm(this.deliveryDeadLetterQueue,
        `${service} could not deliver messages to consumer ${options.name}'s queue; `
        + 'check the queue policy and encryption, then redrive them'),
    }, { value: options.alarms, known: FAN_OUT_CONSUMER_ALARMS, type: 'FanOutConsumerAlarms', prop: `consumers[${options.name}].alarms` });
  }
}

/** A consumer's name, then its filter, quota and encryption (by the source), before it joins the pipeline. */
function validateConsumer(pipeline: FanOutPipeline, options: FanOutConsumerOptions) {
  validateUniqueNames(pipeline, 'consumers', [options.name]);
  const taken = pipeline.node.tryFindChild(options.name);
  if (taken instanceof FanOutConsumer) {
    invalidProp(pipeline, 'consumers', `name '${options.name}' is used more than once`, 'give every consumer a unique name');
  }
  if (taken || RESERVED_CHILD_IDS.includes(options.name)) {
    invalidProp(pipeline, 'consumers', `name '${options.name}' is reserved for the pipeline's own ${RESERVED_CHILD_IDS.join(', ')}`,
      'rename the consumer, e.g. \'virus-scan\'');
  }
  return pipeline._source.planConsumer(`consumers[${options.name}]`, options);
}
