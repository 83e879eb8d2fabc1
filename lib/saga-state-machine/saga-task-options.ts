import type { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';

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
