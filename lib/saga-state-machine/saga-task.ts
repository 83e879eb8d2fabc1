import { Token, type Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { canonicalTaskInput, sortedKeys } from '../core/canonical-json';

/** How long the saga waits for a callback. */
export interface SagaCallbackOptions {
  /**
   * Longest wait for SendTaskSuccess or SendTaskFailure, after which the step fails with
   * `States.Timeout` and the saga compensates (whole seconds, 1 second to 365 days).
   * Required: the saga refuses a callback without it (a callback without a timeout waits up to a
   * year and no alarm fires). Keep it below the saga's `timeout`.
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token
   * @default - none; a synth error names the step
   */
  readonly timeout?: Duration;
  /**
   * Longest gap between two SendTaskHeartbeat calls of the worker, after which the step fails with
   * `States.HeartbeatTimeout` (whole seconds, at least 1 second, below `timeout`). Detects a worker
   * that died long before the timeout would.
   * @default - no heartbeat
   */
  readonly heartbeat?: Duration;
}

/** A callback through a queue: how long the saga waits, and the message group of a FIFO queue. */
export interface SagaQueueCallbackOptions extends SagaCallbackOptions {
  /**
   * Message group of the message (required for a FIFO queue, e.g. a FIFO SqsWorker's): a literal,
   * or a value of the state, e.g. `sfn.JsonPath.stringAt('$.input.customerId')` (`$` is the saga
   * state `{ input, results }`). The deduplication id is derived from the step's idempotency key.
   * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/using-messagegroupid-property.html
   * @default - none; a FIFO queue without it is a synth error
   */
  readonly messageGroupId?: string;
}

/** What every DynamoDB write of a saga step names: the table and an optional condition. */
export interface SagaDynamoWriteOptions {
  /** The table; the state machine may call the one action of the step on it only. */
  readonly table: dynamodb.ITable;
  /**
   * Condition the write must meet, or it fails with `DynamoDB.ConditionalCheckFailedException`
   * (a business error: not retried, the saga compensates).
   * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
   * @default - unconditional
   */
  readonly conditionExpression?: string;
  /**
   * Substitutes of the `#names` of the expressions.
   * @default - none
   */
  readonly expressionAttributeNames?: { [placeholder: string]: string };
  /**
   * Values of the `:placeholders` of the expressions. Values can come from the state:
   * `$.input.<field>`, `$.results['<step>'].<field>`
   * (e.g. `tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$.input.orderId'))`).
   * @default - none
   */
  readonly expressionAttributeValues?: { [placeholder: string]: tasks.DynamoAttributeValue };
}

/** A DynamoDB PutItem call of the state machine. */
export interface SagaDynamoPutItemOptions extends SagaDynamoWriteOptions {
  /** The item; values can come from the state, as in `expressionAttributeValues`. */
  readonly item: { [name: string]: tasks.DynamoAttributeValue };
}

/** A DynamoDB DeleteItem call of the state machine. */
export interface SagaDynamoDeleteItemOptions extends SagaDynamoWriteOptions {
  /** The primary key of the item. */
  readonly key: { [name: string]: tasks.DynamoAttributeValue };
}

/** A DynamoDB UpdateItem call of the state machine. */
export interface SagaDynamoUpdateItemOptions extends SagaDynamoDeleteItemOptions {
  /**
   * The update, e.g. `SET #s = :status`.
   * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html
   */
  readonly updateExpression: string;
}

/** An SQS SendMessage call of the state machine. */
export interface SagaSqsSendMessageOptions {
  /** The queue; the state machine may call sqs:SendMessage on it only. */
  readonly queue: sqs.IQueue;
  /**
   * The message body. Its paths read the saga state: `$` is `{ input, results }` (compensations:
   * `+ failure`), without the step payload's `step` and `idempotencyKey`; the key is `SagaTask.idempotencyKey('<step>')`. An object input
   * (`TaskInput.fromObject`) is rendered with its keys sorted, so an app in any jsii language gets the same definition.
   * @default - the step payload `{ step, idempotencyKey, input, results }` (compensations: `+ failure`)
   */
  readonly messageBody?: sfn.TaskInput;
  /**
   * Message group of the message (required for a FIFO queue): a literal, or a value of the state,
   * e.g. `sfn.JsonPath.stringAt('$.input.customerId')` (`$` is the saga state `{ input, results }`).
   * On a FIFO queue the deduplication id is the SHA-256 (hex, 64 characters) of the step's
   * idempotency key, so a retried or redriven send is one message and the id stays within SQS's 128 characters.
   * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/using-messagegroupid-property.html
   * @default - none; a FIFO queue without it is a synth error
   */
  readonly messageGroupId?: string;
}

/** An SNS Publish call of the state machine. */
export interface SagaSnsPublishOptions {
  /** The topic; the state machine may call sns:Publish on it only. */
  readonly topic: sns.ITopic;
  /**
   * The message. `$` is the saga state `{ input, results }` (compensations: `+ failure`); the step's
   * idempotency key is `SagaTask.idempotencyKey('<step>')`. An object input
   * (`TaskInput.fromObject`) is rendered with its keys sorted, so an app in any jsii language gets the same definition.
   * @default - the step payload `{ step, idempotencyKey, input, results }` (compensations: `+ failure`)
   */
  readonly message?: sfn.TaskInput;
  /**
   * Subject of the message (email subscriptions).
   * @default - none
   */
  readonly subject?: string;
}

/** An EventBridge PutEvents call of the state machine (one event). */
export interface SagaEventBridgePutEventsOptions {
  /**
   * The event bus; the state machine may call events:PutEvents on it only.
   * @default - the account's default event bus
   */
  readonly eventBus?: events.IEventBus;
  /** The event's `source`, e.g. `orders`. */
  readonly source: string;
  /** The event's `detail-type`, e.g. `OrderPlaced`. */
  readonly detailType: string;
  /**
   * The event's detail. `$` is the saga state `{ input, results }` (compensations: `+ failure`); the
   * step's idempotency key is `SagaTask.idempotencyKey('<step>')`. An object input
   * (`TaskInput.fromObject`) is rendered with its keys sorted, so an app in any jsii language gets the same definition.
   * @default - the step payload `{ step, idempotencyKey, input, results }` (compensations: `+ failure`)
   */
  readonly detail?: sfn.TaskInput;
}

/** The kind of work a SagaTask does, which decides its transient errors and its cost. */
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
export class SagaTask {
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
    return new SagaTask(SagaTaskKind.LAMBDA, [...TRANSIENT_LAMBDA_ERRORS, sfn.Errors.TIMEOUT], undefined, fn, (scope, id, c) =>
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
    const task = new SagaTask(SagaTaskKind.CALLBACK, TRANSIENT_SERVICE_ERRORS.SQS, options, undefined, (scope, id, c) =>
      new tasks.SqsSendMessage(scope, id, {
        comment: c.comment, queue, integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
        messageBody: withToken(c), resultPath: c.resultPath, ...groupAndDeduplication(queue, options.messageGroupId, c),
        taskTimeout: timeoutOf(options.timeout), heartbeatTimeout: timeoutOf(options.heartbeat),
      }));
    task.fifoWithoutGroup = queue.fifo && options.messageGroupId === undefined;
    return task;
  }

  /**
   * A callback through a Lambda function: it receives the step payload plus `taskToken`, starts the
   * work (e.g. asks a partner) and returns; the step waits for SendTaskSuccess, SendTaskFailure or
   * the timeout, as with `callbackViaQueue`. STANDARD state machines only.
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
   */
  public static callbackViaFunction(fn: lambda.IFunction, options: SagaCallbackOptions = {}): SagaTask {
    return new SagaTask(SagaTaskKind.CALLBACK, TRANSIENT_LAMBDA_ERRORS, options, fn, (scope, id, c) =>
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
    const task = SagaTask.service('SQS', (scope, id, c) => new tasks.SqsSendMessage(scope, id, {
      comment: c.comment, queue: options.queue, messageBody: canonicalTaskInput(options.messageBody) ?? payloadOf(c),
      ...groupAndDeduplication(options.queue, options.messageGroupId, c),
      resultPath: c.resultPath, taskTimeout: timeoutOf(c.timeout),
    }));
    task.fifoWithoutGroup = options.queue.fifo && options.messageGroupId === undefined;
    return task;
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

  private static service(service: string, render: Render): SagaTask {
    return new SagaTask(SagaTaskKind.SERVICE, TRANSIENT_SERVICE_ERRORS[service], undefined, undefined, render);
  }

  /** What the task does. */
  public readonly kind: SagaTaskKind;
  /** Errors retried as transient by default (the step's `retry.retryErrors` are added). */
  public readonly transientErrors: string[];
  /** The callback's timeout and heartbeat (callbacks only). */
  public readonly callback?: SagaCallbackOptions;
  /** The Lambda function the task invokes (Lambda tasks and function callbacks). */
  public readonly function?: lambda.IFunction;
  private readonly render: Render;
  /** Sends to a FIFO queue without a message group id, which SQS rejects. */
  private fifoWithoutGroup = false;

  private constructor(kind: SagaTaskKind, transientErrors: string[], callback: SagaCallbackOptions | undefined,
    fn: lambda.IFunction | undefined, render: Render) {
    this.kind = kind;
    this.transientErrors = transientErrors;
    this.callback = callback;
    this.function = fn;
    this.render = render;
  }

  /**
   * @internal The factory method of a task that sends to a FIFO queue without `messageGroupId`
   * (every send would be rejected), for the synth error; undefined otherwise.
   */
  public _fifoWithoutGroup(): string | undefined {
    if (!this.fifoWithoutGroup) return undefined;
    return this.kind === SagaTaskKind.CALLBACK ? 'SagaTask.callbackViaQueue(queue, { timeout, messageGroupId })'
      : 'SagaTask.sqsSendMessage({ queue, messageGroupId })';
  }

  /** @internal The task state of one step's action or compensation. */
  public _renderState(scope: Construct, id: string, context: SagaTaskContext): sfn.TaskStateBase {
    return this.render(scope, id, context);
  }
}
