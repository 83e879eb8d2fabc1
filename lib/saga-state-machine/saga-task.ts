import { Token, type Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { canonicalTaskInput, sortedKeys } from '../core/canonical-json';
import type {
  SagaCallbackOptions, SagaDynamoDeleteItemOptions, SagaDynamoPutItemOptions, SagaDynamoUpdateItemOptions, SagaDynamoWriteOptions,
  SagaEventBridgePutEventsOptions, SagaQueueCallbackOptions, SagaSnsPublishOptions, SagaSqsSendMessageOptions,
} from './saga-task-options';

/**
 * The kind of work a SagaTask does, which decides its transient errors and its cost.
 * @deprecated the factories of `SagaTask` say it (`lambdaInvoke`, `callbackViaQueue`, ...); removed in 0.3.0
 */
export enum SagaTaskKind {
  /** A Lambda function invoked with the step payload. */
  LAMBDA = 'LAMBDA',
  /** A callback: the task token and payload go to a queue or function; the step waits for SendTaskSuccess/Failure. */
  CALLBACK = 'CALLBACK',
  /** A direct call of an AWS service (DynamoDB, SQS, SNS, EventBridge), no Lambda in between. */
  SERVICE = 'SERVICE',
}

/** What the saga gives a task to render its state (not exported from the package). */
export interface SagaTaskContext {
  /** The step payload, as an object of JSONPath strings. */
  readonly payload: { [key: string]: unknown };
  /** `$.results['<step>']` for actions, DISCARD for compensations. */
  readonly resultPath: string;
  readonly comment: string;
  /** Task timeout of the step (Lambda and service tasks). */
  readonly timeout?: Duration;
  /** `<execution>:<step>[:compensation]` as a JSONPath intrinsic. */
  readonly idempotencyKey: string;
}

type Render = (scope: Construct, id: string, context: SagaTaskContext) => sfn.TaskStateBase;

/** Errors a Lambda invoke raises for a call that may succeed when repeated (Step Functions' list). */
const TRANSIENT_LAMBDA_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'Lambda.ClientExecutionTimeoutException',
  'Sandbox.Timedout',
];
/** Optimized integrations name errors `<Service>.<exception>`; these are throttles and service faults. */
const TRANSIENT_SERVICE_ERRORS: Record<string, string[]> = {
  DynamoDB: ['DynamoDB.ProvisionedThroughputExceededException', 'DynamoDB.RequestLimitExceededException',
    'DynamoDB.ThrottlingException', 'DynamoDB.InternalServerErrorException'],
  // SendMessage's throttles and client-side faults; not SQS.AmazonSQSException, the base of every SQS
  // error (a missing queue, invalid contents, a disabled KMS key), which a retry cannot fix.
  SQS: ['SQS.SdkClientException', 'SQS.RequestThrottledException', 'SQS.KmsThrottledException'],
  SNS: ['SNS.SdkClientException', 'SNS.ThrottledException', 'SNS.InternalErrorException'],
  EventBridge: ['EventBridge.SdkClientException', 'EventBridge.InternalException', 'EventBridge.FailedEntry'],
};

const timeoutOf = (d?: Duration) => d ? sfn.Timeout.duration(d) : undefined;
const payloadOf = (context: SagaTaskContext) => sfn.TaskInput.fromObject(context.payload);
/** The props the three DynamoDB tasks share. */
const dynamoWrite = (options: SagaDynamoWriteOptions, c: SagaTaskContext) => ({
  comment: c.comment, table: options.table, conditionExpression: options.conditionExpression,
  expressionAttributeNames: sortedKeys(options.expressionAttributeNames), expressionAttributeValues: sortedKeys(options.expressionAttributeValues),
  resultPath: c.resultPath, taskTimeout: timeoutOf(c.timeout),
});
const withToken = (context: SagaTaskContext) => sfn.TaskInput.fromObject({ ...context.payload, taskToken: sfn.JsonPath.taskToken });

/**
 * Group and deduplication id of a send: the group id as given; on a FIFO queue (or one imported by a
 * token ARN, whose type CDK cannot tell, when a group id is given) a deduplication id of 64 hex
 * characters, the SHA-256 of the idempotency key (which can pass SQS's 128-character limit).
 */
function groupAndDeduplication(queue: sqs.IQueue, messageGroupId: string | undefined, context: SagaTaskContext) {
  if (messageGroupId === undefined) return {};
  const fifo = queue.fifo || Token.isUnresolved(queue.queueArn);
  return { messageGroupId, messageDeduplicationId: fifo ? sfn.JsonPath.hash(context.idempotencyKey, 'SHA-256') : undefined };
}

