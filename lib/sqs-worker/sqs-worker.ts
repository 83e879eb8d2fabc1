import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { createAlarms, errorsAlarm, metricQueueDepth, queueDepthAlarm, recursiveLoopAlarm, throttlesAlarm } from '../core/alarms';
import { createDeadLetterQueue } from '../core/dead-letter-queue';
import { Defaults } from '../core/defaults';
import { eventSourceMappingMetric } from '../core/metrics';
import { createPatternFunction } from '../serverless-function/pattern-function';
import { MESSAGE_PRODUCER_KEY_ACTIONS, withKeyGrant } from '../core/grants';
import { acknowledgeRule } from '../core/nag';
import { warn } from '../core/validation';
import { grantIdempotencyStore, IdempotencyStore, idempotencyStoreEnvironment, idempotencyStoreFor } from '../idempotency-table/store';
import { minimumVisibilityTimeout, sqsSourceRedriveRule } from '../rules/sqs';
import { AWS_LIMITS, SQS_PROVISIONED_POLLERS } from '../rules/limits';
import type { SqsProvisionedPollers, SqsWorkerProps } from './props';
import { validateSqsWorker } from './validation';
import type { ExpectedLoad } from '../core/load';
import { rejectUnknownProps } from '../core/known-props';
import { SQS_WORKER_ALARMS, SQS_WORKER_PROPS } from './known-props';

/**
 * Age of the oldest message above which the worker is not keeping up: a healthy message is gone
 * within maxReceiveCount visibility periods. CloudFormation cannot multiply, so when either is a
 * token the threshold falls back to the SQS maximum visibility timeout (12 hours) x 5 receives.
 */
function messageAgeThresholdSeconds(visibilityTimeout: Duration | undefined, maxReceiveCount: number): number {
  const visibility = visibilityTimeout ?? Duration.seconds(AWS_LIMITS.lambdaTimeout.max);
  if (visibility.isUnresolved() || Token.isUnresolved(maxReceiveCount)) return AWS_LIMITS.sqsVisibilityTimeout.max * 5;
  return visibility.toSeconds() * maxReceiveCount;
}

/**
 * An SQS queue with a dead-letter queue, consumed by a Lambda function through an event source
 * mapping that reports batch item failures; optional idempotency through DynamoDB; alarms on the
 * dead-letter queue, message age, errors and throttles.
 */
export class SqsWorker extends Construct {
  /** The source queue. */
  public readonly queue: sqs.IQueue;
  /** The dead-letter queue, when the worker created the source queue (or it had one). */
  public readonly deadLetterQueue?: sqs.IQueue;
  /** The consumer function. */
  public readonly function: lambda.IFunction;
  /** The event source mapping from the queue to the function. */
  public readonly eventSourceMapping: lambda.EventSourceMapping;
  /** The idempotency table, when idempotency is on. */
  public readonly idempotencyTable?: dynamodb.ITable;
  /** The alarms of this worker (empty when `alarmsEnabled` is false). */
  public readonly alarms: cloudwatch.Alarm[];
  /** Visibility timeout of the created source queue. */
  public readonly visibilityTimeout?: Duration;

  /** Provisioned mode of the mapping with AWS's defaults filled in; undefined for on-demand polling. */
  public readonly provisionedPollers?: SqsProvisionedPollers;

  /** The expected traffic the cost report prices (undefined: not estimated). */
  public readonly expectedLoad?: ExpectedLoad;

