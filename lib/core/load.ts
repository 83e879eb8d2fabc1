import type { Duration, Size } from 'aws-cdk-lib';

/**
 * The traffic a construct expects per month, for the synth-time cost report
 * (`ServerlessCostReport`). A construct without one is listed in the report but not estimated.
 */
export interface ExpectedLoad {
  /**
   * Units of work per month (0 or more): messages for an SqsWorker, messages published to a
   * FanOutPipeline (each consumer receives them all unless its worker has a load of its own),
   * requests for a ProvisionedApi, events for an AsyncFunction, executions for a SagaStateMachine,
   * records for a StreamWorker. A ScheduledJob counts its runs from its schedule (cron, rate, or
   * 1 for a one-time `at`), so it needs none; given, it replaces that count.
   * @default - required, except for a ScheduledJob (its schedule's runs)
   */
  readonly perMonth?: number;
  /**
   * Average time one unit of work takes: the function's time per message, request or event,
   * and for a saga the whole execution (Express duration; its step functions share it equally).
   * @default Duration.millis(100)
   */
  readonly averageDuration?: Duration;
  /**
   * Average payload of one message, request, event or execution input. SQS, SNS and EventBridge
   * bill every 64 KB chunk as one request, API Gateway HTTP APIs every 512 KB.
   * @default Size.kibibytes(1)
   */
  readonly payloadSize?: Size;
  /**
   * Log bytes written per function invocation (Lambda's START/END/REPORT lines plus your
   * structured log lines), or per execution for a saga.
   * @default - 1 KiB per function invocation; for a saga, 400 bytes per history event (plus the
   * payload when execution data is logged)
   */
  readonly logBytesPerInvocation?: Size;
  /**
   * Records per invocation of an SQS-fed function (1 or more; above the batch size counts as the
   * batch size): fewer when traffic is light and batches leave the batching window partly filled.
   * @default - the event source mapping's batch size (full batches: the fewest invocations)
   */
  readonly recordsPerInvocation?: number;
  /**
   * Share of the units of work that fail for good (0 to 1): for a StreamWorker, records whose
   * retries run out and that Lambda writes to the S3 failure bucket, one object each (bisection
   * isolates a poison record in a batch of its own).
   * @default - no failures priced (the failure bucket's PUT requests are 0)
   */
  readonly failureRate?: number;
  /**
   * Share of invocations that start a new execution environment (0 to 1). Lambda bills the INIT
   * phase of those cold starts since 1 August 2025, at the duration price.
   * @see https://aws.amazon.com/blogs/compute/aws-lambda-standardizes-billing-for-init-phase
   * @default 0.01 (AWS: "INITs (cold starts) typically occur in under 1% of invocations")
   */
  readonly coldStartShare?: number;
  /**
   * Billed duration of one INIT phase (runtime start plus the handler module's load).
   * @default Duration.millis(110) (bench/RESULTS.md: the bundled handlers' cold start with idempotency
   * on, 104-111 ms measured on the build machine, Node.js start included)
   */
  readonly initDuration?: Duration;
}
