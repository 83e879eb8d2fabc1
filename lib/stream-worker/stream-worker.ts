import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { createAlarms, errorsAlarm, humanMillis, recursiveLoopAlarm, rejectBothThresholds, throttlesAlarm } from '../core/alarms';
import { eventSourceMappingMetric } from '../core/metrics';
import { Defaults } from '../core/defaults';
import type { ExpectedLoad } from '../core/load';
import { createPatternFunction } from '../serverless-function/pattern-function';
import { STREAM_PRODUCER_KEY_ACTIONS, withKeyGrant } from '../core/grants';
import { acknowledgeRule } from '../core/nag';
import { areResolved, invalidProp, warn } from '../core/validation';
import { grantIdempotencyStore, IdempotencyStore, idempotencyStoreEnvironment, idempotencyStoreFor } from '../idempotency-table/store';
import { enforce } from '../rules/rule';
import { DEFAULT_STREAM_RETENTION_SECONDS, streamConcurrency, streamConcurrencyRule, streamRecordAgeRule, streamRetriesRule } from '../rules/stream';
import { createFailureBucket, StreamFailureDestination } from './failure-destination';
import { StreamWorkerProps } from './props';
import { BoundStreamSource, StreamSource } from './stream-source';
import { resolveSettings, StreamWorkerSettings, validateSettings } from './settings';
import { synthNote } from '../core/notes';
import { rejectUnknownProps } from '../core/known-props';
import { STREAM_WORKER_ALARMS, STREAM_WORKER_PROPS } from './known-props';

/**
 * A Kinesis data stream or DynamoDB stream consumed by a Lambda function that never blocks a shard
 * beyond a bounded number of retries and never drops a record silently: partial batch responses,
 * bisection of failing batches, bounded retries and record age, an on-failure destination that
 * keeps the records (an S3 bucket by default), optional idempotency, and alarms on iterator age,
 * discarded batches, destination delivery failures, errors and throttles.
 */
export class StreamWorker extends Construct {
  /** The consumer function. */
  public readonly function: lambda.IFunction;
  /** The event source mapping from the stream (or its consumer) to the function. */
  public readonly eventSourceMapping: lambda.EventSourceMapping;
  /** The Kinesis stream, for a Kinesis source (created or given). */
  public readonly stream?: kinesis.IStream;
  /** The enhanced fan-out consumer, when enabled. */
  public readonly streamConsumer?: kinesis.StreamConsumer;
  /** The DynamoDB table, for a DynamoDB source. */
  public readonly table?: dynamodb.ITable;
  /** Where discarded batches go. */
  public readonly onFailure: StreamFailureDestination;
  /** The failure bucket the worker created (undefined with your own `onFailure`). */
  public readonly failureBucket?: s3.IBucket;
  /** The idempotency table, when idempotency is on. */
  public readonly idempotencyTable?: dynamodb.ITable;
  /** The alarms of this worker (empty when `alarmsEnabled` is false). */
  public readonly alarms: cloudwatch.Alarm[];
  /** Concurrent invocations the mapping runs: shards x parallelizationFactor, when the shard count is known. */
  public readonly concurrency?: number;
  /** Batches processed concurrently per shard. */
  public readonly parallelizationFactor: number;
  /** Retries of a failing batch before it is discarded to `onFailure`. */
  public readonly maxRetryAttempts: number;
  /** Age after which records are discarded to `onFailure`. */
  public readonly maxRecordAge: Duration;
  /** The expected traffic the cost report prices (undefined: not estimated). */
  public readonly expectedLoad?: ExpectedLoad;