  constructor(scope: Construct, id: string, props: SqsWorkerProps) {
    super(scope, id);
    rejectUnknownProps(this, 'SqsWorker', props, SQS_WORKER_PROPS);
    this.expectedLoad = props.expectedLoad;
    // An existing FIFO queue needs FIFO processing even when `fifo` was not repeated.
    const fifo = props.fifo ?? props.queue?.fifo ?? false;
    const batchSize = props.batchSize ?? 10;
    const maxReceiveCount = props.maxReceiveCount ?? 5;
    validateSqsWorker(this, props, fifo, batchSize, maxReceiveCount);
    this.provisionedPollers = props.provisionedPollers && {
      minimumPollers: props.provisionedPollers.minimumPollers ?? SQS_PROVISIONED_POLLERS.minimumPollers.default,
      maximumPollers: props.provisionedPollers.maximumPollers ?? SQS_PROVISIONED_POLLERS.maximumPollers.default,
    };

    const idempotencyEnabled = props.idempotency?.enabled ?? true;
    const store = idempotencyEnabled ? idempotencyStoreFor(this, props.idempotency?.table, props.idempotency?.sharedTable,
      { table: 'idempotency.table', sharedTable: 'idempotency.sharedTable' }) : undefined;
    this.idempotencyTable = store?.table;

    const environment = this.workerEnvironment(props, fifo, store);
    const worker = createPatternFunction(this, 'Function', props, {
      defaultTimeout: Defaults.timeouts.sqsWorker,
      description: `SQS worker ${this.node.path}`,
      executionRoleUse: 'the event source mapping polls the queue with, and which must therefore be granted to consume it',
      patternEnvironment: environment,
    });
    this.function = worker.function;
    if (worker.createdFunction) {
      acknowledgeRule(worker.createdFunction, 'Serverless-LambdaDLQ',
        'invoked by an SQS event source mapping, never asynchronously: a function DLQ only catches async invocations; '
        + 'failed messages return to the queue and move to its dead-letter queue after maxReceiveCount receives');
    } else {
      this.adoptExistingFunction(environment);
    }
    if (store) grantIdempotencyStore(store, this.function);

    if (props.queue) {
      this.queue = props.queue;
      this.deadLetterQueue = props.deadLetterQueue ?? this.adoptQueue(props.queue);
    } else {
      // validateSqsWorker demands visibilityTimeout when the timeout is a token, so it is never derived from one.
      const timeout = worker.timeout && !worker.timeout.isUnresolved() ? worker.timeout : undefined;
      this.visibilityTimeout = props.visibilityTimeout
        ?? (timeout ? minimumVisibilityTimeout(timeout, props.maxBatchingWindow) : this.assumedVisibilityTimeout());
      const queues = this.createQueues(props, fifo, maxReceiveCount, this.visibilityTimeout);
      this.queue = queues.queue;
      this.deadLetterQueue = queues.deadLetterQueue;
    }

    this.queue.grantConsumeMessages(this.function);
    this.eventSourceMapping = this.createEventSourceMapping(props, batchSize);
    this.alarms = this.createWorkerAlarms(props, maxReceiveCount);
  }

  /**
   * Lets the grantee send messages to the source queue: `sqs:SendMessage`, `sqs:GetQueueAttributes`
   * and `sqs:GetQueueUrl` on it and, on a KMS-encrypted queue, exactly `kms:GenerateDataKey` and
   * `kms:Decrypt` on its key (no `kms:*` wildcards).
   * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
   */
  public grantSendMessages(grantee: iam.IGrantable): iam.Grant {
    const grant = this.queue.grant(grantee, 'sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl');
    return withKeyGrant(grant, grantee, this.queue.encryptionMasterKey, MESSAGE_PRODUCER_KEY_ACTIONS);
  }

  /** Messages waiting in the dead-letter queue (maximum over 1 minute). */
  public metricDeadLetterMessagesVisible(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    if (!this.deadLetterQueue) {
      throw new Error(`${this.node.path}: this worker has no dead-letter queue it knows of, so it has no dead-letter metric`);
    }
    return metricQueueDepth(this.deadLetterQueue, props);
  }

  /** Age of the oldest message in the source queue, in seconds (maximum over 1 minute). */
  public metricAgeOfOldestMessage(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.queue.metricApproximateAgeOfOldestMessage({
      statistic: cloudwatch.Stats.MAXIMUM, period: Duration.minutes(1), ...props,
    });
  }

