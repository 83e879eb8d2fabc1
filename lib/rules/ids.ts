/**
 * The checks of `ServerlessGuardrails` and `ConcurrencyBudget`, by stable id. Use the id to change a rule's severity
 * (`ServerlessGuardrailsProps.severities`) or to acknowledge a finding
 * (`ServerlessGuardrails.acknowledge`).
 */
export enum GuardrailRule {
  /** SQS event source whose queue visibility timeout is below 6 x function timeout + batching window. */
  SQS_VISIBILITY_TIMEOUT = 'SPG-SQS-VISIBILITY',
  /** SQS event source mapping without `ReportBatchItemFailures`. */
  SQS_PARTIAL_BATCH_RESPONSE = 'SPG-SQS-PARTIAL-BATCH',
  /** SQS event source `maxConcurrency` above the function's reserved concurrency. */
  SQS_MAX_CONCURRENCY = 'SPG-SQS-MAX-CONCURRENCY',
  /** Queue consumed by a Lambda event source mapping without a redrive policy (dead-letter queue). */
  SQS_SOURCE_REDRIVE = 'SPG-SQS-REDRIVE',
  /** Function invoked asynchronously (S3, SNS, EventBridge) without an on-failure destination or DLQ. */
  ASYNC_ON_FAILURE = 'SPG-ASYNC-ON-FAILURE',
  /** Log group without retention (kept forever). */
  LOG_RETENTION = 'SPG-LOG-RETENTION',
  /** Function logging to Lambda's default log group, which never expires. */
  FUNCTION_LOG_GROUP = 'SPG-LAMBDA-LOG-GROUP',
  /** Function with a 15 minute timeout behind API Gateway or a function URL. */
  API_TIMEOUT = 'SPG-API-TIMEOUT',
  /** Provisioned concurrency on an alias of `$LATEST` (rejected by Lambda). */
  PROVISIONED_ON_LATEST = 'SPG-PC-LATEST',
  /** A trigger invokes the unqualified function ($LATEST) while provisioned concurrency sits on an alias or version. */
  PROVISIONED_BYPASSED = 'SPG-PC-BYPASSED',
  /** Provisioned concurrency above the function's reserved concurrency (rejected by Lambda). */
  PROVISIONED_ABOVE_RESERVED = 'SPG-PC-ABOVE-RESERVED',
  /** S3 bucket notification to a function that writes to the same bucket (recursive invocation). */
  S3_RECURSIVE_TRIGGER = 'SPG-S3-RECURSION',
  /** EXPRESS state machine without logging: its executions leave no history anywhere else. */
  EXPRESS_STATE_MACHINE_LOGGING = 'SPG-SFN-EXPRESS-LOGGING',
  /** Kinesis or DynamoDB Streams mapping that does not split a failing batch (`BisectBatchOnFunctionError`). */
  STREAM_BISECT = 'SPG-STREAM-BISECT',
  /** Kinesis or DynamoDB Streams mapping with unbounded retries (`MaximumRetryAttempts` -1 or unset). */
  STREAM_RETRIES = 'SPG-STREAM-RETRIES',
  /** Kinesis or DynamoDB Streams mapping with unbounded record age, or one the stream's retention outlives. */
  STREAM_RECORD_AGE = 'SPG-STREAM-RECORD-AGE',
  /** Kinesis or DynamoDB Streams mapping without an on-failure destination: discarded batches leave no trace. */
  STREAM_ON_FAILURE = 'SPG-STREAM-ON-FAILURE',
  /** Kinesis or DynamoDB Streams mapping without `ReportBatchItemFailures`. */
  STREAM_PARTIAL_BATCH_RESPONSE = 'SPG-STREAM-PARTIAL-BATCH',
  /** Reserved concurrency of a stream consumer below shards x parallelization factor. */
  STREAM_CONCURRENCY = 'SPG-STREAM-CONCURRENCY',
  /** EventBridge Scheduler schedule without a dead-letter queue: an occurrence that cannot be delivered is dropped. */
  SCHEDULE_DEAD_LETTER = 'SPG-SCHEDULE-DLQ',
  /** EventBridge Scheduler schedule without a bounded retry policy, or with one outside AWS's limits. */
  SCHEDULE_RETRY_POLICY = 'SPG-SCHEDULE-RETRY',
  /** Scheduled EventBridge rule (legacy) invoking a Lambda function without a dead-letter queue on the target. */
  SCHEDULED_RULE_WITHOUT_DLQ = 'SPG-SCHEDULED-RULE-DLQ',
  /** A `.waitForTaskToken` task without TimeoutSeconds/HeartbeatSeconds: it waits up to a year, no alarm fires. */
  SFN_CALLBACK_TIMEOUT = 'SPG-SFN-CALLBACK-TIMEOUT',
  /** Function in a VPC whose subnets have neither a NAT route nor VPC endpoints for the services its runtime calls. */
  VPC_EGRESS = 'SPG-VPC-EGRESS',
  /** A durable function invoked through its unqualified ARN (a permission, mapping, target or state machine task). */
  DURABLE_UNQUALIFIED = 'SPG-DURABLE-UNQUALIFIED',
  /** A durable function with an execution timeout above 15 minutes behind a synchronous trigger. */
  DURABLE_SYNC_TIMEOUT = 'SPG-DURABLE-SYNC-TIMEOUT',
  /** A durable function's execution timeout or retention outside Lambda's limits. */
  DURABLE_CONFIG = 'SPG-DURABLE-CONFIG',
  /** Reserved concurrency of an environment leaving less than the buffer of the account limit unreserved (`ConcurrencyBudget`). */
  CONCURRENCY_BUDGET = 'SPG-CONCURRENCY-BUDGET',
  /** A stack without a concrete account/region: `ConcurrencyBudget` cannot place its reserved concurrency. */
  CONCURRENCY_UNRESOLVED_ENVIRONMENT = 'SPG-CONCURRENCY-UNRESOLVED-ENV',
  /** A reserved concurrency that is a token: `ConcurrencyBudget` leaves it out of the sum. */
  CONCURRENCY_UNRESOLVED_VALUE = 'SPG-CONCURRENCY-UNRESOLVED-VALUE',
}

