// Every AWS limit the library checks props against, defaults to or documents: one table, each
// entry with the AWS page that states it. Constructs, rules, guardrails, the cost model, docs
// (docs/rules.md) and tests read these; test/limits.test.ts fails when one of these values is
// written as a literal anywhere else in lib/. Nothing here throws.

/** A limit of one AWS setting, with where AWS states it. Absent bounds: AWS sets none. */
export interface AwsLimitRange {
  /** What the limit bounds, as AWS names it. */
  readonly what: string;
  readonly min?: number;
  readonly max?: number;
  /** What AWS uses when the setting is absent. */
  readonly default?: number;
  /** Unit of min, max and default: 'seconds', 'minutes', 'days', 'MB', 'bytes', 'characters' or a count. */
  readonly unit: string;
  readonly source: string;
  /** Anything a reader needs to apply the limit right. */
  readonly note?: string;
}

const LAMBDA_QUOTAS = 'https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html';
const CREATE_MAPPING = 'https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html';
const EVENT_INVOKE_CONFIG = 'https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionEventInvokeConfig.html';
const SQS_ATTRIBUTES = 'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html';
const SCHEDULER_RETRY = 'https://docs.aws.amazon.com/scheduler/latest/APIReference/API_RetryPolicy.html';
const SFN_QUOTAS = 'https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html';
const DURABLE_CONFIG = 'https://docs.aws.amazon.com/lambda/latest/api/API_DurableConfig.html';
const SNS_FILTER_QUOTAS = 'https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policy-constraints.html';

/**
 * The table. Times are in the unit AWS's API takes them in (seconds unless the name says
 * otherwise); read a Duration with `Duration.seconds(AWS_LIMITS.lambdaTimeout.max)`.
 */