  /** Messages visible in the source queue: the backlog (maximum over 1 minute). */
  public metricMessagesVisible(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.queue.metricApproximateNumberOfMessagesVisible({
      statistic: cloudwatch.Stats.MAXIMUM, period: Duration.minutes(1), ...props,
    });
  }

  /**
   * Messages the event source mapping read from the queue (sum over 5 minutes); published since the
   * mapping's `MetricsConfig` has `EventCount`.
   * @see https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html#event-source-mapping-metrics
   */
  public metricPolledEvents(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return eventSourceMappingMetric(this.eventSourceMapping, 'PolledEventCount', props);
  }

  /** Messages the mapping could not hand to the function: failed or throttled invokes (sum over 5 minutes). */
  public metricFailedInvokeEvents(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return eventSourceMappingMetric(this.eventSourceMapping, 'FailedInvokeEventCount', props);
  }

  /** What the runtime helper reads: FIFO processing and the idempotency store. */
  private workerEnvironment(props: SqsWorkerProps, fifo: boolean, store?: IdempotencyStore): { [key: string]: string } {
    const environment: { [key: string]: string } = { SQS_WORKER_FIFO: String(fifo) };
    if (store) {
      Object.assign(environment, {
        ...idempotencyStoreEnvironment(store),
        IDEMPOTENCY_TTL_SECONDS: String((props.idempotency?.ttl ?? Duration.hours(1)).toSeconds()),
        IDEMPOTENCY_KEY_PATH: props.idempotency?.eventKeyJmesPath ?? 'messageId',
      });
    }
    return environment;
  }

  /**
   * The dead-letter queue of a queue the user gave, when this worker can see it. The SQS redrive
   * rule decides; a queue without one (or one it cannot inspect) is a warning, since the queue is
   * the user's.
   */
  private adoptQueue(queue: sqs.IQueue): sqs.IQueue | undefined {
    const deadLetterQueue = queue instanceof sqs.Queue ? queue.deadLetterQueue?.queue : undefined;
    const cfnQueue = queue.node.defaultChild instanceof sqs.CfnQueue ? queue.node.defaultChild : undefined;
    const violation = sqsSourceRedriveRule.check({
      hasRedrivePolicy: cfnQueue ? deadLetterQueue !== undefined || cfnQueue.redrivePolicy !== undefined : undefined,
    });
    if (violation) {
      warn(this, 'SqsWorker.queueWithoutDeadLetterQueue', `the given queue has no dead-letter queue (${violation.rule}): `
        + `${violation.message}. Fix: ${violation.fix}`);
    } else if (!deadLetterQueue && !cfnQueue) {
      warn(this, 'SqsWorker.queueWithoutDeadLetterQueue',
        'the given queue has no dead-letter queue this worker can see: records that keep failing are retried until '
        + 'the queue retention expires and then lost. Give the queue a redrivePolicy, or let SqsWorker create the queue.');
    }
    return deadLetterQueue;
  }

