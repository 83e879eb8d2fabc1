import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';
import { createAlarms, PatternAlarmProps } from '../core/alarms';
import { Defaults } from '../core/defaults';
import { createPatternFunction, PatternFunctionProps } from '../core/function';
import { HandlerCode } from '../core/handler';
import type { ExpectedLoad } from '../core/load';
import { acknowledgeRule } from '../core/nag';
import { minimumVisibilityTimeout } from '../core/rules';
import { invalidProp, validateDurationRange, validateIntegerRange, warn } from '../core/validation';

/** What kind of resource an AsyncDestination delivers invocation records to. */
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

/**
 * Where Lambda sends the invocation record of an asynchronous invocation (on success or on
 * failure). The record holds the request context (request id, function ARN, condition, attempt
 * count), the original event (`requestPayload`) and the function's response.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
 */
export class AsyncDestination {
  /** A standard SQS queue (FIFO queues are not supported by Lambda destinations). */
  public static toQueue(queue: sqs.IQueue): AsyncDestination {
    return new AsyncDestination(AsyncDestinationKind.QUEUE, new destinations.SqsDestination(queue), queue);
  }

  /** A standard SNS topic. */
  public static toTopic(topic: sns.ITopic): AsyncDestination {
    return new AsyncDestination(AsyncDestinationKind.TOPIC, new destinations.SnsDestination(topic), topic);
  }

  /** An EventBridge event bus; the record arrives as an event with detail-type "Lambda Function Invocation Result - Failure" (or "- Success"). */
  public static toEventBus(eventBus: events.IEventBus): AsyncDestination {
    return new AsyncDestination(AsyncDestinationKind.EVENT_BUS, new destinations.EventBridgeDestination(eventBus), eventBus);
  }

  /** Another Lambda function, invoked asynchronously with the record as its event. */
  public static toFunction(fn: lambda.IFunction): AsyncDestination {
    return new AsyncDestination(AsyncDestinationKind.FUNCTION, new destinations.LambdaDestination(fn), fn);
  }

  /** The kind of resource records go to. */
  public readonly kind: AsyncDestinationKind;
  /** The aws-lambda destination this wraps. */
  public readonly destination: lambda.IDestination;
  /** The queue, topic, event bus or function records go to. */
  public readonly resource: IConstruct;

  private constructor(kind: AsyncDestinationKind, destination: lambda.IDestination, resource: IConstruct) {
    this.kind = kind;
    this.destination = destination;
    this.resource = resource;
  }
}

/** Properties of an AsyncFunction. */
export interface AsyncFunctionProps extends PatternFunctionProps, PatternAlarmProps {
  /**
   * The function code. Throw to fail an event: Lambda retries it `retryAttempts` times, then sends
   * it to `onFailure`. Make it idempotent: async events are delivered at least once. A function
   * given through `HandlerCode.fromFunction()` must come with its execution role (imported
   * functions: `fromFunctionAttributes` with `role`): the destinations are granted to it.
   */
  readonly handler: HandlerCode;
  /**
   * Function timeout (1 second to 15 minutes).
   * @default Duration.seconds(60)
   */
  readonly timeout?: Duration;
  /**
   * Reserved concurrency of the function. Throttled async events wait in Lambda's queue (up to
   * `maxEventAge`) and then go to `onFailure`.
   * @default - unreserved
   */
  readonly reservedConcurrency?: number;
  /**
   * Retries after the function returns an error (0 to 2).
   * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
   * @default 2
   */
  readonly retryAttempts?: number;
  /**
   * How long Lambda keeps an event in its asynchronous queue, retries and throttling included
   * (60 seconds to 6 hours, whole seconds). Older events go to `onFailure` with condition `EventAgeExceeded`.
   * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
   * @default Duration.hours(1)
   */
  readonly maxEventAge?: Duration;
  /**
   * Where records of events that failed every attempt (or expired) go.
   * @default - a created SQS failure queue: SSE, SSL enforced, 14 days retention, depth alarm
   */
  readonly onFailure?: AsyncDestination;
  /**
   * Where records of successful invocations go.
   * @default - none
   */
  readonly onSuccess?: AsyncDestination;
  /**
   * Create the redrive function that replays the failure queue: it reads each destination record
   * and re-invokes this function asynchronously with the original event. Only with the created
   * failure queue.
   * @default true when the failure queue is created
   */
  readonly redrive?: boolean;
  /**
   * Turn the redrive's event source mapping on. Leave it off until the cause of the failures is
   * fixed, turn it on to drain the failure queue, then off again: while it is on, an event that
   * always fails cycles between the function and the queue.
   * @default false
   */
  readonly redriveEnabled?: boolean;
  /**
   * Traffic this construct expects, for the synth-time cost report (ServerlessCostReport).
   * @default - no estimate for this construct
   */
  readonly expectedLoad?: ExpectedLoad;
}