export const AWS_LIMITS = {
  lambdaTimeout: {
    what: 'Lambda function timeout', min: 1, max: 900, default: 3, unit: 'seconds',
    source: 'https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html',
  },
  lambdaMemory: {
    what: 'Lambda function memory', min: 128, max: 10_240, default: 128, unit: 'MB', source: LAMBDA_QUOTAS,
  },
  lambdaReservedConcurrency: {
    what: 'Reserved concurrency of a function (ReservedConcurrentExecutions)', min: 0, max: 10_000, unit: 'concurrent executions',
    source: 'https://docs.aws.amazon.com/lambda/latest/dg/API_Concurrency.html',
    note: 'AWS sets only the minimum (0 stops all invocations); the account quota minus the unreserved 100 is the real ceiling. '
      + 'The maximum here is this library\'s guard against a typo, far above the default quota.',
  },
  lambdaProvisionedConcurrency: {
    what: 'Provisioned concurrency of an alias or version', min: 1, max: 10_000, unit: 'concurrent executions',
    source: 'https://docs.aws.amazon.com/lambda/latest/api/API_PutProvisionedConcurrencyConfig.html',
    note: 'the maximum is this library\'s typo guard, as for reserved concurrency; at most the reserved concurrency when one is set',
  },
  accountConcurrency: {
    what: 'Concurrent executions per account and Region', default: 1000, unit: 'concurrent executions', source: LAMBDA_QUOTAS,
    note: 'can be raised to tens of thousands',
  },
  unreservedConcurrency: {
    what: 'Concurrency that reserved concurrency must leave unreserved', min: 100, unit: 'concurrent executions',
    source: 'https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionConcurrency.html',
  },
  asyncRetryAttempts: {
    what: 'Retries of an asynchronous invocation (MaximumRetryAttempts)', min: 0, max: 2, default: 2, unit: 'attempts', source: EVENT_INVOKE_CONFIG,
  },
  asyncMaxEventAge: {
    what: 'Age of an asynchronous event (MaximumEventAgeInSeconds)', min: 60, max: 21_600, default: 21_600, unit: 'seconds', source: EVENT_INVOKE_CONFIG,
  },
  sqsBatchSize: {
    what: 'Batch size of an SQS event source mapping (standard queue)', min: 1, max: 10_000, default: 10, unit: 'records', source: CREATE_MAPPING,
    note: 'above 10 needs a batching window (MaximumBatchingWindowInSeconds of at least 1 second)',
  },
  sqsFifoBatchSize: {
    what: 'Batch size of an SQS event source mapping (FIFO queue)', min: 1, max: 10, unit: 'records', source: CREATE_MAPPING,
  },
  sqsBatchSizeWithoutWindow: {
    what: 'Batch size of an SQS event source mapping without a batching window', max: 10, unit: 'records', source: CREATE_MAPPING,
  },
  batchingWindow: {
    what: 'Batching window of an event source mapping (MaximumBatchingWindowInSeconds)', min: 0, max: 300, unit: 'seconds', source: CREATE_MAPPING,
  },
  sqsMaxConcurrency: {
    what: 'Maximum concurrency of an SQS event source (ScalingConfig.MaximumConcurrency)', min: 2, max: 1000, unit: 'concurrent invocations',
    source: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-lambda-eventsourcemapping-scalingconfig.html',
  },
  streamBatchSize: {
    what: 'Batch size of a Kinesis or DynamoDB Streams event source mapping', min: 1, max: 10_000, default: 100, unit: 'records', source: CREATE_MAPPING,
  },
  streamParallelizationFactor: {
    what: 'Concurrent batches per shard (ParallelizationFactor)', min: 1, max: 10, default: 1, unit: 'batches', source: CREATE_MAPPING,
  },
  streamRetryAttempts: {
    what: 'Retries of a stream batch (MaximumRetryAttempts)', min: -1, max: 10_000, default: -1, unit: 'attempts', source: CREATE_MAPPING,
    note: '-1 retries until the record expires',
  },
  streamRecordAge: {
    what: 'Age of a stream record Lambda still sends (MaximumRecordAgeInSeconds)', min: 60, max: 604_800, default: -1, unit: 'seconds',
    source: CREATE_MAPPING, note: '-1 (the default) never discards a record for its age',
  },
  streamTumblingWindow: {
    what: 'Tumbling window of a stream event source mapping (TumblingWindowInSeconds)', min: 0, max: 900, unit: 'seconds', source: CREATE_MAPPING,
  },
  streamRetention: {
    what: 'Retention of a DynamoDB stream (fixed) and default retention of a Kinesis data stream', default: 86_400, unit: 'seconds',
    source: 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html',
  },
  kinesisRetention: {
    what: 'Retention of a Kinesis data stream', min: 24, max: 8760, default: 24, unit: 'hours',
    source: 'https://docs.aws.amazon.com/streams/latest/dev/kinesis-extended-retention.html', note: 'up to 365 days',
  },
  kinesisConsumerName: {
    what: 'Name of a Kinesis enhanced fan-out consumer', min: 1, max: 128, unit: 'characters',
    source: 'https://docs.aws.amazon.com/kinesis/latest/APIReference/API_RegisterStreamConsumer.html',
  },
  sqsVisibilityTimeout: {
    what: 'Visibility timeout of an SQS queue', min: 0, max: 43_200, default: 30, unit: 'seconds', source: SQS_ATTRIBUTES,
  },
  sqsRetention: {
    what: 'Message retention period of an SQS queue', min: 60, max: 1_209_600, default: 345_600, unit: 'seconds', source: SQS_ATTRIBUTES,
  },
  sqsDataKeyReusePeriod: {
    what: 'Reuse period of an SQS queue\'s KMS data key (KmsDataKeyReusePeriodSeconds)', min: 60, max: 86_400, default: 300, unit: 'seconds',
    source: SQS_ATTRIBUTES,
  },
  sqsMaxReceiveCount: {
    what: 'Receives before SQS moves a message to the dead-letter queue (maxReceiveCount)', min: 1, max: 1000, unit: 'receives',
    source: 'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html',
  },
  apiGatewayIntegrationTimeout: {
    what: 'Integration timeout of API Gateway (REST API default; an HTTP API waits up to 30 seconds)', max: 29, unit: 'seconds',
    source: 'https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-execution-service-limits-table.html',
  },
  httpApiIntegrationTimeout: {
    what: 'Integration timeout of an API Gateway HTTP API', max: 30, unit: 'seconds',
    source: 'https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html',
  },
  apiGatewayBurst: {
    what: 'Throttle burst of API Gateway per account and Region (default quota)', max: 5000, unit: 'requests',
    source: 'https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html',
  },
  schedulerRetryAttempts: {
    what: 'Retries of an EventBridge Scheduler target (MaximumRetryAttempts)', min: 0, max: 185, default: 185, unit: 'attempts', source: SCHEDULER_RETRY,
  },
  schedulerMaxEventAge: {
    what: 'Age of an EventBridge Scheduler event (MaximumEventAgeInSeconds)', min: 60, max: 86_400, default: 86_400, unit: 'seconds', source: SCHEDULER_RETRY,
  },
  schedulerFlexibleWindow: {
    what: 'Flexible time window of a schedule (MaximumWindowInMinutes)', min: 1, max: 1440, unit: 'minutes',
    source: 'https://docs.aws.amazon.com/scheduler/latest/APIReference/API_FlexibleTimeWindow.html',
  },
  eventBridgeTargetRetryAttempts: {
    what: 'Retries of an EventBridge rule target (MaximumRetryAttempts)', min: 0, max: 185, default: 185, unit: 'attempts',
    source: 'https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_RetryPolicy.html',
  },
  standardExecutionDuration: {
    what: 'Duration of a STANDARD Step Functions execution', max: 31_536_000, unit: 'seconds', source: SFN_QUOTAS, note: 'one year',
  },
  expressExecutionDuration: {
    what: 'Duration of an EXPRESS Step Functions execution', max: 300, unit: 'seconds', source: SFN_QUOTAS,
  },
  retryMaxAttempts: {
    what: 'MaxAttempts of a Step Functions Retrier', min: 0, max: 99_999_999, default: 3, unit: 'attempts',
    source: 'https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html',
  },
  retryInterval: {
    what: 'IntervalSeconds of a Step Functions Retrier', min: 1, max: 99_999_999, default: 1, unit: 'seconds',
    source: 'https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html',
    note: 'SagaStateMachine bounds MaxDelaySeconds the same way',
  },
  stateNameLength: {
    what: 'Length of a Step Functions state name', min: 1, max: 80, unit: 'characters', source: SFN_QUOTAS,
  },
  durableExecutionTimeout: {
    what: 'Execution timeout of a durable function (DurableConfig.ExecutionTimeout)', min: 1, max: 31_622_400, unit: 'seconds',
    source: DURABLE_CONFIG, note: '366 days',
  },
  durableRetention: {
    what: 'Execution history retention of a durable function (DurableConfig.RetentionPeriodInDays)', min: 1, max: 90, default: 14, unit: 'days',
    source: DURABLE_CONFIG,
  },
  durableSynchronousExecution: {
    what: 'Execution of a durable function invoked synchronously (RequestResponse, event source mappings), waits included', max: 900, unit: 'seconds',
    source: 'https://docs.aws.amazon.com/lambda/latest/dg/durable-invoking.html',
  },
  alarmEvaluationRange: {
    what: 'Period x evaluation periods of one CloudWatch alarm (at most 1 day for periods under an hour)', max: 604_800, unit: 'seconds',
    source: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html',
  },
  snsFilterPolicyKeys: {
    what: 'Attribute keys in one SNS filter policy', max: 5, unit: 'keys', source: SNS_FILTER_QUOTAS,
  },
  snsFilterPolicyCombinations: {
    what: 'Value combinations of one SNS filter policy', max: 150, unit: 'combinations', source: SNS_FILTER_QUOTAS,
  },
  snsFilterPoliciesPerTopic: {
    what: 'Filter policies per SNS topic (default quota, adjustable)', max: 200, unit: 'policies', source: SNS_FILTER_QUOTAS,
  },
  eventBridgeRulesPerBus: {
    what: 'Rules per EventBridge event bus (default quota; 100 in af-south-1 and eu-south-1)', max: 300, unit: 'rules', source: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html',
  },
} as const satisfies { [name: string]: AwsLimitRange };

