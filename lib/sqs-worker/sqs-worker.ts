import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { createAlarms, PatternAlarmProps } from '../core/alarms';
import { Defaults } from '../core/defaults';
import { createPatternFunction, PatternFunctionProps } from '../core/function';
import { HandlerCode } from '../core/handler';
import type { ExpectedLoad } from '../core/load';
import { acknowledgeRule } from '../core/nag';
import { minimumVisibilityTimeout } from '../core/rules';
import {
  areResolved, invalidProp, validateDurationRange, validateIntegerRange, warn,
} from '../core/validation';
import { IdempotencyTable } from '../idempotency-table';

/** Idempotency of an SqsWorker: each message is processed once even when delivered twice. */
export interface SqsWorkerIdempotencyProps {
  /**
   * Turn idempotency on or off.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * An existing table with a string partition key `id` and TTL attribute `expiration`
   * (the Powertools layout).
   * @default - a table is created: on-demand, TTL, point-in-time recovery, AWS-managed encryption
   */
  readonly table?: dynamodb.ITable;
  /**
   * How long a processed message is remembered. Must exceed the time a message can be
   * redelivered (the queue's retention) if duplicates may arrive that late.
   * @default Duration.hours(1)
   */
  readonly ttl?: Duration;
  /**
   * JMESPath into the SQS record that identifies a message, e.g.
   * `powertools_json(body).orderId` to deduplicate on a business key.
   * @see https://docs.powertools.aws.dev/lambda/typescript/latest/features/idempotency/
   * @default 'messageId'
   */
  readonly eventKeyJmesPath?: string;
}

/**
 * Settings of an SqsWorker other than its code and its queue; FanOutPipeline consumers take
 * these too.
 */
export interface SqsWorkerOptions extends PatternFunctionProps, PatternAlarmProps {
  /**
   * KMS key for the queues SqsWorker creates (an error together with an existing `queue`).
   * @default - SQS-managed server-side encryption (SSE-SQS)
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Visibility timeout of the source queue. Must be at least 6 x `timeout` + `maxBatchingWindow`,
   * or in-flight messages reappear and are processed twice. Applies to the queue SqsWorker
   * creates (an error together with an existing `queue`).
   * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
   * @default - 6 x timeout + maxBatchingWindow
   */
  readonly visibilityTimeout?: Duration;
  /**
   * Receives before a message moves to the dead-letter queue (1 to 1000).
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * Records per invocation (1 to 10000; at most 10 for FIFO; above 10 needs `maxBatchingWindow`).
   * @default 10
   */
  readonly batchSize?: number;
  /**
   * How long to gather records before invoking (0 to 5 minutes, whole seconds). Not supported
   * on FIFO queues.
   * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html
   * @default - no batching window
   */
  readonly maxBatchingWindow?: Duration;
  /**
   * Most concurrent invocations the SQS poller starts (2 to 1000). Prefer this to reserved
   * concurrency: throttled SQS invocations count as receives and push healthy messages to the DLQ.
   * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html
   * @default - no limit beyond account concurrency
   */
  readonly maxConcurrency?: number;
  /**
   * Reserved concurrency of the function. Must be >= `maxConcurrency` when both are set.
   * @default - unreserved
   */
  readonly reservedConcurrency?: number;
  /**
   * Function timeout (1 second to 15 minutes).
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;
  /**
   * Idempotency settings.
   * @default - on, with a created table and a one-hour TTL
   */
  readonly idempotency?: SqsWorkerIdempotencyProps;
  /**
   * Traffic this construct expects, for the synth-time cost report (ServerlessCostReport).
   * @default - no estimate for this construct
   */
  readonly expectedLoad?: ExpectedLoad;
}

/** Properties of an SqsWorker. */
export interface SqsWorkerProps extends SqsWorkerOptions {
  /**
   * The worker code. Wrap your per-record function with `createSqsWorkerHandler` from
   * `cdk-serverless-patterns/runtime/sqs-worker` so it returns partial batch responses.
   */
  readonly handler: HandlerCode;
  /**
   * An existing source queue. Give it a dead-letter queue yourself; the worker warns if it has none.
   * @default - a queue is created with a dead-letter queue, encryption and SSL enforced
   */
  readonly queue?: sqs.IQueue;
  /**
   * Create FIFO queues (source and dead-letter). Processing then stops at the first failed
   * record of a batch so message-group order holds. With an existing `queue`, it must match
   * the queue's type.
   * @default - the given queue's type (`queue.fifo`), else false
   */
  readonly fifo?: boolean;
}