/** Options of `AsyncFunction.addS3Trigger`. */
export interface AsyncS3TriggerOptions {
  /**
   * Object key filters (prefix and/or suffix) of the notification.
   * @default - every object of the bucket
   */
  readonly filters?: s3.NotificationKeyFilter[];
  /**
   * S3 event types that invoke the function.
   * @default [s3.EventType.OBJECT_CREATED]
   */
  readonly events?: s3.EventType[];
  /**
   * Acknowledge that the function may write to the bucket that triggers it. Without it, synth
   * fails when the function's role can put objects into the bucket: every object it writes
   * would invoke it again. Set it only when the writes fall outside `filters`.
   * @default false
   */
  readonly allowWritesToTriggerBucket?: boolean;
}

/** Options of `AsyncFunction.addEventBridgeRule` and `addSchedule`. */
export interface AsyncRuleOptions {
  /**
   * Event bus of the rule (pattern rules only; schedules run on the default bus).
   * @default - the account's default event bus
   */
  readonly eventBus?: events.IEventBus;
  /**
   * Description of the rule.
   * @default - none
   */
  readonly description?: string;
  /**
   * What the function receives.
   * @default - the whole event
   */
  readonly input?: events.RuleTargetInput;
}

/** Options of `AsyncFunction.addSnsSubscription`. */
export interface AsyncSnsSubscriptionOptions {
  /**
   * Filter policy of the subscription (message attributes).
   * @default - every message
   */
  readonly filterPolicy?: { [attribute: string]: sns.SubscriptionFilter };
}

/** Retry budget of the function's Lambda target when EventBridge cannot invoke it. */
const RULE_TARGET_RETRIES = 185;
/** Receives of a failure-queue message before the redrive parks it. */
const REDRIVE_MAX_RECEIVE_COUNT = 3;
const REDRIVE_TIMEOUT = Duration.seconds(30);

interface S3Trigger {
  readonly bucket: s3.IBucket;
  readonly allowed: boolean;
}

/**
 * A Lambda function for asynchronous invocation (S3, SNS, EventBridge, `InvocationType: Event`)
 * that cannot lose an event silently: bounded retries and event age, an on-failure destination
 * always (by default an SQS failure queue with an alarm), a redrive function that replays the
 * failure queue, trigger helpers with narrow permissions, and alarms.
 */
export class AsyncFunction extends Construct {
  /** The function. */
  public readonly function: lambda.IFunction;
  /** The asynchronous invocation settings (retries, event age, destinations). */
  public readonly eventInvokeConfig: lambda.EventInvokeConfig;
  /** The created failure queue (absent when `onFailure` is given). */
  public readonly failureQueue?: sqs.IQueue;
  /** The function that replays the failure queue, when created. */
  public readonly redriveFunction?: lambda.IFunction;
  /** The mapping from the failure queue to the redrive function (disabled unless `redriveEnabled`). */
  public readonly redriveEventSourceMapping?: lambda.EventSourceMapping;
  /** Failure-queue messages the redrive could not replay after 3 receives. */
  public readonly redriveDeadLetterQueue?: sqs.IQueue;
  /** The alarms of this construct (empty when `alarmsEnabled` is false). */
  public readonly alarms: cloudwatch.Alarm[];
  /** Retries after an error. */
  public readonly retryAttempts: number;
  /** Longest time an event waits in Lambda's asynchronous queue. */
  public readonly maxEventAge: Duration;
  /** The expected traffic the cost report prices (undefined: not estimated). */
  public readonly expectedLoad?: ExpectedLoad;

