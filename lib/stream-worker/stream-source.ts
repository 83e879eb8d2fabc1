import { Duration, Names, Stack, Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { invalidProp, requireTokenUnit, validateIntegerRange } from '../core/validation';
import { AWS_LIMITS } from '../rules/limits';
import { DEFAULT_STREAM_RETENTION_SECONDS } from '../rules/stream';

/** Options of a Kinesis source. */
export interface KinesisSourceOptions {
  /**
   * Read through an enhanced fan-out consumer (a `kinesis.StreamConsumer` the worker creates):
   * a dedicated 2 MB/s per shard for this worker and HTTP/2 push, instead of sharing the
   * stream's 2 MB/s per shard (and 5 GetRecords calls per second) with every other reader.
   * @see https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html#services-kinesis-configure
   * @default false
   */
  readonly enhancedFanOut?: boolean;
  /**
   * Name of the enhanced fan-out consumer (1 to 128 characters, unique per stream).
   * @default - a name derived from the worker's path
   */
  readonly consumerName?: string;
  /**
   * Number of shards of the stream, when the worker cannot read it from the stream (imported
   * streams). Used to report the concurrency and to check `reservedConcurrency` against it.
   * @default - read from a provisioned `kinesis.Stream` of this app; unknown otherwise
   */
  readonly shardCount?: number;
  /**
   * Retention of the stream, when the worker cannot read it (imported streams). `maxRecordAge`
   * must stay below it.
   * @default - read from a `kinesis.Stream` of this app; unknown otherwise
   */
  readonly retentionPeriod?: Duration;
}

/** Options of the Kinesis stream a StreamWorker creates. */
export interface NewKinesisStreamOptions {
  /**
   * How long the stream keeps records (24 hours to 365 days). `maxRecordAge` must stay below it.
   * @see https://docs.aws.amazon.com/streams/latest/dev/kinesis-extended-retention.html
   * @default Duration.hours(24)
   */
  readonly retentionPeriod?: Duration;
  /**
   * Read through an enhanced fan-out consumer (see `KinesisSourceOptions.enhancedFanOut`).
   * @default false
   */
  readonly enhancedFanOut?: boolean;
}

/** What the worker knows about its source once it is wired. */
export interface BoundStreamSource {
  readonly kind: 'kinesis' | 'dynamodb';
  /** ARN the mapping reads: the stream, its consumer, or the table's stream. */
  readonly eventSourceArn: string;
  readonly stream?: kinesis.IStream;
  readonly consumer?: kinesis.StreamConsumer;
  readonly table?: dynamodb.ITable;
  /** Known shard count, else undefined. */
  readonly shardCount?: number;
  /** Known retention in seconds, else undefined. */
  readonly retentionSeconds?: number;
}

/** Where a StreamWorker reads from: a Kinesis data stream or a DynamoDB table's stream. */
export class StreamSource {
  /**
   * An existing Kinesis data stream (created in this app or imported with
   * `kinesis.Stream.fromStreamArn`).
   */
  public static kinesis(stream: kinesis.IStream, options: KinesisSourceOptions = {}): StreamSource {
    return new StreamSource((scope, fn) => bindKinesis(scope, fn, stream, options));
  }

  /**
   * The stream of a DynamoDB table (a `dynamodb.Table` with `stream` set, or one imported with
   * `tableStreamArn`). A table without a stream is a synth error.
   * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html
   */
  public static dynamoDb(table: dynamodb.ITable): StreamSource {
    return new StreamSource((scope, fn) => bindDynamoDb(scope, fn, table));
  }

  /** A Kinesis data stream the worker creates: on-demand capacity, encrypted with the AWS-managed key. */
  public static newKinesisStream(options: NewKinesisStreamOptions = {}): StreamSource {
    return new StreamSource((scope, fn) => {
      requireTokenUnit(scope, 'source', options.retentionPeriod, 'hours', 'the stream\'s RetentionPeriodHours');
      const stream = new kinesis.Stream(scope, 'Stream', {
        streamMode: kinesis.StreamMode.ON_DEMAND,
        encryption: kinesis.StreamEncryption.MANAGED,
        retentionPeriod: options.retentionPeriod,
      });
      return bindKinesis(scope, fn, stream, { enhancedFanOut: options.enhancedFanOut });
    });
  }

  private constructor(private readonly binder: (scope: Construct, fn: lambda.IFunction) => BoundStreamSource) {}

  /**
   * Wires the source to the worker's function (read grants, consumer) and returns what is known about it.
   * @internal
   */
  public _bind(scope: Construct, fn: lambda.IFunction): BoundStreamSource {
    return this.binder(scope, fn);
  }
}

function bindKinesis(scope: Construct, fn: lambda.IFunction, stream: kinesis.IStream, options: KinesisSourceOptions): BoundStreamSource {
  validateIntegerRange(scope, 'source.shardCount', options.shardCount, 1, 100_000);
  if (options.consumerName !== undefined && !options.enhancedFanOut) {
    invalidProp(scope, 'source.consumerName', 'names an enhanced fan-out consumer, and enhancedFanOut is off',
      'set enhancedFanOut: true, or remove consumerName');
  }
  const known = knownStreamSettings(stream);
  let consumer: kinesis.StreamConsumer | undefined;
  if (options.enhancedFanOut) {
    consumer = new kinesis.StreamConsumer(scope, 'Consumer', {
      stream,
      streamConsumerName: options.consumerName ?? Names.uniqueResourceName(scope, { maxLength: AWS_LIMITS.kinesisConsumerName.max }),
    });
    consumer.grantRead(fn);
  } else {
    stream.grantRead(fn);
  }
  return {
    kind: 'kinesis',
    eventSourceArn: consumer ? consumer.streamConsumerArn : stream.streamArn,
    stream,
    consumer,
    shardCount: options.shardCount ?? known.shardCount,
    retentionSeconds: options.retentionPeriod && !options.retentionPeriod.isUnresolved()
      ? options.retentionPeriod.toSeconds() : known.retentionSeconds,
  };
}

/** Shard count and retention of a stream of this app (undefined when on-demand, imported or a token). */
function knownStreamSettings(stream: kinesis.IStream): { shardCount?: number; retentionSeconds?: number } {
  const cfn = stream.node.defaultChild;
  if (!(stream instanceof kinesis.Stream) || !(cfn instanceof kinesis.CfnStream)) return {};
  const resolve = (v: unknown) => Stack.of(stream).resolve(v);
  const mode = (resolve(cfn.streamModeDetails) as { streamMode?: string } | undefined)?.streamMode;
  const shards = resolve(cfn.shardCount);
  const hours = resolve(cfn.retentionPeriodHours);
  const concrete = (v: unknown): v is number => typeof v === 'number' && !Token.isUnresolved(v);
  return {
    shardCount: mode !== 'ON_DEMAND' && concrete(shards) ? shards : undefined,
    retentionSeconds: hours === undefined ? DEFAULT_STREAM_RETENTION_SECONDS : concrete(hours) ? hours * 3600 : undefined,
  };
}

function bindDynamoDb(scope: Construct, fn: lambda.IFunction, table: dynamodb.ITable): BoundStreamSource {
  if (!table.tableStreamArn) {
    invalidProp(scope, 'source', `the table ${table.node.path} has no stream, so there is nothing to consume`,
      'create the table with stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES (or NEW_IMAGE), or import it with '
      + 'Table.fromTableAttributes({ tableArn, tableStreamArn })');
  }
  table.grantStreamRead(fn);
  return {
    kind: 'dynamodb',
    eventSourceArn: table.tableStreamArn,
    table,
    // DynamoDB manages the shards of a table's stream; their number is not known at synth.
    shardCount: undefined,
    retentionSeconds: DEFAULT_STREAM_RETENTION_SECONDS,
  };
}
