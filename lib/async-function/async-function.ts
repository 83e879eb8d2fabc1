import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { createAlarms, errorsAlarm, metricQueueDepth, queueDepthAlarm, recursiveLoopAlarm, throttlesAlarm } from '../core/alarms';
import { Defaults } from '../core/defaults';
import { createPatternFunction, requireExecutionRole } from '../serverless-function/pattern-function';
import { grantInvokeExactly } from '../core/grants';
import { acknowledgeRule } from '../core/nag';
import { invalidProp, validateDurationRange, validateIntegerRange } from '../core/validation';
import { AsyncDestination, qualifiedTarget } from './destinations';
import type { AsyncFunctionProps, AsyncRuleOptions, AsyncS3TriggerOptions, AsyncSnsSubscriptionOptions } from './props';
import { createFailureQueue, createRedrive } from './redrive';
import { checkS3Triggers, S3Trigger } from './s3-triggers';
import type { ExpectedLoad } from '../core/load';
import { rejectUnknownProps } from '../core/known-props';
import { ASYNC_FUNCTION_ALARMS, ASYNC_FUNCTION_PROPS } from './known-props';
import { AWS_LIMITS, durationCode } from '../rules/limits';

/** Retry budget of the function's Lambda target when EventBridge cannot invoke it. */
const RULE_TARGET_RETRIES = AWS_LIMITS.eventBridgeTargetRetryAttempts.max;

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

  private readonly s3Triggers: S3Trigger[] = [];
  private ruleCount = 0;

  /** The expected traffic the cost report prices (undefined: not estimated). */
  public readonly expectedLoad?: ExpectedLoad;

  constructor(scope: Construct, id: string, props: AsyncFunctionProps) {
    super(scope, id);
    rejectUnknownProps(this, 'AsyncFunction', props, ASYNC_FUNCTION_PROPS);
    this.expectedLoad = props.expectedLoad;
    this.retryAttempts = props.retryAttempts ?? 2;
    this.maxEventAge = props.maxEventAge ?? Duration.hours(1);
    const redrive = props.redrive ?? props.onFailure === undefined;
    this.validateProps(props, redrive);

    const fn = createPatternFunction(this, 'Function', props, {
      defaultTimeout: Defaults.timeouts.asyncFunction,
      description: `Async function ${this.node.path}`,
    });
    this.function = fn.function;
    if (fn.createdFunction) {
      acknowledgeRule(fn.createdFunction, 'Serverless-LambdaDLQ',
        'asynchronous invocations go to the on-failure destination of the event invoke config, which records more than a DLQ');
    } else {
      this.validateAdoptedFunction();
    }
    this.rejectSelfDestination('onFailure', props.onFailure);
    this.rejectSelfDestination('onSuccess', props.onSuccess);
    // Destinations are written with the function's execution role: without it nothing can be granted.
    requireExecutionRole(this, this.function,
      'Lambda uses to send invocation records to the destinations and which must therefore be granted access to them');

    let onFailure = props.onFailure;
    if (!onFailure) {
      const queues = createFailureQueue(this, redrive);
      this.failureQueue = queues.failureQueue;
      this.redriveDeadLetterQueue = queues.redriveDeadLetterQueue;
      onFailure = AsyncDestination.toQueue(queues.failureQueue);
    }
    this.eventInvokeConfig = this.createEventInvokeConfig(onFailure, props.onSuccess);

    if (redrive && this.failureQueue) {
      const created = createRedrive(this, this.function, this.failureQueue, props);
      this.redriveFunction = created.redriveFunction;
      this.redriveEventSourceMapping = created.redriveEventSourceMapping;
    }

    this.node.addValidation({ validate: () => checkS3Triggers(this, this.function, this.s3Triggers) });
    this.alarms = this.createAsyncAlarms(props);
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
    this.s3Triggers.push({
      bucket,
      events: options.events ?? [s3.EventType.OBJECT_CREATED],
      allowed: options.allowWritesToTriggerBucket ?? false,
    });
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

  /** Invokes the function on a schedule, through an EventBridge rule (legacy). @deprecated use `ScheduledJob` (EventBridge Scheduler: time zone, bounded retries, DLQ, missed-run alarm). */
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

  /**
   * Lets the grantee invoke the function: `lambda:InvokeFunction` on exactly its ARN (invoke it
   * by name or ARN, without a qualifier), not on every version and alias (`<arn>:*`).
   */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return grantInvokeExactly(this.function, grantee);
  }

  /** Messages waiting in the failure queue (maximum over 1 minute). */
  public metricFailureQueueMessagesVisible(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    if (!this.failureQueue) {
      throw new Error(`${this.node.path}: onFailure is your own destination, so there is no failure queue metric; use metricAsyncEventsDropped()`);
    }
    return metricQueueDepth(this.failureQueue, props);
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
    const targetFunction = destination?._bind().targetFunction;
    if (!targetFunction) return;
    // Aliases and versions (imported ones too) are the function itself under a qualifier.
    const target = qualifiedTarget(targetFunction).function;
    const self = qualifiedTarget(this.function).function;
    const sameArn = !Token.isUnresolved(target.functionArn) && !Token.isUnresolved(self.functionArn)
      && target.functionArn === self.functionArn;
    if (target === self || sameArn) {
      invalidProp(this, prop,
        'points at the function itself: every record would invoke the function again with an envelope it does not expect, in a loop',
        prop === 'onFailure'
          ? 'leave onFailure unset for the failure queue, or send records to another queue, topic, event bus or function'
          : 'send success records to another queue, topic, event bus or function, or drop onSuccess');
    }
  }

  private validateProps(props: AsyncFunctionProps, redrive: boolean): void {
    validateIntegerRange(this, 'retryAttempts', this.retryAttempts, AWS_LIMITS.asyncRetryAttempts.min, AWS_LIMITS.asyncRetryAttempts.max,
      'set retryAttempts to 0, 1 or 2 (Lambda\'s limits); replay further from the failure queue with the redrive');
    if (!this.maxEventAge.isUnresolved() && !Number.isInteger(this.maxEventAge.toMilliseconds() / 1000)) {
      // Lambda takes whole seconds (MaximumEventAgeInSeconds); CDK would throw an error without a path.
      invalidProp(this, 'maxEventAge', `must be whole seconds (given ${this.maxEventAge.toMilliseconds()} milliseconds)`,
        `use Duration.seconds(${Math.round(this.maxEventAge.toMilliseconds() / 1000)})`);
    }
    validateDurationRange(this, 'maxEventAge', this.maxEventAge, Duration.seconds(AWS_LIMITS.asyncMaxEventAge.min),
      Duration.seconds(AWS_LIMITS.asyncMaxEventAge.max), `set maxEventAge between ${durationCode(AWS_LIMITS.asyncMaxEventAge.min, 'seconds')} and `
      + `${durationCode(AWS_LIMITS.asyncMaxEventAge.max, 'hours')} (Lambda's limits)`);
    if (redrive && props.onFailure) {
      invalidProp(this, 'redrive', 'replays the created failure queue only, and onFailure is set to your own destination',
        'leave onFailure unset to get the failure queue, or set redrive to false and replay from your destination yourself');
    }
    if (props.redriveEnabled && !redrive) {
      invalidProp(this, 'redriveEnabled', 'needs the redrive function, which is off',
        'set redrive to true (and leave onFailure unset), or drop redriveEnabled');
    }
  }

  private validateAdoptedFunction(): void {
    const target = qualifiedTarget(this.function).function;
    if (target instanceof lambda.Function && (target.node.defaultChild as lambda.CfnFunction).durableConfig !== undefined) {
      invalidProp(this, 'handler', 'is a durable function, whose asynchronous invocation DurableFunction configures on its alias itself '
        + '(Lambda allows one event invoke config per alias)',
      'invoke the DurableFunction directly (durable.grantInvoke, ScheduledJobTarget.durableFunction), or send this function\'s '
        + 'records to it with onFailure: AsyncDestination.toDurableFunction(durable)');
    }
    if (this.function.node.tryFindChild('EventInvokeConfig')) {
      invalidProp(this, 'handler',
        'the function given to HandlerCode.fromFunction() already has an event invoke config (configureAsyncInvoke(), or '
        + 'onFailure/onSuccess/retryAttempts/maxEventAge on the function); Lambda allows one per function',
        'remove those settings from your function and set them on AsyncFunction');
    }
  }

  /** Retries, event age and destinations; there is always an on-failure destination (the failure queue by default). */
  private createEventInvokeConfig(onFailure: AsyncDestination, onSuccess: AsyncDestination | undefined): lambda.EventInvokeConfig {
    // An alias or version is configured on its function with its qualifier (as aws-cdk-lib's own
    // configureAsyncInvoke does): its function name already carries the qualifier, so passing it
    // as is would pair `name:alias` with the default qualifier $LATEST.
    const configured = qualifiedTarget(this.function);
    return new lambda.EventInvokeConfig(this, 'EventInvokeConfig', {
      function: configured.function,
      qualifier: configured.qualifier,
      retryAttempts: this.retryAttempts,
      maxEventAge: this.maxEventAge,
      onFailure: onFailure._bind().destination,
      onSuccess: onSuccess?._bind().destination,
    });
  }

  private createAsyncAlarms(props: AsyncFunctionProps): cloudwatch.Alarm[] {
    return createAlarms(this, props, {
      ErrorsAlarm: errorsAlarm(this.function,
        'function invocations failed; Lambda retries them and then sends them to the on-failure destination'),
      ThrottlesAlarm: throttlesAlarm(this.function,
        'function throttled: async events wait in Lambda\'s queue and expire after maxEventAge; raise reserved concurrency'),
      DestinationDeliveryFailuresAlarm: {
        metric: this.metricDestinationDeliveryFailures(),
        threshold: 1,
        description: 'Lambda could not deliver invocation records to a destination: those events are lost; check the destination\'s permissions and existence',
      },
      ...(this.failureQueue ? {
        FailureQueueAlarm: queueDepthAlarm(this.failureQueue,
          'events failed every attempt (or expired) and wait in the failure queue; fix the cause, then redrive them'),
      } : {
        AsyncEventsDroppedAlarm: {
          metric: this.metricAsyncEventsDropped(),
          threshold: 1,
          description: 'events failed every attempt (or expired) and went to the on-failure destination',
        },
      }),
      ...(this.redriveDeadLetterQueue ? {
        RedriveDeadLetterQueueAlarm: queueDepthAlarm(this.redriveDeadLetterQueue,
          'failure-queue messages the redrive could not replay (malformed, for another function, or invoke failures); see the redrive logs'),
      } : {}),
      ...(hasDeadLetterConfig(this.function) ? {
        DeadLetterErrorsAlarm: {
          metric: this.function.metric('DeadLetterErrors', { statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) }),
          threshold: 1,
          description: 'Lambda could not send failed events to the function\'s dead-letter queue: those events are lost',
        },
      } : {}),
      ...recursiveLoopAlarm(this.function),
      ...(this.redriveFunction ? recursiveLoopAlarm(this.redriveFunction, 'RedriveRecursiveInvocationsDroppedAlarm', 'the redrive function') : {}),
    }, { value: props.alarms, known: ASYNC_FUNCTION_ALARMS, type: 'AsyncFunctionAlarms' });
  }
}

/** Findings on what every function this construct creates needs. */
function hasDeadLetterConfig(fn: lambda.IFunction): boolean {
  return fn instanceof lambda.Function && (fn.deadLetterQueue !== undefined || fn.deadLetterTopic !== undefined);
}