  private readonly s3Triggers: S3Trigger[] = [];
  private ruleCount = 0;

  constructor(scope: Construct, id: string, props: AsyncFunctionProps) {
    super(scope, id);
    this.expectedLoad = props.expectedLoad;
    this.retryAttempts = props.retryAttempts ?? 2;
    this.maxEventAge = props.maxEventAge ?? Duration.hours(1);
    validateIntegerRange(this, 'retryAttempts', this.retryAttempts, 0, 2,
      'set retryAttempts to 0, 1 or 2 (Lambda\'s limits); replay further from the failure queue with the redrive');
    if (!this.maxEventAge.isUnresolved() && !Number.isInteger(this.maxEventAge.toMilliseconds() / 1000)) {
      // Lambda takes whole seconds (MaximumEventAgeInSeconds); CDK would throw an error without a path.
      invalidProp(this, 'maxEventAge', `must be whole seconds (given ${this.maxEventAge.toMilliseconds()} milliseconds)`,
        `use Duration.seconds(${Math.round(this.maxEventAge.toMilliseconds() / 1000)})`);
    }
    validateDurationRange(this, 'maxEventAge', this.maxEventAge, Duration.seconds(60), Duration.hours(6),
      'set maxEventAge between Duration.seconds(60) and Duration.hours(6) (Lambda\'s limits)');
    const redrive = props.redrive ?? props.onFailure === undefined;
    if (redrive && props.onFailure) {
      invalidProp(this, 'redrive', 'replays the created failure queue only, and onFailure is set to your own destination',
        'leave onFailure unset to get the failure queue, or set redrive to false and replay from your destination yourself');
    }
    if (props.redriveEnabled && !redrive) {
      invalidProp(this, 'redriveEnabled', 'needs the redrive function, which is off',
        'set redrive to true (and leave onFailure unset), or drop redriveEnabled');
    }

    const fn = createPatternFunction(this, 'Function', props, {
      defaultTimeout: Defaults.timeouts.asyncFunction,
      description: `Async function ${this.node.path}`,
    });
    this.function = fn.function;
    if (fn.createdFunction) {
      acknowledgeRule(fn.createdFunction, 'Serverless-LambdaDLQ',
        'asynchronous invocations go to the on-failure destination of the event invoke config, which records more than a DLQ');
    }

    if (!fn.createdFunction && this.function.node.tryFindChild('EventInvokeConfig')) {
      invalidProp(this, 'handler',
        'the function given to HandlerCode.fromFunction() already has an event invoke config (configureAsyncInvoke(), or '
        + 'onFailure/onSuccess/retryAttempts/maxEventAge on the function); Lambda allows one per function',
        'remove those settings from your function and set them on AsyncFunction');
    }
    this.rejectSelfDestination('onFailure', props.onFailure);
    this.rejectSelfDestination('onSuccess', props.onSuccess);
    if (!this.function.role) {
      // Destinations are written with the function's execution role: without it nothing can be granted.
      invalidProp(this, 'handler',
        'the function given to HandlerCode.fromFunction() was imported without its execution role, which Lambda uses to '
        + 'send invocation records to the destinations and which must therefore be granted access to them',
        'import it with lambda.Function.fromFunctionAttributes({ functionArn, role: iam.Role.fromRoleArn(...) })');
    }

    let onFailure = props.onFailure;
    if (!onFailure) {
      const redriveDlq = redrive ? new sqs.Queue(this, 'RedriveDeadLetterQueue', {
        retentionPeriod: Defaults.deadLetterRetention,
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
      }) : undefined;
      this.redriveDeadLetterQueue = redriveDlq;
      if (redriveDlq) {
        acknowledgeRule(redriveDlq, 'Serverless-SQSRedrivePolicy',
          'this is the dead-letter queue of the failure queue: the last stop, alarmed, kept 14 days');
      }
      this.failureQueue = new sqs.Queue(this, 'FailureQueue', {
        retentionPeriod: Defaults.deadLetterRetention,
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        visibilityTimeout: redrive ? minimumVisibilityTimeout(REDRIVE_TIMEOUT) : undefined,
        deadLetterQueue: redriveDlq ? { queue: redriveDlq, maxReceiveCount: REDRIVE_MAX_RECEIVE_COUNT } : undefined,
      });
      onFailure = AsyncDestination.toQueue(this.failureQueue);
    }

    // An alias or version is configured on its function with its qualifier (as aws-cdk-lib's own
    // configureAsyncInvoke does): its function name already carries the qualifier, so passing it
    // as is would pair `name:alias` with the default qualifier $LATEST.
    const configured = qualifiedTarget(this.function);
    this.eventInvokeConfig = new lambda.EventInvokeConfig(this, 'EventInvokeConfig', {
      function: configured.function,
      qualifier: configured.qualifier,
      retryAttempts: this.retryAttempts,
      maxEventAge: this.maxEventAge,
      onFailure: onFailure.destination,
      onSuccess: props.onSuccess?.destination,
    });

    if (redrive && this.failureQueue) {
      const redriveFn = createPatternFunction(this, 'RedriveFunction', {
        handler: HandlerCode.bundled('async-function/redrive'),
        memorySize: 256,
        logRetention: props.logRetention,
      }, {
        defaultTimeout: REDRIVE_TIMEOUT,
        description: `Replays the failure queue of ${this.node.path}`,
        patternEnvironment: { REDRIVE_TARGET_FUNCTION_ARN: this.function.functionArn },
      }).function;
      this.redriveFunction = redriveFn;
      acknowledgeRule(redriveFn, 'Serverless-LambdaDLQ',
        'invoked only by the SQS event source mapping of the failure queue, whose redrive policy parks what fails');
      this.function.grantInvoke(redriveFn);
      this.failureQueue.grantConsumeMessages(redriveFn);
      this.redriveEventSourceMapping = new lambda.EventSourceMapping(this, 'RedriveEventSourceMapping', {
        target: redriveFn,
        eventSourceArn: this.failureQueue.queueArn,
        batchSize: 10,
        // Replay gently: every replayed event becomes an async invoke of the function.
        maxConcurrency: 2,
        reportBatchItemFailures: true,
        enabled: props.redriveEnabled ?? false,
      });
      if (redriveFn.role) this.redriveEventSourceMapping.node.addDependency(redriveFn.role);
      acknowledgeRule(this.redriveEventSourceMapping, 'Serverless-LambdaEventSourceMappingDestination',
        'SQS event source mappings take no on-failure destination: failed records stay in the failure queue and, after '
        + `${REDRIVE_MAX_RECEIVE_COUNT} receives, move to its dead-letter queue`);
      const target = nagResourceName(Stack.of(this).resolve(this.function.functionArn));
      acknowledgeRule(redriveFn, `AwsSolutions-IAM5[Resource::${target}:*]`,
        'destination records name the function with a qualifier (function ARN:$LATEST); the redrive may invoke this one function only');
      if (props.redriveEnabled) {
        warn(this, 'AsyncFunction.redriveEnabled',
          'redriveEnabled replays every failure-queue message as soon as it arrives: an event that always fails cycles between '
          + 'the function and the queue, costing retryAttempts + 1 invocations per cycle. Enable it to drain the queue after a fix, then disable it.');
      }
    }

    this.node.addValidation({ validate: () => this.validateS3Triggers() });

    this.alarms = createAlarms(this, props, {
      ErrorsAlarm: {
        metric: this.function.metricErrors({ period: Duration.minutes(5) }),
        threshold: 1,
        description: 'function invocations failed; Lambda retries them and then sends them to the on-failure destination',
      },
      ThrottlesAlarm: {
        metric: this.function.metricThrottles({ period: Duration.minutes(5) }),
        threshold: 1,
        description: 'function throttled: async events wait in Lambda\'s queue and expire after maxEventAge; raise reserved concurrency',
      },
      DestinationDeliveryFailuresAlarm: {
        metric: this.metricDestinationDeliveryFailures(),
        threshold: 1,
        description: 'Lambda could not deliver invocation records to a destination: those events are lost; check the destination\'s permissions and existence',
      },
      ...(this.failureQueue ? {
        FailureQueueAlarm: {
          metric: this.metricFailureQueueMessagesVisible(),
          threshold: 1,
          description: 'events failed every attempt (or expired) and wait in the failure queue; fix the cause, then redrive them',
        },
      } : {
        AsyncEventsDroppedAlarm: {
          metric: this.metricAsyncEventsDropped(),
          threshold: 1,
          description: 'events failed every attempt (or expired) and went to the on-failure destination',
        },
      }),
      ...(this.redriveDeadLetterQueue ? {
        RedriveDeadLetterQueueAlarm: {
          metric: this.redriveDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
            statistic: cloudwatch.Stats.MAXIMUM, period: Duration.minutes(1),
          }),
          threshold: 1,
          description: 'failure-queue messages the redrive could not replay (malformed, for another function, or invoke failures); see the redrive logs',
        },
      } : {}),
      ...(hasDeadLetterConfig(this.function) ? {
        DeadLetterErrorsAlarm: {
          metric: this.function.metric('DeadLetterErrors', { statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) }),
          threshold: 1,
          description: 'Lambda could not send failed events to the function\'s dead-letter queue: those events are lost',
        },
      } : {}),
    });
  }

  /**
   * Invokes the function for objects created in `bucket` (S3 notifications are asynchronous
   * invokes). Adds a permission for that bucket and account only. Synth fails if the function's
   * role can write to the bucket, unless `allowWritesToTriggerBucket` is set.
   */
  public addS3Trigger(bucket: s3.IBucket, options: AsyncS3TriggerOptions = {}): void {
    this.function.addEventSource(new sources.S3EventSourceV2(bucket, {
      events: options.events ?? [s3.EventType.OBJECT_CREATED],
      filters: options.filters,
    }));
    this.s3Triggers.push({ bucket, allowed: options.allowWritesToTriggerBucket ?? false });
    // aws-cdk-lib's stack-singleton custom resource that writes the bucket's notification configuration.
    const notificationsHandler = Stack.of(bucket).node.tryFindChild('BucketNotificationsHandler050a0587b7544547bf325f094a3db834');
    if (notificationsHandler) {
      acknowledgeRule(notificationsHandler,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        'aws-cdk-lib\'s bucket-notifications custom resource: the managed policy only lets it write its own logs');
    }
  }

  /**
   * Invokes the function for events matching `pattern`, through an EventBridge rule. The rule's
   * delivery failures go to the failure queue too (when it is created), where the redrive
   * recognizes them.
   */
  public addEventBridgeRule(pattern: events.EventPattern, options: AsyncRuleOptions = {}): events.Rule {
    return this.addRule({ eventPattern: pattern, eventBus: options.eventBus, description: options.description }, options.input);
  }

  /** Invokes the function on a schedule, through an EventBridge rule. */
  public addSchedule(schedule: events.Schedule, options: AsyncRuleOptions = {}): events.Rule {
    if (options.eventBus) {
      invalidProp(this, 'eventBus', 'cannot be set on a schedule: scheduled rules run on the default event bus',
        'drop eventBus from the addSchedule options');
    }
    return this.addRule({ schedule, description: options.description }, options.input);
  }

  /**
   * Invokes the function for messages published to `topic`; the permission names that topic only.
   * Messages SNS cannot deliver go to the failure queue (when it is created): the redrive does not
   * replay them (they are not destination records) but keeps and reports them.
   */
  public addSnsSubscription(topic: sns.ITopic, options: AsyncSnsSubscriptionOptions = {}): void {
    this.function.addEventSource(new sources.SnsEventSource(topic, {
      filterPolicy: options.filterPolicy,
      deadLetterQueue: this.failureQueue,
    }));
  }

  /** Lets the grantee invoke the function. */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return this.function.grantInvoke(grantee);
  }

  /** Messages waiting in the failure queue (maximum over 1 minute). */
  public metricFailureQueueMessagesVisible(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    if (!this.failureQueue) {
      throw new Error(`${this.node.path}: onFailure is your own destination, so there is no failure queue metric; use metricAsyncEventsDropped()`);
    }
    return this.failureQueue.metricApproximateNumberOfMessagesVisible({
      statistic: cloudwatch.Stats.MAXIMUM, period: Duration.minutes(1), ...props,
    });
  }

  /** Invocation records Lambda failed to deliver to a destination (sum over 5 minutes). */
  public metricDestinationDeliveryFailures(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.function.metric('DestinationDeliveryFailures', { statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5), ...props });
  }

  /** Events dropped after every attempt or on expiry, after going to onFailure (sum over 5 minutes). */
  public metricAsyncEventsDropped(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.function.metric('AsyncEventsDropped', { statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5), ...props });
  }

  /** Time from an event's arrival in Lambda's async queue to its invocation (maximum over 5 minutes). */
  public metricAsyncEventAge(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.function.metric('AsyncEventAge', { statistic: cloudwatch.Stats.MAXIMUM, period: Duration.minutes(5), ...props });
  }

  private addRule(props: events.RuleProps, input?: events.RuleTargetInput): events.Rule {
    this.ruleCount += 1;
    const rule = new events.Rule(this, `Rule${this.ruleCount}`, props);
    rule.addTarget(new targets.LambdaFunction(this.function, {
      event: input,
      retryAttempts: RULE_TARGET_RETRIES,
      deadLetterQueue: this.failureQueue,
    }));
    return rule;
  }

  private rejectSelfDestination(prop: string, destination: AsyncDestination | undefined): void {
    if (destination?.kind !== AsyncDestinationKind.FUNCTION) return;
    const target = destination.resource as unknown as lambda.IFunction;
    const underlying = target instanceof lambda.Alias ? target.version.lambda
      : target instanceof lambda.Version ? target.lambda : target;
    const sameArn = !Token.isUnresolved(target.functionArn) && !Token.isUnresolved(this.function.functionArn)
      && target.functionArn === this.function.functionArn;
    if (underlying === this.function || sameArn) {
      invalidProp(this, prop,
        'points at the function itself: every record would invoke the function again with an envelope it does not expect, in a loop',
        prop === 'onFailure'
          ? 'leave onFailure unset for the failure queue, or send records to another queue, topic, event bus or function'
          : 'send success records to another queue, topic, event bus or function, or drop onSuccess');
    }
  }

  /** Synth-time check, so grants made after `addS3Trigger` are seen too. */
  private validateS3Triggers(): string[] {
    const role = this.function.role;
    if (!role || this.s3Triggers.length === 0) return [];
    const statements = roleStatements(role);
    const errors: string[] = [];
    for (const trigger of this.s3Triggers) {
      if (trigger.allowed) continue;
      const stack = Stack.of(this);
      const bucketArn = stack.resolve(trigger.bucket.bucketArn);
      const grant = statements.find((s) => allowsPutObject(s, bucketArn));
      if (grant) {
        try {
          invalidProp(this, 'allowWritesToTriggerBucket',
            `the function's role can write to ${trigger.bucket.node.path}, which triggers the function `
            + `(statement allows ${JSON.stringify(grant.Action)}): every object the function writes there invokes it again, `
            + 'a recursive loop that runs until stopped',
            'write to another bucket; or, if the writes land outside the trigger\'s filters (another prefix), '
            + 'pass allowWritesToTriggerBucket: true to addS3Trigger');
        } catch (err) {
          errors.push((err as Error).message);
        }
      }
    }
    return errors;
  }
}