/**
 * What a saga step's action or compensation runs: a Lambda function, a callback that waits for a
 * task token, or a direct service call. Each carries the errors it retries as transient by default:
 *
 * | task | transient errors retried |
 * |---|---|
 * | `lambda` | Lambda service errors and throttles, `Sandbox.Timedout`, `States.Timeout` |
 * | `callbackViaFunction` | the same without `States.Timeout` (a timed-out callback is a failure; `States.HeartbeatTimeout` too) |
 * | `callbackViaQueue`, `sqsSendMessage` | `SQS.SdkClientException`, `SQS.RequestThrottledException`, `SQS.KmsThrottledException` |
 * | `dynamo*` | throughput, request-limit and throttling exceptions, internal server errors (not `ConditionalCheckFailedException`) |
 * | `snsPublish` | `SNS.SdkClientException`, `SNS.ThrottledException`, `SNS.InternalErrorException` |
 * | `eventBridgePutEvents` | `EventBridge.SdkClientException`, `EventBridge.InternalException`, `EventBridge.FailedEntry` |
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/integrate-optimized.html
 */
export abstract class SagaTask {
  /**
   * The idempotency key the saga gives step `step` (`<execution name>:<step>`, with `:compensation` for
   * its compensation), as a JSONPath intrinsic for a custom `messageBody`, `message` or `detail`, where
   * `$` is the saga state `{ input, results }` (compensations: `+ failure`), which holds no key:
   * `sfn.TaskInput.fromObject({ orderId: sfn.JsonPath.stringAt('$.input.orderId'), key: SagaTask.idempotencyKey('notify') })`.
   */
  public static idempotencyKey(step: string, compensation?: boolean): string {
    return sfn.JsonPath.format(compensation ? `{}:${step}:compensation` : `{}:${step}`, sfn.JsonPath.executionName);
  }

  /** A Lambda function invoked with the step payload; its return value is the result. */
  public static lambdaInvoke(fn: lambda.IFunction): SagaTask {
    return new CallTask(SagaTaskKind.LAMBDA, [...TRANSIENT_LAMBDA_ERRORS, sfn.Errors.TIMEOUT], fn, (scope, id, c) =>
      new tasks.LambdaInvoke(scope, id, {
        comment: c.comment, lambdaFunction: fn, payloadResponseOnly: true, retryOnServiceExceptions: false,
        payload: payloadOf(c), resultPath: c.resultPath, taskTimeout: timeoutOf(c.timeout),
      }));
  }

  /**
   * A callback through a queue (e.g. an SqsWorker's): the message body is the step payload plus
   * `taskToken`; the step waits until a worker calls SendTaskSuccess (its output becomes the result),
   * SendTaskFailure (the step fails with the worker's error) or the timeout passes. Give the worker
   * `saga.grantTaskResponse(worker)`. STANDARD state machines only.
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-sqs.html
   */
  public static callbackViaQueue(queue: sqs.IQueue, options: SagaQueueCallbackOptions = {}): SagaTask {
    const fifoFix = queue.fifo && options.messageGroupId === undefined ? 'SagaTask.callbackViaQueue(queue, { timeout, messageGroupId })' : undefined;
    return new CallbackTask(TRANSIENT_SERVICE_ERRORS.SQS, options, undefined, (scope, id, c) =>
      new tasks.SqsSendMessage(scope, id, {
        comment: c.comment, queue, integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
        messageBody: withToken(c), resultPath: c.resultPath, ...groupAndDeduplication(queue, options.messageGroupId, c),
        taskTimeout: timeoutOf(options.timeout), heartbeatTimeout: timeoutOf(options.heartbeat),
      }), fifoFix);
  }

  /**
   * A callback through a Lambda function: it receives the step payload plus `taskToken`, starts the
   * work (e.g. asks a partner) and returns; the step waits for SendTaskSuccess, SendTaskFailure or
   * the timeout, as with `callbackViaQueue`. STANDARD state machines only.
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
   */
  public static callbackViaFunction(fn: lambda.IFunction, options: SagaCallbackOptions = {}): SagaTask {
    return new CallbackTask(TRANSIENT_LAMBDA_ERRORS, options, fn, (scope, id, c) =>
      new tasks.LambdaInvoke(scope, id, {
        comment: c.comment, lambdaFunction: fn, integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
        retryOnServiceExceptions: false, payload: withToken(c), resultPath: c.resultPath,
        taskTimeout: timeoutOf(options.timeout), heartbeatTimeout: timeoutOf(options.heartbeat),
      }));
  }

  /** DynamoDB PutItem, directly from the state machine. The result is the PutItem response. */
  public static dynamoPutItem(options: SagaDynamoPutItemOptions): SagaTask {
    return SagaTask.service('DynamoDB', (scope, id, c) => new tasks.DynamoPutItem(scope, id, { ...dynamoWrite(options, c), item: sortedKeys(options.item) }));
  }

  /** DynamoDB UpdateItem, directly from the state machine. The result is the UpdateItem response. */
  public static dynamoUpdateItem(options: SagaDynamoUpdateItemOptions): SagaTask {
    return SagaTask.service('DynamoDB', (scope, id, c) => new tasks.DynamoUpdateItem(scope, id, {
      ...dynamoWrite(options, c), key: sortedKeys(options.key), updateExpression: options.updateExpression,
    }));
  }

  /** DynamoDB DeleteItem, directly from the state machine. The result is the DeleteItem response. */
  public static dynamoDeleteItem(options: SagaDynamoDeleteItemOptions): SagaTask {
    return SagaTask.service('DynamoDB', (scope, id, c) => new tasks.DynamoDeleteItem(scope, id, { ...dynamoWrite(options, c), key: sortedKeys(options.key) }));
  }