  constructor(scope: Construct, id: string, props: StreamWorkerProps) {
    super(scope, id);
    rejectUnknownProps(this, 'StreamWorker', props, STREAM_WORKER_PROPS);
    this.expectedLoad = props.expectedLoad;
    const settings = resolveSettings(props);
    validateSettings(this, props, settings);
    this.parallelizationFactor = settings.parallelizationFactor;
    this.maxRetryAttempts = settings.maxRetryAttempts;
    this.maxRecordAge = settings.maxRecordAge;

    const store = settings.idempotency.enabled ? idempotencyStoreFor(this, props.idempotency?.table, props.idempotency?.sharedTable,
      { table: 'idempotency.table', sharedTable: 'idempotency.sharedTable' }) : undefined;
    this.idempotencyTable = store?.table;
    this.function = this.createFunction(props, settings, store);

    const source = (props.source ?? StreamSource.newKinesisStream())._bind(this, this.function);
    this.stream = source.stream;
    this.streamConsumer = source.consumer;
    this.table = source.table;
    if (source.kind === 'dynamodb' && props.startingPosition === lambda.StartingPosition.AT_TIMESTAMP) {
      invalidProp(this, 'startingPosition', 'AT_TIMESTAMP is supported for Kinesis sources only',
        'use TRIM_HORIZON or LATEST for a DynamoDB stream');
    }

    if (props.onFailure) {
      this.onFailure = props.onFailure;
    } else {
      this.failureBucket = createFailureBucket(this, {
        retention: settings.failureRecordRetention, removalPolicy: RemovalPolicy.RETAIN,
      });
      this.onFailure = StreamFailureDestination.toBucket(this.failureBucket);
    }
    this.checkMapping(settings, source);
    this.concurrency = this.reportConcurrency(props, settings, source);

    this.eventSourceMapping = this.createMapping(props, settings, source);
    rejectBothThresholds(this, 'iteratorAgeAlarmThreshold', props.iteratorAgeAlarmThreshold, props.alarms?.iteratorAge,
      'alarms.iteratorAge');
    const iteratorAgeMillis = settings.iteratorAgeAlarmThreshold.toMilliseconds();
    this.alarms = createAlarms(this, props, {
      IteratorAgeAlarm: {
        metric: this.metricIteratorAge(),
        threshold: iteratorAgeMillis,
        description: (w) => `iterator age above ${w.threshold === iteratorAgeMillis ? settings.iteratorAgeAlarmThreshold.toHumanString()
          : humanMillis(w.threshold)}: the worker is falling behind `
          + `and records older than ${settings.maxRecordAge.toHumanString()} will be discarded to the on-failure destination`,
      },
      OnFailureRecordsAlarm: {
        metric: this.metricOnFailureRecords(),
        threshold: 1,
        description: 'records were discarded to the on-failure destination (retries or record age exhausted): recover them from there',
      },
      DestinationDeliveryFailuresAlarm: {
        metric: this.metricDestinationDeliveryFailures(),
        threshold: 1,
        description: 'Lambda could not write a discarded batch to the on-failure destination: those records are lost',
      },
      ErrorsAlarm: errorsAlarm(this.function,
        'invocations failed: a batch failed at its first record (a poison record being isolated) or the function crashed'),
      ThrottlesAlarm: throttlesAlarm(this.function,
        'function throttled: shards wait; raise reserved concurrency to shards x parallelizationFactor'),
      ...recursiveLoopAlarm(this.function),
    }, { value: props.alarms, known: STREAM_WORKER_ALARMS, type: 'StreamWorkerAlarms' });
  }

  /**
   * Lets the grantee put records into the Kinesis stream (Kinesis sources only):
   * `kinesis:ListShards`, `kinesis:PutRecord` and `kinesis:PutRecords` on it and, on a stream
   * encrypted with a customer managed key, exactly `kms:GenerateDataKey` on that key.
   * @see https://docs.aws.amazon.com/streams/latest/dev/permissions-user-key-KMS.html
   */
  public grantPutRecords(grantee: iam.IGrantable): iam.Grant {
    if (!this.stream) {
      throw new Error(`${this.node.path}: grantPutRecords needs a Kinesis source; this worker reads a DynamoDB stream. `
        + 'Fix: grant writes on the table instead (table.grantWriteData(grantee))');
    }
    const grant = this.stream.grant(grantee, 'kinesis:ListShards', 'kinesis:PutRecord', 'kinesis:PutRecords');
    return withKeyGrant(grant, grantee, this.stream.encryptionKey, STREAM_PRODUCER_KEY_ACTIONS);
  }

  /** Age of the newest record processed when it was read, in milliseconds (maximum over 1 minute). */
  public metricIteratorAge(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.function.metric('IteratorAge', { statistic: cloudwatch.Stats.MAXIMUM, period: Duration.minutes(1), ...props });
  }

  /** Records the mapping wrote to the on-failure destination (sum over 5 minutes). */
  public metricOnFailureRecords(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.mappingMetric('OnFailureDestinationDeliveredEventCount', props);
  }