/** SQS source queue limits. */
const MAX_VISIBILITY_TIMEOUT = Duration.hours(12);

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
  /** The expected traffic the cost report prices (undefined: not estimated). */
  public readonly expectedLoad?: ExpectedLoad;

  constructor(scope: Construct, id: string, props: SqsWorkerProps) {
    super(scope, id);
    this.expectedLoad = props.expectedLoad;
    // An existing FIFO queue needs FIFO processing even when `fifo` was not repeated.
    const fifo = props.fifo ?? props.queue?.fifo ?? false;
    const batchSize = props.batchSize ?? 10;
    const maxReceiveCount = props.maxReceiveCount ?? 5;
    this.validate(props, fifo, batchSize, maxReceiveCount);

    const idempotencyEnabled = props.idempotency?.enabled ?? true;
    const idempotencyTtl = props.idempotency?.ttl ?? Duration.hours(1);
    this.idempotencyTable = idempotencyEnabled
      ? props.idempotency?.table ?? new IdempotencyTable(this, 'IdempotencyTable')
      : undefined;

    const workerEnvironment: { [key: string]: string } = { SQS_WORKER_FIFO: String(fifo) };
    if (this.idempotencyTable) {
      Object.assign(workerEnvironment, {
        IDEMPOTENCY_TABLE_NAME: this.idempotencyTable.tableName,
        IDEMPOTENCY_TTL_SECONDS: String(idempotencyTtl.toSeconds()),
        IDEMPOTENCY_KEY_PATH: props.idempotency?.eventKeyJmesPath ?? 'messageId',
      });
    }

    const worker = createPatternFunction(this, 'Function', props, {
      defaultTimeout: Defaults.timeouts.sqsWorker,
      description: `SQS worker ${this.node.path}`,
      patternEnvironment: workerEnvironment,
    });
    this.function = worker.function;
    if (worker.createdFunction) {
      acknowledgeRule(worker.createdFunction, 'Serverless-LambdaDLQ',
        'invoked by an SQS event source mapping, never asynchronously: a function DLQ only catches async invocations; '
        + 'failed messages return to the queue and move to its dead-letter queue after maxReceiveCount receives');
    }
    if (!worker.createdFunction) this.adoptExistingFunction(workerEnvironment);

    if (this.idempotencyTable) {
      IdempotencyTable.grantRecordAccessOn(this.idempotencyTable, this.function);
    }

    if (props.queue) {
      this.queue = props.queue;
      this.deadLetterQueue = props.queue instanceof sqs.Queue ? props.queue.deadLetterQueue?.queue : undefined;
      if (!this.deadLetterQueue) {
        warn(this, 'SqsWorker.queueWithoutDeadLetterQueue',
          'the given queue has no dead-letter queue this worker can see: records that keep failing are retried until '
          + 'the queue retention expires and then lost. Give the queue a redrivePolicy, or let SqsWorker create the queue.');
      }
    } else {
      const minimum = worker.timeout ? minimumVisibilityTimeout(worker.timeout, props.maxBatchingWindow) : undefined;
      this.visibilityTimeout = props.visibilityTimeout ?? minimum ?? Duration.minutes(15).plus(Duration.minutes(1));
      const encryption = props.encryptionKey ? sqs.QueueEncryption.KMS : sqs.QueueEncryption.SQS_MANAGED;
      const deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
        fifo: fifo || undefined,
        retentionPeriod: Defaults.deadLetterRetention,
        encryption,
        encryptionMasterKey: props.encryptionKey,
        enforceSSL: true,
      });
      this.deadLetterQueue = deadLetterQueue;
      acknowledgeRule(deadLetterQueue, 'Serverless-SQSRedrivePolicy',
        'this is the dead-letter queue: messages stay 14 days for inspection and redrive, behind an alarm; '
        + 'a dead-letter queue of its own would only move them');
      this.queue = new sqs.Queue(this, 'Queue', {
        fifo: fifo || undefined,
        visibilityTimeout: this.visibilityTimeout,
        encryption,
        encryptionMasterKey: props.encryptionKey,
        enforceSSL: true,
        deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount },
      });
    }

    this.queue.grantConsumeMessages(this.function);
    this.eventSourceMapping = new lambda.EventSourceMapping(this, 'EventSourceMapping', {
      target: this.function,
      eventSourceArn: this.queue.queueArn,
      batchSize,
      maxBatchingWindow: props.maxBatchingWindow,
      maxConcurrency: props.maxConcurrency,
      // One bad record must not replay the whole batch: the runtime returns batchItemFailures.
      reportBatchItemFailures: true,
    });
    // The mapping polls with the function's role: it must exist before the mapping is created.
    if (this.function.role) this.eventSourceMapping.node.addDependency(this.function.role);
    if (this.deadLetterQueue) {
      acknowledgeRule(this.eventSourceMapping, 'Serverless-LambdaEventSourceMappingDestination',
        'SQS event source mappings do not support on-failure destinations (streams and Kafka only); '
        + 'the source queue\'s redrive policy moves failed messages to the dead-letter queue');
    }

    const visibility = this.visibilityTimeout ?? Duration.minutes(15);
    this.alarms = createAlarms(this, props, {
      ...(this.deadLetterQueue ? {
        DeadLetterQueueAlarm: {
          metric: this.metricDeadLetterMessagesVisible(),
          threshold: 1,
          description: 'messages in the dead-letter queue: records failed maxReceiveCount times; inspect and redrive them',
        },
      } : {}),
      MessageAgeAlarm: {
        metric: this.metricAgeOfOldestMessage(),
        // A healthy message is gone within maxReceiveCount visibility periods; older means a backlog.
        threshold: visibility.toSeconds() * maxReceiveCount,
        description: 'oldest message older than maxReceiveCount x visibility timeout: the worker is not keeping up',
      },
      ErrorsAlarm: {
        metric: this.function.metricErrors({ period: Duration.minutes(5) }),
        threshold: 1,
        description: 'function invocations failed (whole batches returned to the queue)',
      },
      ThrottlesAlarm: {
        metric: this.function.metricThrottles({ period: Duration.minutes(5) }),
        threshold: 1,
        description: 'function throttled: raise reserved concurrency or lower maxConcurrency',
      },
    });
  }

  /** Lets the grantee send messages to the source queue. */
  public grantSendMessages(grantee: iam.IGrantable): iam.Grant {
    return this.queue.grantSendMessages(grantee);
  }

  /** Messages waiting in the dead-letter queue (maximum over 1 minute). */
  public metricDeadLetterMessagesVisible(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    if (!this.deadLetterQueue) {
      throw new Error(`${this.node.path}: this worker has no dead-letter queue it knows of, so it has no dead-letter metric`);
    }
    return this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
      statistic: cloudwatch.Stats.MAXIMUM, period: Duration.minutes(1), ...props,
    });
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

  private validate(props: SqsWorkerProps, fifo: boolean, batchSize: number, maxReceiveCount: number): void {
    if (props.queue) {
      const queueProps = (['visibilityTimeout', 'encryptionKey'] as const).filter((name) => props[name] !== undefined);
      if (queueProps.length > 0) {
        invalidProp(this, queueProps[0], 'configures the queue SqsWorker creates, and an existing queue was given, so it would be ignored',
          `set ${queueProps.join(', ')} on your own queue, or leave queue unset`);
      }
    }
    if (props.queue && props.fifo !== undefined && props.fifo !== props.queue.fifo) {
      invalidProp(this, 'fifo', `is ${props.fifo}, but the given queue is ${props.queue.fifo ? 'a FIFO' : 'a standard'} queue`,
        'leave fifo unset to follow the given queue, or pass a queue of the matching type');
    }
    validateIntegerRange(this, 'maxReceiveCount', maxReceiveCount, 1, 1000,
      'set maxReceiveCount between 1 and 1000; AWS advises at least 5 for Lambda sources');
    validateIntegerRange(this, 'batchSize', batchSize, 1, 10000);
    validateIntegerRange(this, 'maxConcurrency', props.maxConcurrency, 2, 1000);
    validateIntegerRange(this, 'reservedConcurrency', props.reservedConcurrency, 0, 10000);
    validateDurationRange(this, 'maxBatchingWindow', props.maxBatchingWindow, Duration.seconds(0), Duration.minutes(5));
    validateDurationRange(this, 'visibilityTimeout', props.visibilityTimeout, Duration.seconds(0), MAX_VISIBILITY_TIMEOUT);

    const window = props.maxBatchingWindow;
    if (window && !window.isUnresolved() && window.toMilliseconds() % 1000 !== 0) {
      invalidProp(this, 'maxBatchingWindow', `must be a whole number of seconds (given ${window.toHumanString()})`,
        'round maxBatchingWindow to whole seconds, e.g. Duration.seconds(1)');
    }

    if (areResolved(batchSize)) {
      if (fifo && batchSize > 10) {
        invalidProp(this, 'batchSize', `FIFO queues deliver at most 10 records per batch (given ${batchSize})`,
          'set batchSize to 10 or less, or use a standard queue');
      }
      const windowSeconds = props.maxBatchingWindow?.isUnresolved() ? 1 : props.maxBatchingWindow?.toSeconds() ?? 0;
      if (batchSize > 10 && windowSeconds === 0) {
        invalidProp(this, 'batchSize', `a batch size above 10 needs a batching window (given ${batchSize} without maxBatchingWindow)`,
          'set maxBatchingWindow (e.g. Duration.seconds(1)), or lower batchSize to 10');
      }
    }
    if (fifo && window && !window.isUnresolved()) {
      invalidProp(this, 'maxBatchingWindow', `FIFO queues do not support a batching window (given ${window.toHumanString()})`,
        'remove maxBatchingWindow (and keep batchSize at 10 or less), or use a standard queue');
    }

    if (areResolved(props.maxConcurrency, props.reservedConcurrency)
      && props.maxConcurrency! > props.reservedConcurrency!) {
      invalidProp(this, 'maxConcurrency',
        `must not exceed reservedConcurrency (given maxConcurrency ${props.maxConcurrency} > reservedConcurrency ${props.reservedConcurrency}); `
        + 'the poller would invoke beyond the reserve, get throttled, and push healthy messages toward the DLQ',
        `lower maxConcurrency to ${props.reservedConcurrency} or raise reservedConcurrency to ${props.maxConcurrency}`);
    }
    if (areResolved(props.reservedConcurrency) && props.reservedConcurrency! < 5) {
      warn(this, 'SqsWorker.lowReservedConcurrency',
        `reservedConcurrency ${props.reservedConcurrency} is below 5: the SQS event source starts with 5 concurrent pollers, `
        + 'so invocations will be throttled and messages returned to the queue (and toward the DLQ). '
        + 'Limit concurrency with maxConcurrency instead, or reserve at least 5.');
    }

    // A function passed with HandlerCode.fromFunction() brings its own timeout; check against it.
    const existing = props.handler.existingFunction;
    const timeout = props.timeout
      ?? (existing ? (existing instanceof lambda.Function ? existing.timeout : undefined) : Defaults.timeouts.sqsWorker);
    if (props.visibilityTimeout && !props.visibilityTimeout.isUnresolved() && timeout && !timeout.isUnresolved()) {
      const minimum = minimumVisibilityTimeout(timeout, props.maxBatchingWindow);
      if (props.visibilityTimeout.toSeconds() < minimum.toSeconds()) {
        invalidProp(this, 'visibilityTimeout',
          `must be at least 6 x timeout + maxBatchingWindow = ${minimum.toSeconds()} seconds (given ${props.visibilityTimeout.toSeconds()} seconds); `
          + 'otherwise messages still being processed reappear and run twice',
          `raise visibilityTimeout to Duration.seconds(${minimum.toSeconds()}) or leave it unset to derive it`);
      }
    }
  }

  /** A user-made function still needs the runtime's settings; an imported one can't take them. */
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