  /** SQS SendMessage, directly from the state machine (no callback). The result is `{ MessageId, ... }`. */
  public static sqsSendMessage(options: SagaSqsSendMessageOptions): SagaTask {
    const fifoFix = options.queue.fifo && options.messageGroupId === undefined ? 'SagaTask.sqsSendMessage({ queue, messageGroupId })' : undefined;
    return SagaTask.service('SQS', (scope, id, c) => new tasks.SqsSendMessage(scope, id, {
      comment: c.comment, queue: options.queue, messageBody: canonicalTaskInput(options.messageBody) ?? payloadOf(c),
      ...groupAndDeduplication(options.queue, options.messageGroupId, c),
      resultPath: c.resultPath, taskTimeout: timeoutOf(c.timeout),
    }), fifoFix);
  }

  /** SNS Publish, directly from the state machine. The result is `{ MessageId, ... }`. */
  public static snsPublish(options: SagaSnsPublishOptions): SagaTask {
    return SagaTask.service('SNS', (scope, id, c) => new tasks.SnsPublish(scope, id, {
      comment: c.comment, topic: options.topic, message: canonicalTaskInput(options.message) ?? payloadOf(c), subject: options.subject,
      resultPath: c.resultPath, taskTimeout: timeoutOf(c.timeout),
    }));
  }

  /** EventBridge PutEvents of one event, directly from the state machine. The result is `{ Entries, FailedEntryCount }`. */
  public static eventBridgePutEvents(options: SagaEventBridgePutEventsOptions): SagaTask {
    return SagaTask.service('EventBridge', (scope, id, c) => new tasks.EventBridgePutEvents(scope, id, {
      comment: c.comment,
      entries: [{ eventBus: options.eventBus, source: options.source, detailType: options.detailType, detail: canonicalTaskInput(options.detail) ?? payloadOf(c) }],
      resultPath: c.resultPath, taskTimeout: timeoutOf(c.timeout),
    }));
  }

  private static service(service: string, render: Render, fifoFix?: string): SagaTask {
    return new CallTask(SagaTaskKind.SERVICE, TRANSIENT_SERVICE_ERRORS[service], undefined, render, fifoFix);
  }

  protected constructor() {}

  /**
   * What the task does.
   * @deprecated the factory that made this task says it; removed in 0.3.0
   */
  public get kind(): SagaTaskKind {
    return this._given.kind;
  }

  /** Errors retried as transient by default (the step's `retry.retryErrors` are added). */
  public get transientErrors(): string[] {
    return this._given.transientErrors;
  }

  /** The callback's timeout and heartbeat (callbacks only). */
  public get callback(): SagaCallbackOptions | undefined {
    return this._callbackWait();
  }

  /** The Lambda function the task invokes (Lambda tasks and function callbacks). */
  public get function(): lambda.IFunction | undefined {
    return this._given.fn;
  }

  /** @internal What the factory was given. */
  protected abstract readonly _given: { readonly kind: SagaTaskKind; readonly transientErrors: string[]; readonly fn?: lambda.IFunction };

  /**
   * @internal The factory method of a task that sends to a FIFO queue without `messageGroupId`
   * (every send would be rejected), for the synth error; undefined otherwise.
   */
  public abstract _fifoWithoutGroup(): string | undefined;

  /** @internal The wait of a task that waits for a task token (a callback); undefined for a task that returns. */
  public abstract _callbackWait(): SagaCallbackOptions | undefined;

  /** @internal The task state of one step's action or compensation. */
  public abstract _renderState(scope: Construct, id: string, context: SagaTaskContext): sfn.TaskStateBase;
}

/** A task whose call returns its result: a Lambda invoke or a direct service call. */
class CallTask extends SagaTask {
  protected readonly _given: { readonly kind: SagaTaskKind; readonly transientErrors: string[]; readonly fn?: lambda.IFunction };

  constructor(kind: SagaTaskKind, transientErrors: string[], fn: lambda.IFunction | undefined,
    private readonly render: Render, private readonly fifoFix?: string) {
    super();
    this._given = { kind, transientErrors, fn };
  }

  public _fifoWithoutGroup(): string | undefined {
    return this.fifoFix;
  }

  public _callbackWait(): SagaCallbackOptions | undefined {
    return undefined;
  }

  public _renderState(scope: Construct, id: string, context: SagaTaskContext): sfn.TaskStateBase {
    return this.render(scope, id, context);
  }
}

/** A task that hands out a task token and waits for SendTaskSuccess/Failure (STANDARD machines only). */
class CallbackTask extends CallTask {
  constructor(transientErrors: string[], private readonly wait: SagaCallbackOptions, fn: lambda.IFunction | undefined,
    render: Render, fifoFix?: string) {
    super(SagaTaskKind.CALLBACK, transientErrors, fn, render, fifoFix);
  }

  public _callbackWait(): SagaCallbackOptions {
    return this.wait;
  }
}
