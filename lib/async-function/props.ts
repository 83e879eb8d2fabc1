import type { Duration } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { PatternAlarmProps } from '../core/alarms';
import type { PatternFunctionProps } from '../serverless-function/pattern-function';
import type { HandlerCode } from '../core/handler';
import type { AsyncDestination } from './destinations';
import type { ExpectedLoad } from '../core/load';
import type { AsyncFunctionAlarms } from './alarms';

/** Properties of an AsyncFunction. */
export interface AsyncFunctionProps extends PatternFunctionProps, PatternAlarmProps {
  /**
   * Threshold, period, evaluation periods and datapoints of each alarm, or `enabled: false` to turn
   * one alarm off.
   * @default - every alarm on, with the defaults listed on `AsyncFunctionAlarms`
   */
  readonly alarms?: AsyncFunctionAlarms;
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
