import type { Duration, Size } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { PatternAlarmProps } from '../core/alarms';
import type { HandlerCode } from '../core/handler';
import type { ExpectedLoad } from '../core/load';
import type { PatternFunctionProps } from '../serverless-function/pattern-function';
import type { AsyncDestination } from '../async-function/destinations';
import type { DurableFunctionAlarms } from './alarms';

/**
 * What one durable execution does, for the cost report: Lambda bills durable operations and the
 * data they write and keep, besides requests and duration.
 * @see https://aws.amazon.com/lambda/pricing/
 */
export interface DurableWorkload {
  /**
   * Durable operations per execution: each step, wait, callback, child context (a parallel
   * branch) and the execution start. The demo saga: 4 on its happy path.
   * @default 10
   */
  readonly operationsPerExecution?: number;
  /**
   * Data one execution writes: its input, each step's result, its output.
   * @default Size.kibibytes(4)
   */
  readonly dataWrittenPerExecution?: Size;
  /**
   * Invocations per execution: 1 plus one per replay (after each wait, callback and retry delay).
   * @default 1
   */
  readonly invocationsPerExecution?: number;
}

/** Properties of a DurableFunction. */
export interface DurableFunctionProps extends PatternFunctionProps, PatternAlarmProps {
  /**
   * Threshold, period, evaluation periods and datapoints of each alarm, or `enabled: false` to turn
   * one alarm off.
   * @default - every alarm on, with the defaults listed on `DurableFunctionAlarms`
   */
  readonly alarms?: DurableFunctionAlarms;
  /**
   * The durable handler: code wrapped in the SDK's `withDurableExecution`
   * (`@aws/durable-execution-sdk-js`, Node.js 22 or newer), e.g. a saga of the runtime's
   * `durableSaga`. `HandlerCode.fromFunction()` is not accepted: durable execution can only be
   * turned on when a function is created.
   * @see https://docs.aws.amazon.com/lambda/latest/dg/durable-execution-sdk.html
   */
  readonly handler: HandlerCode;
  /**
   * Timeout of each invocation (1 second to 15 minutes). An execution spans many invocations
   * (one per replay); this bounds one of them.
   * @default Duration.minutes(5)
   */
  readonly timeout?: Duration;
  /**
   * Reserved concurrency of the function.
   * @default - unreserved
   */
  readonly reservedConcurrency?: number;
  /**
   * Longest a durable execution may run, waits included (1 second to 366 days, whole seconds).
   * At most 15 minutes when a synchronous trigger (an event source mapping, `addEventSource`)
   * invokes it.
   * @see https://docs.aws.amazon.com/lambda/latest/api/API_DurableConfig.html
   * @default Duration.hours(1)
   */
  readonly executionTimeout?: Duration;
  /**
   * How long Lambda keeps the history of a closed execution (1 to 90 days, whole days).
   * @see https://docs.aws.amazon.com/lambda/latest/api/API_DurableConfig.html
   * @default Duration.days(14)
   */
  readonly retentionPeriod?: Duration;
  /**
   * Customer managed key that encrypts the durable execution data (input, checkpoints, results,
   * callback answers). Set on `DurableConfig.KMSKeyArn` (aws-cdk-lib's `durableConfig` has no key).
   * A symmetric key in the function's Region. The function's role gets `kms:Decrypt` and
   * `kms:GenerateDataKey` on it, only through Lambda (`kms:ViaService`), in its IAM policy: the key
   * policy must let the account's IAM policies grant its use (a `kms.Key`'s default policy does).
   * @see https://docs.aws.amazon.com/lambda/latest/dg/durable-encryption.html
   * @default - encrypted by Lambda with an AWS owned key
   */
  readonly executionDataKey?: kms.IKey;
  /**
   * Name of the alias every trigger the library wires invokes.
   * @default 'live'
   */
  readonly aliasName?: string;
  /**
   * Retries of an asynchronous invocation whose execution failed (0 to 2). A retry starts a new
   * execution of the same event, running its steps again: the default is none, since steps
   * already retry inside the execution.
   * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
   * @default 0
   */
  readonly retryAttempts?: number;
  /**
   * How long Lambda keeps an event in its asynchronous queue (60 seconds to 6 hours).
   * @default Duration.hours(1)
   */
  readonly maxEventAge?: Duration;
  /**
   * Where the records of asynchronous invocations whose execution failed go.
   * @default - a created SQS failure queue (SSE, SSL enforced, 14 days) with a depth alarm
   */
  readonly onFailure?: AsyncDestination;
  /**
   * Where the records of successful executions go.
   * @default - none
   */
  readonly onSuccess?: AsyncDestination;
  /**
   * Traffic (executions per month) for the synth-time cost report; `averageDuration` is the compute
   * time of one execution summed over its invocations (waits are not billed).
   * @default - no estimate for this construct
   */
  readonly expectedLoad?: ExpectedLoad;
  /**
   * Durable operations, data and invocations of one execution, for the cost report.
   * @default - 10 operations, 4 KiB written, 1 invocation per execution
   */
  readonly workload?: DurableWorkload;
}