/** A fixed amount (a payload size), with where AWS states it and the day it was read. */
export interface AwsLimit {
  readonly value: number;
  readonly unit: string;
  readonly source: string;
  readonly read: string;
}

const MIB = 1024 * 1024;

/**
 * Payload limits. SQS messages, EventBridge events and asynchronous Lambda invocations take up to
 * 1 MB since 2025 (SQS: 1 MiB, 1,048,576 bytes, August 2025; async Lambda: October 2025;
 * EventBridge: January 2026); SNS messages and Step Functions task results stay at 256 KiB;
 * Kinesis records go up to 10 MiB once a stream's maximum record size is raised (1 MiB by default).
 */
export const PAYLOAD_LIMITS = {
  sqsMessageBytes: {
    value: MIB, unit: 'bytes',
    source: 'https://aws.amazon.com/blogs/compute/more-room-to-build-serverless-services-now-support-payloads-up-to-1-mb',
    read: '2026-12-07',
  },
  eventBridgeEventBytes: {
    value: MIB, unit: 'bytes',
    source: 'https://aws.amazon.com/blogs/compute/more-room-to-build-serverless-services-now-support-payloads-up-to-1-mb',
    read: '2026-12-07',
  },
  lambdaAsyncInvocationBytes: {
    value: MIB, unit: 'bytes',
    source: 'https://aws.amazon.com/blogs/compute/more-room-to-build-serverless-services-now-support-payloads-up-to-1-mb',
    read: '2026-12-07',
  },
  snsMessageBytes: {
    value: 256 * 1024, unit: 'bytes',
    source: 'https://docs.aws.amazon.com/general/latest/gr/sns.html',
    read: '2026-12-07',
  },
  kinesisRecordBytes: {
    value: 10 * MIB, unit: 'bytes',
    source: 'https://docs.aws.amazon.com/streams/latest/dev/large-records.html',
    read: '2026-12-07',
  },
  kinesisDefaultRecordBytes: {
    value: MIB, unit: 'bytes',
    source: 'https://docs.aws.amazon.com/streams/latest/dev/large-records.html',
    read: '2026-12-07',
  },
} satisfies { [name: string]: AwsLimit };