/** What a guardrail finding becomes. */
export enum GuardrailSeverity {
  /** An error: `cdk synth` and `cdk deploy` stop. */
  ERROR = 'error',
  /** A warning: printed in CDK's validation report (a `ConcurrencyBudget` warning is an annotation). */
  WARNING = 'warning',
  /** An info: printed. */
  INFO = 'info',
  /** The rule does not run. */
  OFF = 'off',
}

/** Severity of each rule when not configured. */
export const DEFAULT_SEVERITIES: Record<GuardrailRule, GuardrailSeverity> = {
  [GuardrailRule.SQS_VISIBILITY_TIMEOUT]: GuardrailSeverity.ERROR,
  [GuardrailRule.SQS_PARTIAL_BATCH_RESPONSE]: GuardrailSeverity.WARNING,
  [GuardrailRule.SQS_MAX_CONCURRENCY]: GuardrailSeverity.ERROR,
  [GuardrailRule.SQS_SOURCE_REDRIVE]: GuardrailSeverity.ERROR,
  [GuardrailRule.ASYNC_ON_FAILURE]: GuardrailSeverity.ERROR,
  [GuardrailRule.LOG_RETENTION]: GuardrailSeverity.WARNING,
  [GuardrailRule.FUNCTION_LOG_GROUP]: GuardrailSeverity.WARNING,
  [GuardrailRule.API_TIMEOUT]: GuardrailSeverity.WARNING,
  [GuardrailRule.PROVISIONED_ON_LATEST]: GuardrailSeverity.ERROR,
  [GuardrailRule.PROVISIONED_BYPASSED]: GuardrailSeverity.WARNING,
  [GuardrailRule.PROVISIONED_ABOVE_RESERVED]: GuardrailSeverity.ERROR,
  [GuardrailRule.S3_RECURSIVE_TRIGGER]: GuardrailSeverity.ERROR,
  [GuardrailRule.EXPRESS_STATE_MACHINE_LOGGING]: GuardrailSeverity.WARNING,
  [GuardrailRule.STREAM_BISECT]: GuardrailSeverity.WARNING,
  [GuardrailRule.STREAM_RETRIES]: GuardrailSeverity.ERROR,
  [GuardrailRule.STREAM_RECORD_AGE]: GuardrailSeverity.WARNING,
  [GuardrailRule.STREAM_ON_FAILURE]: GuardrailSeverity.ERROR,
  [GuardrailRule.STREAM_PARTIAL_BATCH_RESPONSE]: GuardrailSeverity.WARNING,
  [GuardrailRule.STREAM_CONCURRENCY]: GuardrailSeverity.ERROR,
  [GuardrailRule.SCHEDULE_DEAD_LETTER]: GuardrailSeverity.WARNING,
  [GuardrailRule.SCHEDULE_RETRY_POLICY]: GuardrailSeverity.WARNING,
  [GuardrailRule.SCHEDULED_RULE_WITHOUT_DLQ]: GuardrailSeverity.WARNING,
  [GuardrailRule.SFN_CALLBACK_TIMEOUT]: GuardrailSeverity.ERROR,
  [GuardrailRule.VPC_EGRESS]: GuardrailSeverity.WARNING,
  [GuardrailRule.DURABLE_UNQUALIFIED]: GuardrailSeverity.ERROR,
  [GuardrailRule.DURABLE_SYNC_TIMEOUT]: GuardrailSeverity.ERROR,
  [GuardrailRule.DURABLE_CONFIG]: GuardrailSeverity.ERROR,
  [GuardrailRule.CONCURRENCY_BUDGET]: GuardrailSeverity.ERROR,
  [GuardrailRule.CONCURRENCY_UNRESOLVED_ENVIRONMENT]: GuardrailSeverity.WARNING,
  [GuardrailRule.CONCURRENCY_UNRESOLVED_VALUE]: GuardrailSeverity.WARNING,
};