  private createQueues(props: SqsWorkerProps, fifo: boolean, maxReceiveCount: number, visibilityTimeout: Duration) {
    const encryption = props.encryptionKey ? sqs.QueueEncryption.KMS : sqs.QueueEncryption.SQS_MANAGED;
    const deadLetterQueue = createDeadLetterQueue(this, 'DeadLetterQueue', {
      fifo,
      encryptionKey: props.encryptionKey,
      noRedrivePolicyReason: 'this is the dead-letter queue: messages stay 14 days for inspection and redrive, behind an alarm; '
        + 'a dead-letter queue of its own would only move them',
    });
    const queue = new sqs.Queue(this, 'Queue', {
      fifo: fifo || undefined,
      visibilityTimeout,
      encryption,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount },
      contentBasedDeduplication: props.contentBasedDeduplication,
      deduplicationScope: props.deduplicationScope,
      fifoThroughputLimit: props.fifoThroughputLimit,
    });
    return { queue, deadLetterQueue };
  }

  private createEventSourceMapping(props: SqsWorkerProps, batchSize: number): lambda.EventSourceMapping {
    // One bad record must not replay the whole batch: the runtime returns batchItemFailures.
    const reportBatchItemFailures = true;
    const mapping = new lambda.EventSourceMapping(this, 'EventSourceMapping', {
      target: this.function,
      eventSourceArn: this.queue.queueArn,
      batchSize,
      maxBatchingWindow: props.maxBatchingWindow,
      maxConcurrency: props.maxConcurrency,
      provisionedPollerConfig: props.provisionedPollers && {
        minimumPollers: props.provisionedPollers.minimumPollers,
        maximumPollers: props.provisionedPollers.maximumPollers,
      },
      // EventCount metrics (PolledEventCount, FilteredOutEventCount, FailedInvokeEventCount, ...) for the dashboard.
      metricsConfig: { metrics: [lambda.MetricType.EVENT_COUNT] },
      reportBatchItemFailures,
    });
    // The mapping polls with the function's role: it must exist before the mapping is created.
    if (this.function.role) mapping.node.addDependency(this.function.role);
    if (this.deadLetterQueue) {
      acknowledgeRule(mapping, 'Serverless-LambdaEventSourceMappingDestination',
        'SQS event source mappings do not support on-failure destinations (streams and Kafka only); '
        + 'the source queue\'s redrive policy moves failed messages to the dead-letter queue');
    }
    return mapping;
  }

  private createWorkerAlarms(props: SqsWorkerProps, maxReceiveCount: number): cloudwatch.Alarm[] {
    return createAlarms(this, props, {
      ...(this.deadLetterQueue ? {
        DeadLetterQueueAlarm: queueDepthAlarm(this.deadLetterQueue,
          'messages in the dead-letter queue: records failed maxReceiveCount times; inspect and redrive them'),
      } : {}),
      MessageAgeAlarm: {
        metric: this.metricAgeOfOldestMessage(),
        threshold: messageAgeThresholdSeconds(this.visibilityTimeout, maxReceiveCount),
        description: 'oldest message older than maxReceiveCount x visibility timeout: the worker is not keeping up',
      },
      ErrorsAlarm: errorsAlarm(this.function, 'function invocations failed (whole batches returned to the queue)'),
      ThrottlesAlarm: throttlesAlarm(this.function, 'function throttled: raise reserved concurrency or lower maxConcurrency'),
      ...recursiveLoopAlarm(this.function),
    }, { value: props.alarms, known: SQS_WORKER_ALARMS, type: 'SqsWorkerAlarms' });
  }

  /** A user-made function still needs the runtime's settings; an imported one can't take them. */
  /**
   * The visibility timeout when the function's timeout cannot be read (a function given without one, or
   * imported): the longest any function runs plus a minute, which is safe but slow to redeliver. Warns.
   */
  private assumedVisibilityTimeout(): Duration {
    warn(this, 'SqsWorker.visibilityTimeoutAssumed', 'the function given with HandlerCode.fromFunction() sets no timeout the worker '
      + 'can read, so the queue\'s visibility timeout is 16 minutes (the longest a function can run, 15 minutes, plus 1): a message '
      + 'whose invocation failed without reporting it is received again only after 16 minutes. Set the function\'s timeout (the '
      + 'queue gets 6 x timeout + maxBatchingWindow), or set visibilityTimeout');
    return Duration.seconds(AWS_LIMITS.lambdaTimeout.max).plus(Duration.minutes(1));
  }

  private adoptExistingFunction(environment: { [key: string]: string }): void {
    if (this.function instanceof lambda.Function) {
      for (const [key, value] of Object.entries(environment)) this.function.addEnvironment(key, value);
    } else {
      warn(this, 'SqsWorker.importedFunction',
        `the function is imported, so its environment cannot be set: give it ${Object.keys(environment).join(', ')} `
        + 'yourself, or the runtime helper runs without idempotency and FIFO ordering.');
    }
  }
}
