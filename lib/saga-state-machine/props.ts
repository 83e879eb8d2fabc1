import type { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { PatternAlarmProps } from '../core/alarms';
import type { SagaCostAssumptions } from './cost';
import type { SagaTask } from './saga-task';
import type { ExpectedLoad } from '../core/load';
import type { SagaStateMachineAlarms } from './alarms';

/**
 * Retry policy of a saga step's action or of the compensations.
 *
 * Retries wait `interval`, then `interval x backoffRate`, ... capped at `maxDelay`, each wait
 * randomised with full jitter so that many executions failing together do not retry in lockstep.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 */
export interface SagaRetry {
  /**
   * Error names to retry besides the transient ones of the step's task (for Lambda actions:
   * `Lambda.ServiceException`, `Lambda.AWSLambdaException`, `Lambda.SdkClientException`,
   * `Lambda.TooManyRequestsException`, `Lambda.ClientExecutionTimeoutException`, `Sandbox.Timedout`,
   * `States.Timeout`; for the other tasks see `SagaTask`).
   * List business errors here only when a second attempt can succeed (e.g. `InventoryServiceUnavailable`).
   * Ignored for compensations, which retry every error.
   * @default - only the transient errors
   */
  readonly retryErrors?: string[];
  /**
   * Attempts after the first one (0 to 99999999; 0 turns retries off).
   * @default 3 for actions, 5 for compensations
   */
  readonly maxAttempts?: number;
  /**
   * Wait before the first retry (whole seconds, at least 1 second).
   * @default Duration.seconds(1) for actions, Duration.seconds(2) for compensations
   */
  readonly interval?: Duration;
  /**
   * Multiplier of the wait after each attempt (1 to 1000).
   * @default 2
   */
  readonly backoffRate?: number;
  /**
   * Longest wait between two attempts (whole seconds, at least 1 second).
   * @default Duration.seconds(30) for actions, Duration.minutes(1) for compensations
   */
  readonly maxDelay?: Duration;
  /**
   * Randomise each wait between 0 and the computed backoff (full jitter).
   * @default true
   */
  readonly jitter?: boolean;
}

/**
 * One step of a saga: an action and, when it changes something that must be undone if a later
 * step fails, a compensation. Or, with `parallel`, a group of steps that run at the same time.
 *
 * The action is a Lambda function (`action`) or any `SagaTask` (`actionTask`: a callback that
 * waits for a task token, or a direct DynamoDB, SQS, SNS or EventBridge call); the same goes for
 * the compensation. Functions and callbacks receive `{ step, idempotencyKey, input, results }`
 * (compensations also `failure`; callbacks also `taskToken`): `input` is the execution input,
 * `results` holds each completed step's result under its name, and `idempotencyKey` is
 * `<execution name>:<step name>` for the action and `<execution name>:<step name>:compensation`
 * for the compensation. Make handlers idempotent on that key (Powertools idempotency with
 * `eventKeyJmesPath: 'idempotencyKey'`): retries and redrives deliver a call more than once.
 */
export interface SagaStep {
  /**
   * Name of the step: 1-64 letters, digits, '-' or '_' (at most 62 when the step has a
   * compensation: Step Functions allows 80 characters in the `Compensate <name> failed` state
   * name); unique in the saga, parallel branches included. Names the action state, the result
   * (`$.results.<name>`) and the idempotency key.
   */
  readonly name: string;
  /**
   * The function that does the step's work. Its return value is kept as `$.results.<name>`.
   * Exactly one of `action`, `actionTask` and `parallel`.
   * @default - none: set `actionTask` or `parallel`
   */
  readonly action?: lambda.IFunction;
  /**
   * The step's work as a task: a callback (`SagaTask.callbackViaQueue`, `SagaTask.callbackViaFunction`)
   * whose result is the output the worker sends with SendTaskSuccess, or a direct service call
   * (`SagaTask.dynamoPutItem`, ..., `SagaTask.eventBridgePutEvents`) whose result is the service response.
   * Either way it is kept as `$.results.<name>`.
   * @default - none: set `action` or `parallel`
   */
  readonly actionTask?: SagaTask;
  /**
   * The function that undoes the step's work; runs when a later step fails (after its retries).
   * At most one of `compensation` and `compensationTask`.
   * @default - the step needs no undo (e.g. a read or a notification)
   */
  readonly compensation?: lambda.IFunction;
  /**
   * The undo as a task (callback or direct service call), like `actionTask`.
   * @default - no compensation task
   */
  readonly compensationTask?: SagaTask;
  /**
   * Run this step's own compensation when the step itself fails, because a failed attempt may
   * have done part of the work (e.g. a payment captured before a timeout). The compensation then
   * sees no `$.results.<name>` and must handle that. Requires a compensation.
   * @default false
   */
  readonly compensatesOwnFailure?: boolean;
  /**
   * Retries of the action.
   * @default - the task's transient errors (for Lambda: service errors, throttles and timeouts): 3 retries from 1 second, x2, up to 30 seconds, full jitter
   */
  readonly retry?: SagaRetry;
  /**
   * Time the state machine waits for a Lambda or service action before failing it with
   * `States.Timeout` (retried like a transient error for Lambda actions). Not for callbacks: they
   * take their timeout in `SagaTask.callbackVia*`.
   * @default - no task timeout; the function's own timeout bounds the call
   */
  readonly timeout?: Duration;
  /**
   * A parallel group: these steps (2 to 10, each with its own action and compensation, no nested
   * groups) run at the same time in one Parallel state; the group itself has no action,
   * compensation, retry or timeout. Each branch catches its own failure, so every branch finishes;
   * then, if any failed, the completed branches are compensated (in reverse declaration order),
   * then the earlier steps. See the README's table of outcomes.
   * @default - not a group
   */
  readonly parallel?: SagaStep[];
}

/** Properties of a SagaStateMachine. */
export interface SagaStateMachineProps extends PatternAlarmProps {
  /**
   * Threshold, period, evaluation periods and datapoints of each alarm, or `enabled: false` to turn
   * one alarm off.
   * @default - every alarm on, with the defaults listed on `SagaStateMachineAlarms`
   */
  readonly alarms?: SagaStateMachineAlarms;
  /** The steps, in order. At least one. */
  readonly steps: SagaStep[];
  /**
   * STANDARD (exactly-once steps, up to a year, execution history kept 90 days) or EXPRESS
   * (at-least-once when started asynchronously, at most 5 minutes, cheaper at high volume, no
   * callback steps).
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-standard-vs-express.html
   * @default sfn.StateMachineType.STANDARD
   */
  readonly stateMachineType?: sfn.StateMachineType;
  /**
   * Longest an execution may run. An execution that times out runs NO compensation: the
   * timed-out alarm fires for it. Express: at most 5 minutes. Keep it above every callback's
   * timeout, so a callback that never answers is compensated rather than cut off.
   * @default - Duration.hours(1) for STANDARD, Duration.minutes(5) for EXPRESS
   */
  readonly timeout?: Duration;
  /**
   * Retries of every compensation. A compensation retries every error; when it still fails the
   * execution ends in the `CompensationFailed` state.
   * @default - 5 retries from 2 seconds, x2, up to 1 minute, full jitter
   */
  readonly compensationRetry?: SagaRetry;
  /**
   * What the state machine logs to its log group.
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html
   * @default sfn.LogLevel.ALL
   */
  readonly logLevel?: sfn.LogLevel;
  /**
   * Log state input and output (the order data) with each event.
   * @default - false for STANDARD (its execution history has the data), true for EXPRESS (logs are all there is)
   */
  readonly includeExecutionData?: boolean;
  /**
   * Retention of the state machine's log group.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * KMS key that encrypts the state machine's log group (HIPAA/NIST `CloudWatchLogGroupEncrypted`).
   * A key created in this app gets the key-policy statement CloudWatch Logs needs, limited to log
   * groups of this account and region through the `kms:EncryptionContext:aws:logs:arn` condition;
   * an imported key must allow it already.
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
   * @default - log data encrypted by CloudWatch Logs with its own keys
   */
  readonly logEncryptionKey?: kms.IKey;
  /**
   * Name of the state machine.
   * @default - generated by CloudFormation
   */
  readonly stateMachineName?: string;
  /**
   * Prices and assumptions of the cost estimate the saga reports at synth (an info annotation).
   * @default - the documented prices (see SagaCostAssumptions)
   */
  readonly costAssumptions?: SagaCostAssumptions;
  /**
   * Traffic this construct expects, for the synth-time cost report (ServerlessCostReport).
   * @default - no estimate for this construct
   */
  readonly expectedLoad?: ExpectedLoad;
}
