/**
 * The Lambda shapes the runtime's public types use, declared here so the runtime's `.d.ts`
 * files need no `@types/aws-lambda`. Each is a subset of the matching `aws-lambda` type
 * (`SQSRecord`, `SQSEvent`, `SQSBatchResponse`, `Context`), so values of those types are
 * accepted where these are expected.
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html#example-standard-queue-message-event
 */

/** System attributes of an SQS message as Lambda delivers it. */
export interface SqsRecordAttributes {
  readonly ApproximateReceiveCount: string;
  readonly SentTimestamp: string;
  readonly SenderId: string;
  readonly ApproximateFirstReceiveTimestamp: string;
  readonly AWSTraceHeader?: string;
  /** FIFO queues only. */
  readonly SequenceNumber?: string;
  /**
   * FIFO queues: the ordering group. Standard queues: the tenant of an SQS fair queue, when the
   * producer set one.
   */
  readonly MessageGroupId?: string;
  /** FIFO queues only. */
  readonly MessageDeduplicationId?: string;
  readonly DeadLetterQueueSourceArn?: string;
}

/** A message attribute set by the producer. */
export interface SqsMessageAttribute {
  readonly dataType: string;
  readonly stringValue?: string;
  readonly binaryValue?: string;
  readonly stringListValues?: string[];
  readonly binaryListValues?: string[];
}

/** One SQS message in a Lambda event. */
export interface SqsRecord {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly attributes: SqsRecordAttributes;
  readonly messageAttributes: Record<string, SqsMessageAttribute>;
  readonly md5OfBody: string;
  readonly md5OfMessageAttributes?: string | null;
  readonly eventSource: string;
  readonly eventSourceARN: string;
  readonly awsRegion: string;
}

/** The event Lambda sends for an SQS event source mapping. */
export interface SqsEvent {
  readonly Records: SqsRecord[];
}

/** A partial batch response: the messages SQS must keep and deliver again. */
export interface SqsBatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

/** The Lambda context members the runtime uses. */
export interface LambdaContext {
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly awsRequestId: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
}

/** What a log call accepts after its message: attribute objects, or one Error or string. */
export type LogExtra = Record<string, unknown> | Error | string;

/** The logger the runtime exports (a Powertools `Logger`), as far as the runtime's users need it. */
export interface RuntimeLogger {
  debug(message: string, ...extra: LogExtra[]): void;
  info(message: string, ...extra: LogExtra[]): void;
  warn(message: string, ...extra: LogExtra[]): void;
  error(message: string, ...extra: LogExtra[]): void;
  /** Adds the invocation's context (request id, function name, cold start) to every line. */
  addContext(context: LambdaContext): void;
  /**
   * Adds keys to every following line: of this execution environment, or of the invocation when
   * Lambda runs several at once (Powertools keeps them per invocation there). Inside a runtime
   * handler, the record's keys are already on every line.
   */
  appendKeys(attributes: Record<string, unknown>): void;
  removeKeys(keys: string[]): void;
  /** Sets the level (`DEBUG`, `INFO`, `WARN`, `ERROR`, ...), as `POWERTOOLS_LOG_LEVEL` does at cold start. */
  setLogLevel(level: string): void;
  /** The current level's name. */
  getLevelName(): string;
}

/**
 * Makes the idempotency persistence layer of one function for `tableName`, once per cold start:
 * it must return a Powertools `BasePersistenceLayer` (`@aws-lambda-powertools/idempotency/persistence`),
 * such as `sdkPersistenceLayer` from `runtime/idempotency/sdk` or one of your own. Typed as
 * `object` so the runtime's published types do not need Powertools installed.
 */
export type PersistenceLayerFactory = (tableName: string) => object | Promise<object>;

/**
 * Which persistence layer writes the idempotency records: `http` (the runtime's
 * `DynamoDBHttpPersistenceLayer`), `sdk` (Powertools' `DynamoDBPersistenceLayer`, once the handler
 * imports `runtime/idempotency/sdk`), or a {@link PersistenceLayerFactory}.
 */
export type PersistenceLayerOption = 'http' | 'sdk' | PersistenceLayerFactory;

/** One attribute value in DynamoDB JSON (as stream images carry it). */
export interface DynamoDbAttributeValue {
  readonly S?: string;
  readonly N?: string;
  readonly B?: string;
  readonly BOOL?: boolean;
  readonly NULL?: boolean;
  readonly M?: { readonly [name: string]: DynamoDbAttributeValue };
  readonly L?: readonly DynamoDbAttributeValue[];
  readonly SS?: readonly string[];
  readonly NS?: readonly string[];
  readonly BS?: readonly string[];
}

/**
 * A Kinesis record as Lambda delivers it (a subset of `@types/aws-lambda`'s `KinesisStreamRecord`).
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html
 */
export interface KinesisStreamRecord {
  readonly awsRegion: string;
  readonly eventID: string;
  readonly eventName: string;
  readonly eventSource: string;
  readonly eventSourceARN: string;
  readonly eventVersion: string;
  readonly invokeIdentityArn: string;
  readonly kinesis: {
    /** Seconds since the epoch, with fractions. */
    readonly approximateArrivalTimestamp: number;
    /** The data, base64-encoded. */
    readonly data: string;
    readonly kinesisSchemaVersion: string;
    readonly partitionKey: string;
    readonly sequenceNumber: string;
  };
}

/**
 * A DynamoDB Streams record as Lambda delivers it (a subset of `@types/aws-lambda`'s `DynamoDBRecord`).
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html
 */
export interface DynamoDBRecord {
  readonly awsRegion?: string;
  readonly eventID?: string;
  readonly eventName?: 'INSERT' | 'MODIFY' | 'REMOVE';
  readonly eventSource?: string;
  readonly eventSourceARN?: string;
  readonly eventVersion?: string;
  readonly dynamodb?: {
    readonly ApproximateCreationDateTime?: number;
    readonly Keys?: { readonly [name: string]: DynamoDbAttributeValue };
    readonly NewImage?: { readonly [name: string]: DynamoDbAttributeValue };
    readonly OldImage?: { readonly [name: string]: DynamoDbAttributeValue };
    readonly SequenceNumber?: string;
    readonly SizeBytes?: number;
    readonly StreamViewType?: 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES';
  };
}

/** The event Lambda sends for a Kinesis event source mapping. */
export interface KinesisStreamEvent {
  readonly Records: KinesisStreamRecord[];
}

/** The event Lambda sends for a DynamoDB Streams event source mapping. */
export interface DynamoDBStreamEvent {
  readonly Records: DynamoDBRecord[];
}