/**
 * Provisioned mode of an SQS event source mapping (November 2025): dedicated event pollers
 * between a minimum (2 to 200, default 2) and a maximum (2 to 2,000, default 200). The Lambda API
 * reference now lists up to 10,000 for SQS; CloudFormation's reference and aws-cdk-lib 2.276 accept
 * 2,000, so that is the bound here. Provisioned mode and `MaximumConcurrency` exclude each other.
 */
export const SQS_PROVISIONED_POLLERS = {
  minimumPollers: {
    min: 2, max: 200, default: 2,
    source: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-lambda-eventsourcemapping-provisionedpollerconfig.html',
    read: '2026-12-07',
  },
  maximumPollers: {
    min: 2, max: 2000, default: 200,
    source: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-lambda-eventsourcemapping-provisionedpollerconfig.html',
    read: '2026-12-07',
  },
  /** What provisioned mode gives: scaling by up to 1,000 concurrency a minute, up to 20,000 concurrency. */
  announcement: 'https://aws.amazon.com/blogs/aws/aws-lambda-enhances-sqs-processing-with-new-provisioned-mode-3x-faster-scaling-16x-higher-capacity',
} as const;

const SECONDS_PER_UNIT = { seconds: 1, minutes: 60, hours: 3600, days: 86_400 } as const;

/** A number of seconds as the Duration a fix tells the user to write, e.g. `Duration.hours(6)` for 21,600. */
export function durationCode(seconds: number, unit: keyof typeof SECONDS_PER_UNIT): string {
  return `Duration.${unit}(${seconds / SECONDS_PER_UNIT[unit]})`;
}