interface PolicyStatementJson {
  readonly Effect?: string;
  readonly Action?: unknown;
  readonly Resource?: unknown;
}

/** Every statement of the role's identity policies in its stack (attached policies and inline ones), resolved. */
function roleStatements(role: iam.IRole): PolicyStatementJson[] {
  const stack = Stack.of(role);
  const roleRef = JSON.stringify(stack.resolve(role.roleName));
  const statements: PolicyStatementJson[] = [];
  const addDocument = (doc: unknown) => {
    const resolved = stack.resolve(doc) as { Statement?: PolicyStatementJson[] } | undefined;
    statements.push(...(resolved?.Statement ?? []));
  };
  for (const c of stack.node.findAll()) {
    if (c instanceof iam.CfnPolicy && JSON.stringify(stack.resolve(c.roles) ?? []).includes(roleRef)) {
      addDocument(c.policyDocument);
    }
  }
  const cfnRole = role.node.defaultChild;
  if (cfnRole instanceof iam.CfnRole) {
    const inline = stack.resolve(cfnRole.policies) as Array<{ PolicyDocument?: unknown }> | undefined;
    for (const p of inline ?? []) addDocument(p.PolicyDocument);
    const managed = JSON.stringify(stack.resolve(cfnRole.managedPolicyArns) ?? []);
    if (managed.includes('AmazonS3FullAccess')) statements.push({ Effect: 'Allow', Action: 's3:*', Resource: '*' });
  }
  return statements;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

function globMatches(pattern: string, value: string): boolean {
  const regex = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${regex}$`, 'i').test(value);
}

/**
 * A resolved ARN as a string: `Fn::Join` concatenated, the partition as `aws`, any other
 * intrinsic (a bucket's `Fn::GetAtt`, ...) as a `#...#` placeholder that only equals itself.
 */
function flattenArn(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as { [key: string]: unknown };
  if (v && v.Ref === 'AWS::Partition') return 'aws';
  if (v && Array.isArray(v['Fn::Join'])) {
    const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(flattenArn).join(separator);
  }
  return `#${JSON.stringify(value)}#`;
}

/** Does the statement allow s3:PutObject on an object of the bucket whose resolved ARN is `bucketArn`? */
function allowsPutObject(statement: PolicyStatementJson, bucketArn: unknown): boolean {
  if (statement.Effect !== 'Allow') return false;
  const actions = asArray(statement.Action).filter((a): a is string => typeof a === 'string');
  if (!actions.some((a) => globMatches(a, 's3:PutObject'))) return false;
  const bucket = flattenArn(bucketArn);
  const bucketIsLiteral = !bucket.includes('#');
  return asArray(statement.Resource).some((r) => {
    const resource = flattenArn(r);
    // Any object of the bucket (a key prefix such as `out/*` still lets the function write there).
    if (resource.startsWith(`${bucket}/`) || globMatches(resource, `${bucket}/any-key`)) return true;
    // A bucket known only at deploy time is still caught by wildcard resources ('*', 'arn:aws:s3:::*').
    return !bucketIsLiteral && !resource.includes('#') && globMatches(resource, 'arn:aws:s3:::\u0000deploy-time-bucket/any-key');
  });
}

/** A resolved ARN the way cdk-nag names it in a finding id (`<LogicalId.Arn>`, `<AWS::Partition>`). */
function nagResourceName(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as { [key: string]: unknown };
  if (Array.isArray(v['Fn::Join'])) {
    const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(nagResourceName).join(separator);
  }
  if (Array.isArray(v['Fn::GetAtt'])) return `<${(v['Fn::GetAtt'] as string[]).join('.')}>`;
  if (typeof v.Ref === 'string') return `<${v.Ref}>`;
  return JSON.stringify(value);
}

/** The unqualified function and qualifier of an alias or version (imported ones included); a function as is. */
function qualifiedTarget(fn: lambda.IFunction): { function: lambda.IFunction; qualifier?: string } {
  const alias = fn as Partial<lambda.IAlias>;
  if (typeof alias.aliasName === 'string' && alias.version) return { function: alias.version.lambda, qualifier: alias.aliasName };
  const version = fn as Partial<lambda.IVersion>;
  if (typeof version.version === 'string' && version.lambda) return { function: version.lambda, qualifier: version.version };
  return { function: fn };
}

/** Findings on what every function this construct creates needs. */
function hasDeadLetterConfig(fn: lambda.IFunction): boolean {
  return fn instanceof lambda.Function && (fn.deadLetterQueue !== undefined || fn.deadLetterTopic !== undefined);
}