  /**
   * Records the mapping dropped because their retries or record age ran out (sum over 5 minutes);
   * with the on-failure destination they are written there too (`metricOnFailureRecords`).
   */
  public metricDroppedRecords(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.mappingMetric('DroppedEventCount', props);
  }

  /** Failed attempts to write a discarded batch to the on-failure destination (sum over 5 minutes). */
  public metricDestinationDeliveryFailures(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.function.metric('DestinationDeliveryFailures', {
      statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5), ...props,
    });
  }

  /** Function errors (sum over 5 minutes). */
  public metricErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.function.metricErrors({ period: Duration.minutes(5), ...props });
  }

  /** Function throttles (sum over 5 minutes). */
  public metricThrottles(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.function.metricThrottles({ period: Duration.minutes(5), ...props });
  }

  /** An event source mapping metric (the mapping publishes them with `MetricsConfig` EventCount). */
  private mappingMetric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return eventSourceMappingMetric(this.eventSourceMapping, metricName, props);
  }

  private createFunction(props: StreamWorkerProps, settings: StreamWorkerSettings, store?: IdempotencyStore): lambda.IFunction {
    const environment: { [key: string]: string } = {};
    if (store) {
      Object.assign(environment, {
        ...idempotencyStoreEnvironment(store),
        IDEMPOTENCY_TTL_SECONDS: String(settings.idempotency.ttl.toSeconds()),
        IDEMPOTENCY_KEY_PATH: settings.idempotency.eventKeyJmesPath,
      });
    }
    const worker = createPatternFunction(this, 'Function', props, {
      defaultTimeout: Defaults.timeouts.sqsWorker,
      description: `Stream worker ${this.node.path}`,
      executionRoleUse: 'the event source mapping reads the stream with, and which must therefore be granted to read it',
      patternEnvironment: environment,
    });
    if (worker.createdFunction) {
      acknowledgeRule(worker.createdFunction, 'Serverless-LambdaDLQ',
        'invoked by a stream event source mapping, never asynchronously: a function DLQ only catches async invocations; '
        + 'the mapping writes discarded batches to its on-failure destination');
    } else if (Object.keys(environment).length > 0) {
      adoptEnvironment(this, worker.function, environment);
    }
    if (store) grantIdempotencyStore(store, worker.function);
    return worker.function;
  }

  /**
   * The stream rules that props can break (lib/rules/stream.ts), on the mapping this worker is about
   * to create; bisect, the on-failure destination and partial batch responses are always on.
   */
  private checkMapping(settings: StreamWorkerSettings, source: BoundStreamSource): void {
    enforce(this, 'maxRetryAttempts', streamRetriesRule.check({ maximumRetryAttempts: settings.maxRetryAttempts }));
    enforce(this, 'maxRecordAge', streamRecordAgeRule.check({
      maximumRecordAgeSeconds: settings.maxRecordAge.isUnresolved() ? undefined : settings.maxRecordAge.toSeconds(),
      streamRetentionSeconds: source.retentionSeconds,
    }));
    if (!this.onFailure.keepsRecords) {
      warn(this, 'StreamWorker.metadataOnlyFailureDestination',
        'the on-failure destination is a queue or topic: Lambda sends it the shard and sequence numbers of a discarded '
        + `batch, not the records, so they must be read back from the stream before its retention deletes them (${DEFAULT_STREAM_RETENTION_SECONDS / 3600} hours `
        + 'for DynamoDB). Use StreamFailureDestination.toBucket(...) (or leave onFailure unset) to keep the records.');
    }
  }

  /** Shards x parallelizationFactor as an info; reserved concurrency below it is an error (known shards) or a warning. */
  private reportConcurrency(props: StreamWorkerProps, settings: StreamWorkerSettings, source: BoundStreamSource): number | undefined {
    const factor = settings.parallelizationFactor;
    const reserved = props.reservedConcurrency ?? reservedOf(this.function);
    const shards = source.shardCount;
    const concurrency = shards !== undefined && areResolved(factor) ? streamConcurrency(shards, factor) : undefined;
    synthNote(this, 'StreamWorker.concurrency', concurrency !== undefined
      ? `concurrent invocations: shards (${shards}) x parallelizationFactor (${factor}) = ${concurrency}`
      : `concurrent invocations: shards (unknown at synth${source.kind === 'dynamodb' ? ': DynamoDB manages them' : ''}) `
        + `x parallelizationFactor (${factor}) = ${factor} per shard`);
    if (reserved === undefined || !areResolved(reserved, factor)) return concurrency;
    enforce(this, 'reservedConcurrency', streamConcurrencyRule.check({ shardCount: shards, parallelizationFactor: factor, reservedConcurrency: reserved }));
    if (shards === undefined) {
      // DynamoDB manages its stream's shards: no prop can give their number, so the fix differs.
      const fix = source.kind === 'dynamodb'
        ? 'DynamoDB manages the stream\'s shards (about one per table partition), so their number is never known at synth: '
          + 'leave the function unreserved, or reserve at least the table\'s partitions x parallelizationFactor and acknowledge '
          + 'this warning'
        : 'Pass the shard count (StreamSource.kinesis(stream, { shardCount })) to check it, or leave the function unreserved';
      warn(this, 'StreamWorker.reservedConcurrencyUnknownShards',
        `reservedConcurrency ${reserved} covers ${Math.floor(reserved / factor)} shard(s) at parallelizationFactor ${factor}, `
        + 'and the shard count is not known at synth: if the stream has more shards, they wait for a free slot and fall '
        + `behind. ${fix}.`);
    }
    return concurrency;
  }

  private createMapping(props: StreamWorkerProps, settings: StreamWorkerSettings, source: BoundStreamSource): lambda.EventSourceMapping {
    const mapping = new lambda.EventSourceMapping(this, 'EventSourceMapping', {
      target: this.function,
      eventSourceArn: source.eventSourceArn,
      startingPosition: settings.startingPosition,
      startingPositionTimestamp: props.startingPositionTimestamp,
      batchSize: settings.batchSize,
      maxBatchingWindow: props.maxBatchingWindow,
      parallelizationFactor: settings.parallelizationFactor,
      tumblingWindow: props.tumblingWindow,
      filters: props.filters,
      // The runtime reports the first failed record; Lambda checkpoints the records before it.
      reportBatchItemFailures: true,
      // A batch that fails at its first record is split until the poison record is alone.
      bisectBatchOnError: true,
      retryAttempts: settings.maxRetryAttempts,
      // aws-cdk-lib range-checks maxRecordAge even when it is a token (and fails); a token goes on the L1 below.
      maxRecordAge: settings.maxRecordAge.isUnresolved() ? undefined : settings.maxRecordAge,
      onFailure: this.onFailure._toEventSourceDlq(),
      // Publishes OnFailureDestinationDeliveredEventCount and DroppedEventCount for the alarms.
      metricsConfig: { metrics: [lambda.MetricType.EVENT_COUNT] },
    });
    if (settings.maxRecordAge.isUnresolved()) {
      (mapping.node.defaultChild as lambda.CfnEventSourceMapping).maximumRecordAgeInSeconds = settings.maxRecordAge.toSeconds();
    }
    // The mapping polls with the function's role: it must exist (with its grants) first.
    if (this.function.role) mapping.node.addDependency(this.function.role);
    return mapping;
  }
}

/** Reserved concurrency of a function given with `HandlerCode.fromFunction`, when it is an L2 of this app. */
function reservedOf(fn: lambda.IFunction): number | undefined {
  const cfn = fn.node.defaultChild;
  if (!(cfn instanceof lambda.CfnFunction)) return undefined;
  const value = Stack.of(fn).resolve(cfn.reservedConcurrentExecutions);
  return typeof value === 'number' && !Token.isUnresolved(value) ? value : undefined;
}

/** A user-made function still needs the runtime's settings; an imported one can't take them. */
function adoptEnvironment(scope: Construct, fn: lambda.IFunction, environment: { [key: string]: string }): void {
  if (fn instanceof lambda.Function) {
    for (const [key, value] of Object.entries(environment)) fn.addEnvironment(key, value);
  } else {
    warn(scope, 'StreamWorker.importedFunction',
      `the function is imported, so its environment cannot be set: give it ${Object.keys(environment).join(', ')} `
      + 'yourself, or the runtime helper runs without idempotency.');
  }
}
