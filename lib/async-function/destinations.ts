import type * as events from 'aws-cdk-lib/aws-events';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import type { DurableFunction } from '../durable-function/durable-function';

/**
 * What kind of resource an AsyncDestination delivers invocation records to.
 * @deprecated the factories of `AsyncDestination` say it (`toQueue`, `toTopic`, ...); removed in 0.3.0
 */
export enum AsyncDestinationKind {
  /** A standard SQS queue. */
  QUEUE = 'QUEUE',
  /** A standard SNS topic. */
  TOPIC = 'TOPIC',
  /** An EventBridge event bus. */
  EVENT_BUS = 'EVENT_BUS',
  /** Another Lambda function. */
  FUNCTION = 'FUNCTION',
}

/** What an AsyncDestination gives the function it is bound to (not exported from the package). */
export interface AsyncDestinationConfig {
  /** The aws-lambda destination of the event invoke config. */
  readonly destination: lambda.IDestination;
  /** The function that receives the records, for a function destination (a loop check compares it). */
  readonly targetFunction?: lambda.IFunction;
}

/**
 * Where Lambda sends the invocation record of an asynchronous invocation (on success or on
 * failure). The record holds the request context (request id, function ARN, condition, attempt
 * count), the original event (`requestPayload`) and the function's response.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
 */
export abstract class AsyncDestination {
  /** A standard SQS queue (FIFO queues are not supported by Lambda destinations). */
  public static toQueue(queue: sqs.IQueue): AsyncDestination {
    return new ResourceDestination(AsyncDestinationKind.QUEUE, new destinations.SqsDestination(queue), queue);
  }

  /** A standard SNS topic. */
  public static toTopic(topic: sns.ITopic): AsyncDestination {
    return new ResourceDestination(AsyncDestinationKind.TOPIC, new destinations.SnsDestination(topic), topic);
  }

  /** An EventBridge event bus; the record arrives as an event with detail-type "Lambda Function Invocation Result - Failure" (or "- Success"). */
  public static toEventBus(eventBus: events.IEventBus): AsyncDestination {
    return new ResourceDestination(AsyncDestinationKind.EVENT_BUS, new destinations.EventBridgeDestination(eventBus), eventBus);
  }

  /** Another Lambda function, invoked asynchronously with the record as its event. */
  public static toFunction(fn: lambda.IFunction): AsyncDestination {
    return new FunctionDestination(fn);
  }

  /**
   * A DurableFunction, through its alias (a durable function is never invoked by its unqualified
   * ARN): each record starts a durable execution, e.g. a workflow that compensates or follows up.
   */
  public static toDurableFunction(durable: DurableFunction): AsyncDestination {
    return new FunctionDestination(durable.alias);
  }

  protected constructor() {}

  /**
   * The kind of resource records go to.
   * @deprecated the factory that made this destination says it; removed in 0.3.0
   */
  public get kind(): AsyncDestinationKind {
    return this._given.kind;
  }

  /**
   * The aws-lambda destination this wraps.
   * @deprecated an internal detail of the construct that binds the destination; removed in 0.3.0
   */
  public get destination(): lambda.IDestination {
    return this._bind().destination;
  }

  /**
   * The queue, topic, event bus or function records go to.
   * @deprecated keep a reference to the resource you passed to the factory; removed in 0.3.0
   */
  public get resource(): IConstruct {
    return this._given.resource;
  }

  /** @internal What the factory was given, for the deprecated accessors. */
  protected abstract readonly _given: { readonly kind: AsyncDestinationKind; readonly resource: IConstruct };

  /** @internal What the function's event invoke config needs to send records here. */
  public abstract _bind(): AsyncDestinationConfig;
}

/** A queue, topic or event bus. */
class ResourceDestination extends AsyncDestination {
  protected readonly _given: { readonly kind: AsyncDestinationKind; readonly resource: IConstruct };

  constructor(kind: AsyncDestinationKind, private readonly lambdaDestination: lambda.IDestination, resource: IConstruct) {
    super();
    this._given = { kind, resource };
  }

  public _bind(): AsyncDestinationConfig {
    return { destination: this.lambdaDestination };
  }
}

/** A function (or a durable function's alias), invoked asynchronously with each record. */
class FunctionDestination extends AsyncDestination {
  protected readonly _given: { readonly kind: AsyncDestinationKind; readonly resource: IConstruct };
  private readonly lambdaDestination: lambda.IDestination;

  constructor(private readonly fn: lambda.IFunction) {
    super();
    this._given = { kind: AsyncDestinationKind.FUNCTION, resource: fn };
    this.lambdaDestination = new destinations.LambdaDestination(fn);
  }

  public _bind(): AsyncDestinationConfig {
    return { destination: this.lambdaDestination, targetFunction: this.fn };
  }
}

/** The unqualified function and qualifier of an alias or version (imported ones included); a function as is. */
export function qualifiedTarget(fn: lambda.IFunction): { function: lambda.IFunction; qualifier?: string } {
  const alias = fn as Partial<lambda.IAlias>;
  if (typeof alias.aliasName === 'string' && alias.version) return { function: alias.version.lambda, qualifier: alias.aliasName };
  const version = fn as Partial<lambda.IVersion>;
  if (typeof version.version === 'string' && version.lambda) return { function: version.lambda, qualifier: version.version };
  return { function: fn };
}
