import { Duration, Names, RemovalPolicy, Stack, TimeZone, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  createAlarms, errorsAlarm, metricQueueDepth, PatternAlarmProps, PatternAlarmSpec, queueDepthAlarm, recursiveLoopAlarm, windowText,
} from '../core/alarms';
import { createDeadLetterQueue } from '../core/dead-letter-queue';
import type { ExpectedLoad } from '../core/load';
import { acknowledgeGrantPolicy } from '../core/nag';
import { invalidProp, requireTokenUnit, validateDurationRange, warn } from '../core/validation';
import { enforce } from '../rules/rule';
import { scheduleRetryPolicyRule } from '../rules/schedule';
import { missedRunWindow, withRunInterval } from './missed-run';
import { isOneTime, readSchedule, ScheduleSpec, scheduleTimeZone } from './job-schedule';
import { resolveSchedule, ResolvedSchedule, validateTimeZone } from './schedule';
import type { ScheduledJobTarget } from './target';
import { synthNote } from '../core/notes';
import { rejectUnknownProps } from '../core/known-props';
import { SCHEDULED_JOB_ALARMS, SCHEDULED_JOB_PROPS } from './known-props';
import { sortedKeys } from '../core/canonical-json';
import type { ScheduledJobAlarms } from './alarms';
import { AWS_LIMITS } from '../rules/limits';

/**
 * Retry policy of the schedule's target: how long EventBridge Scheduler keeps trying to deliver
 * an occurrence before it goes to the dead-letter queue.
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-retry-policy.html
 */
export interface ScheduledJobRetryPolicy {
  /**
   * Delivery retries (0 to 185).
   * @default 10
   */
  readonly maxAttempts?: number;
  /**
   * How long an occurrence may wait for delivery (1 minute to 24 hours, whole seconds). For a
   * function target it also bounds how long Lambda keeps the event in its asynchronous queue
   * (at most 6 hours), e.g. while an earlier run holds the only concurrency slot. A token is set
   * as it is on both (a function target's then must not exceed 6 hours), and the idempotency
   * records are kept 48 hours.
   * @default - the shorter of 1 hour and the schedule's shortest period (at least 1 minute)
   */
  readonly maxEventAge?: Duration;
}

/** Properties of a ScheduledJob. */
export interface ScheduledJobProps extends PatternAlarmProps {
  /**
   * Threshold, period, evaluation periods and datapoints of each alarm, or `enabled: false` to turn
   * one alarm off.
   * @default - every alarm on, with the defaults listed on `ScheduledJobAlarms`
   */
  readonly alarms?: ScheduledJobAlarms;
  /**
   * When the job runs: `JobSchedule.cron('0 2 * * ? *')`, `.rate(...)` or `.at(...)`, or any
   * `scheduler.ScheduleExpression` (`ScheduleExpression.cron({ ... })`, `.rate()`, `.at()`,
   * `.expression('cron(...)')`). Every form is validated the same way (a cron that never fires is
   * an error) and sizes the missed-run alarm. A ScheduleExpression's own time zone applies when
   * `timeZone` is unset; both set and different is an error.
   */
  readonly schedule: scheduler.ScheduleExpression;
  /** What runs: `ScheduledJobTarget.handler(...)`, `.sqsWorker(...)`, `.saga(...)` or `.stateMachine(...)`. */
  readonly target: ScheduledJobTarget;
  /**
   * IANA time zone the cron expression and one-time date are read in (daylight saving applies:
   * a local time skipped in spring does not run, one repeated in autumn runs once). A token (e.g.
   * `TimeZone.of(param.valueAsString)`) is read by Scheduler at deployment: not with `JobSchedule.at()`,
   * and a cron then needs `maxRunInterval`.
   * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#time-zones
   * @default - the schedule expression's own time zone (`ScheduleExpression.cron({ timeZone })`), else TimeZone.ETC_UTC
   */
  readonly timeZone?: TimeZone;
  /**
   * Longest time between two runs, which sizes the missed-run alarm (plus a grace). Computed from
   * the schedule when it can be read at synth; required (with alarms) when the schedule or the time
   * zone is a token. Given, it replaces the computed value.
   * @default - computed from the schedule (daylight saving included)
   */
  readonly maxRunInterval?: Duration;
  /**
   * JSON keys delivered to the target beside `scheduledTime`, `executionId`, `attemptNumber` and
   * `scheduleArn` (reserved). Strings may contain Scheduler context attributes such as
   * `<aws.scheduler.execution-id>`. Rendered with its keys sorted, so an app in any jsii language
   * gets the same template (a Go map or a Java `Map.of` has no insertion order).
   * @default - only the occurrence fields
   */
  readonly payload?: { [key: string]: any };
  /**
   * Bounded retries of a delivery, then the dead-letter queue.
   * @default - 10 attempts, event age the shorter of 1 hour and the period
   */
  readonly retryPolicy?: ScheduledJobRetryPolicy;
  /**
   * Whether runs of a function target may overlap. `false` reserves a concurrency of 1: an
   * occurrence that arrives while the previous run still runs is throttled by Lambda, which keeps
   * it in its asynchronous queue and retries it (up to `retryPolicy.maxEventAge`, at most 6 hours),
   * so it runs after the previous run ends, or goes to the dead-letter queue when that age passes.
   * Only for function targets.
   * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
   * @default true
   */
  readonly allowOverlap?: boolean;
  /**
   * Let Scheduler start each run at any time within this window after the scheduled time
   * (1 to 1440 minutes, whole minutes), to spread load.
   * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-flexible-time-windows.html
   * @default - no flexible window: runs start within the scheduled minute
   */
  readonly flexibleWindow?: Duration;
  /**
   * First moment the schedule may run (recurring schedules; a rate counts from it).
   * @default - from deployment
   */
  readonly startDate?: Date;
  /**
   * Moment after which the schedule stops running (recurring schedules).
   * @default - no end
   */
  readonly endDate?: Date;
  /**
   * Whether the schedule is enabled.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Schedule group. Scheduler publishes its metrics per group, so the job's Scheduler alarms
   * watch the whole group when you share one.
   * @default - a group of the job's own
   */
  readonly scheduleGroup?: scheduler.IScheduleGroup;
  /**
   * Description of the schedule.
   * @default - the construct path
   */
  readonly description?: string;
  /**
   * Load of this job, for the synth-time cost report (ServerlessCostReport): the average
   * duration of a run (and payload, log bytes). Runs per month are counted from the schedule
   * (1 for a one-time `at`); `perMonth` replaces that count.
   * @default - no estimate for this construct
   */
  readonly expectedLoad?: ExpectedLoad;
}

/** Namespace of the success metric the job runtime emits. */
const SCHEDULED_JOB_METRIC_NAMESPACE = 'cdk-serverless-patterns/ScheduledJob';
const RESERVED_PAYLOAD_KEYS = ['scheduledTime', 'executionId', 'attemptNumber', 'scheduleArn'];
const DEFAULT_MAX_ATTEMPTS = 10;
/** Added to the longest gap before a missing run alarms: delivery retries, metric delay. */
const MISSED_RUN_MARGIN = Duration.minutes(10);
/** Scheduler rejects a StartDate earlier than 5 minutes before the request. */
const START_DATE_GRACE = Duration.minutes(5);

/**
 * Work on a schedule, on EventBridge Scheduler: cron (in a time zone, across daylight saving),
 * rate or one time; a function, an SqsWorker or a state machine as target, given the occurrence's
 * scheduled time and execution id; a bounded retry policy and an encrypted dead-letter queue
 * always; a role that may invoke this target only; and alarms that make a missed run visible
 * (no success within a period, Scheduler target errors and drops, the DLQ, function errors).
 */
export class ScheduledJob extends Construct {
  /** CloudWatch namespace of `ScheduledJobSucceeded`, the metric the job runtime emits per successful occurrence. */
  public static readonly METRIC_NAMESPACE = SCHEDULED_JOB_METRIC_NAMESPACE;

  /** The schedule. */
  public readonly schedule: scheduler.Schedule;
  /** The schedule group (the job's own unless one was given). */
  public readonly scheduleGroup: scheduler.IScheduleGroup;
  /** Occurrences Scheduler could not deliver, and (function targets) runs that failed after Lambda's retries. */
  public readonly deadLetterQueue: sqs.Queue;
  /** The role Scheduler assumes: it may invoke this target and write to the dead-letter queue, nothing else. */
  public readonly role: iam.Role;
  /** The job function, for function targets. */
  public readonly function?: lambda.IFunction;
  /** The idempotency table, for function targets with idempotency. */
  public readonly idempotencyTable?: dynamodb.ITable;
  /** Name of the job: the `service` dimension of its success metric. */
  public readonly jobName: string;
  /** IANA name of the job's time zone. */
  public readonly timeZoneName: string;
  /** The next (up to five) runs computed at synth; empty when they depend on deployment time. */
  public readonly nextRuns: Date[];
  /** The alarms (empty when `alarmsEnabled` is false). */
  public readonly alarms: cloudwatch.Alarm[];
  /** The expected load the cost report prices (undefined: not estimated). */
  public readonly expectedLoad?: ExpectedLoad;

  constructor(scope: Construct, id: string, props: ScheduledJobProps) {
    super(scope, id);
    rejectUnknownProps(this, 'ScheduledJob', props, SCHEDULED_JOB_PROPS);
    this.expectedLoad = props.expectedLoad;
    const schedule = readSchedule(this, props.schedule);
    const timeZone = scheduleTimeZone(this, props.schedule, schedule, props.timeZone);
    this.timeZoneName = validateTimeZone(this, timeZone);
    const allowOverlap = props.allowOverlap ?? true;
    const resolved = this.validate(props, schedule, timeZone, allowOverlap);
    const maxEventAge = props.retryPolicy?.maxEventAge ?? defaultEventAge(resolved.period ?? resolved.longestGap);
    this.jobName = Names.uniqueResourceName(this, { maxLength: 64 });
    this.nextRuns = resolved.nextRuns;

    this.scheduleGroup = props.scheduleGroup
      ?? new scheduler.ScheduleGroup(this, 'Group', { removalPolicy: RemovalPolicy.DESTROY });
    this.deadLetterQueue = createDeadLetterQueue(this, 'DeadLetterQueue', {
      notUsedAsDeadLetterQueueReason: 'this is the job\'s dead-letter queue (Scheduler DeadLetterConfig and Lambda on-failure destination), behind an alarm',
      noRedrivePolicyReason: 'this is the dead-letter queue: failed occurrences stay 14 days for inspection, behind an alarm',
    });
    this.role = this.createRole();

    const attempts = props.retryPolicy?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    const bound = props.target._bind(this, {
      role: this.role,
      deadLetterQueue: this.deadLetterQueue,
      input: scheduler.ScheduleTargetInput.fromObject({
        // Sorted keys: the same Input text whichever language the payload was written in.
        ...sortedKeys(props.payload),
        scheduledTime: scheduler.ContextAttribute.scheduledTime,
        executionId: scheduler.ContextAttribute.executionId,
        attemptNumber: scheduler.ContextAttribute.attemptNumber,
        scheduleArn: scheduler.ContextAttribute.scheduleArn,
      }),
      // The L2 targets range-check attempts and cannot take a token: a token is set on the L1 below.
      retryAttempts: Token.isUnresolved(attempts) ? DEFAULT_MAX_ATTEMPTS : attempts,
      maxEventAge,
      allowOverlap,
      jobName: this.jobName,
      metricNamespace: SCHEDULED_JOB_METRIC_NAMESPACE,
    });
    this.function = bound.function;
    this.idempotencyTable = bound.idempotencyTable;

    const window = props.flexibleWindow;
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      schedule: resolved.expression,
      target: bound.scheduleTarget,
      scheduleGroup: this.scheduleGroup,
      enabled: props.enabled ?? true,
      timeWindow: window && !window.isUnresolved() ? scheduler.TimeWindow.flexible(window) : scheduler.TimeWindow.off(),
      start: props.startDate,
      end: props.endDate,
      description: props.description ?? `ScheduledJob ${this.node.path}`,
    });
    this.applyTokens(attempts, window, props.retryPolicy?.maxEventAge);
    // Scheduler may check the role's permissions when the schedule is created: create its policy first
    // (the role itself is already referenced).
    const policy = this.role.node.tryFindChild('DefaultPolicy');
    if (policy) this.schedule.node.addDependency(policy);
    synthNote(this, 'ScheduledJob.nextRuns', resolved.description);
    this.alarms = this.createJobAlarms(props, resolved, bound.timeout);
  }

  /** Successful occurrences: the runtime's `ScheduledJobSucceeded` (function targets; sum over 5 minutes). */
  public metricSucceeded(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: SCHEDULED_JOB_METRIC_NAMESPACE,
      metricName: 'ScheduledJobSucceeded',
      dimensionsMap: { service: this.jobName },
      statistic: cloudwatch.Stats.SUM,
      period: Duration.minutes(5),
      ...props,
    });
  }

  /** Invocations Scheduler attempted, for the job's schedule group (sum over 5 minutes). */
  public metricAttempts(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.scheduleGroup.metricAttempts({ period: Duration.minutes(5), ...props });
  }

  /** Target errors Scheduler saw when calling the target API (sum over 5 minutes). */
  public metricTargetErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.scheduleGroup.metricTargetErrors({ period: Duration.minutes(5), ...props });
  }

  /** Occurrences Scheduler dropped after its retry policy was exhausted (sum over 5 minutes). */
  public metricDropped(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.scheduleGroup.metricDropped({ period: Duration.minutes(5), ...props });
  }

  /** Messages in the dead-letter queue (maximum over 1 minute). */
  public metricDeadLetterMessagesVisible(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return metricQueueDepth(this.deadLetterQueue, props);
  }

  private validate(props: ScheduledJobProps, schedule: ScheduleSpec, timeZone: TimeZone, allowOverlap: boolean): ResolvedSchedule {
    const now = new Date();
    this.validateDates(props, isOneTime(schedule), now);
    const resolved = withRunInterval(this, props, resolveSchedule(this, schedule, timeZone, this.timeZoneName, now, props.startDate));
    props.target._validate(this, allowOverlap);
    const reserved = Object.keys(props.payload ?? {}).filter((key) => RESERVED_PAYLOAD_KEYS.includes(key));
    if (reserved.length > 0) {
      invalidProp(this, 'payload', `uses the reserved key '${reserved[0]}' (the job fills in ${RESERVED_PAYLOAD_KEYS.join(', ')})`,
        'rename the key, e.g. \'reportDay\'');
    }
    const window = props.flexibleWindow;
    validateDurationRange(this, 'flexibleWindow', window, Duration.minutes(AWS_LIMITS.schedulerFlexibleWindow.min),
      Duration.minutes(AWS_LIMITS.schedulerFlexibleWindow.max));
    requireTokenUnit(this, 'flexibleWindow', window, 'minutes', 'the schedule\'s flexible time window (MaximumWindowInMinutes)');
    if (window && !window.isUnresolved() && window.toMilliseconds() % 60_000 !== 0) {
      invalidProp(this, 'flexibleWindow', `must be whole minutes (given ${window.toHumanString()})`, 'round it to minutes, e.g. Duration.minutes(15)');
    }
    const attempts = props.retryPolicy?.maxAttempts;
    enforce(this, 'retryPolicy.maxAttempts', scheduleRetryPolicyRule.check({
      retryPolicySet: true, maximumRetryAttempts: attempts === undefined || Token.isUnresolved(attempts) ? undefined : attempts,
    }));
    const age = props.retryPolicy?.maxEventAge;
    if (age && !age.isUnresolved()) {
      enforce(this, 'retryPolicy.maxEventAge', scheduleRetryPolicyRule.check({ retryPolicySet: true, maximumEventAgeSeconds: age.toMilliseconds() / 1000 }));
    }
    const skipped = resolved.skippedByDaylightSaving ?? [];
    if (skipped.length > 0) {
      warn(this, 'ScheduledJob.skippedByDaylightSaving', `${this.timeZoneName} moves its clocks forward over times this cron `
        + `names, so EventBridge Scheduler skips those runs: no run at ${skipped.join(', ')} (local time). The missed-run alarm `
        + 'will report them. Schedule outside the switch hour (e.g. not between 02:00 and 03:00), or use Etc/UTC.');
    }
    const timeout = props.target._functionTimeout(this);
    if (timeout && !timeout.isUnresolved() && resolved.period && timeout.toSeconds() > resolved.period.toSeconds()) {
      warn(this, 'ScheduledJob.timeoutExceedsPeriod', `the function timeout (${timeout.toHumanString()}) exceeds the shortest time `
        + `between runs (${resolved.period.toHumanString()}): ${allowOverlap ? 'runs can overlap' : 'the next occurrence is throttled '
        + 'and waits in Lambda\'s asynchronous queue (up to retryPolicy.maxEventAge), then goes to the dead-letter queue'}. `
        + 'Lower the timeout, run less often, or hand long work to a state machine.');
    }
    return resolved;
  }

  /** Sets on the L1 what the L2s cannot take as tokens (they range-check at synth). */
  private applyTokens(attempts: number, window?: Duration, maxEventAge?: Duration): void {
    const cfn = this.schedule.node.defaultChild as scheduler.CfnSchedule;
    if (Token.isUnresolved(attempts)) cfn.addPropertyOverride('Target.RetryPolicy.MaximumRetryAttempts', attempts);
    if (maxEventAge?.isUnresolved()) cfn.addPropertyOverride('Target.RetryPolicy.MaximumEventAgeInSeconds', maxEventAge.toSeconds());
    if (window?.isUnresolved()) cfn.flexibleTimeWindow = { mode: 'FLEXIBLE', maximumWindowInMinutes: window.toMinutes() };
  }

  private validateDates(props: ScheduledJobProps, oneTime: boolean, now: Date): void {
    const { startDate: start, endDate: end } = props;
    if (start && end && start.getTime() >= end.getTime()) {
      invalidProp(this, 'endDate', `must be after startDate (given startDate ${start.toISOString()}, endDate ${end.toISOString()})`,
        'move endDate after startDate, or drop one of them');
    }
    if (start && !oneTime && start.getTime() < now.getTime() - START_DATE_GRACE.toMilliseconds()) {
      invalidProp(this, 'startDate', `${start.toISOString()} is more than 5 minutes in the past, which EventBridge Scheduler rejects `
        + 'when it creates or updates the schedule', 'remove startDate once it has passed, or set a future one');
    }
    if (end && !oneTime && end.getTime() <= now.getTime()) {
      invalidProp(this, 'endDate', `${end.toISOString()} is in the past: the schedule would never run`,
        'set a future endDate, or leave it unset');
    }
  }

  private createRole(): iam.Role {
    const stack = Stack.of(this);
    const role = new iam.Role(this, 'SchedulerRole', {
      description: `EventBridge Scheduler role of ${this.node.path}: invokes this job's target only`,
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account, 'aws:SourceArn': this.scheduleGroup.scheduleGroupArn },
        },
      }),
    });
    acknowledgeGrantPolicy(role);
    return role;
  }

  private createJobAlarms(props: ScheduledJobProps, resolved: ResolvedSchedule, timeout?: Duration): cloudwatch.Alarm[] {
    const specs: { [id: string]: PatternAlarmSpec } = {
      DeadLetterQueueAlarm: queueDepthAlarm(this.deadLetterQueue,
        'occurrences in the dead-letter queue: undelivered by Scheduler, or failed after Lambda\'s retries; inspect them'),
      TargetErrorsAlarm: {
        metric: this.metricTargetErrors(),
        threshold: 1,
        description: 'EventBridge Scheduler got errors calling the target (permissions, throttling, missing target); it retries within the retry policy',
      },
      DroppedAlarm: {
        metric: this.metricDropped(),
        threshold: 1,
        description: 'EventBridge Scheduler dropped occurrences after the retry policy was exhausted',
      },
      DeadLetterDeliveryFailedAlarm: {
        metric: this.scheduleGroup.metricFailedToBeSentToDLQ(undefined, { period: Duration.minutes(5) }),
        threshold: 1,
        description: 'EventBridge Scheduler could not write failed occurrences to the dead-letter queue: they are lost',
      },
    };
    if (this.function) {
      specs.FunctionErrorsAlarm = errorsAlarm(this.function, 'job runs failed (Lambda retries them, then sends them to the dead-letter queue)');
      Object.assign(specs, recursiveLoopAlarm(this.function));
    }
    const missed = this.missedRunSpec(props, resolved, timeout);
    if (missed) specs.MissedRunAlarm = missed;
    return createAlarms(this, props, specs, { value: props.alarms, known: SCHEDULED_JOB_ALARMS, type: 'ScheduledJobAlarms' });
  }

  /** No success (function targets) or no attempt (other targets) within the longest gap + grace. */
  private missedRunSpec(props: ScheduledJobProps, resolved: ResolvedSchedule, timeout?: Duration): PatternAlarmSpec | undefined {
    if (resolved.oneTime || !resolved.longestGap) return undefined;
    const grace = [props.flexibleWindow, timeout, MISSED_RUN_MARGIN]
      .reduce<Duration>((sum, d) => (d && !d.isUnresolved() ? sum.plus(d) : sum), Duration.seconds(0));
    const window = missedRunWindow(resolved.longestGap, grace);
    if (!window) {
      warn(this, 'ScheduledJob.noMissedRunAlarm', `runs can be up to ${resolved.longestGap.toHumanString()} apart, longer than the `
        + `${Duration.seconds(AWS_LIMITS.alarmEvaluationRange.max).toHumanString()} one CloudWatch alarm can watch, so the job has no `
        + 'missed-run alarm; its dead-letter, Scheduler and error alarms remain. '
        + 'Run it at least weekly, or watch ScheduledJobSucceeded from elsewhere.');
      return undefined;
    }
    const fn = this.function !== undefined;
    return {
      metric: (fn ? this.metricSucceeded() : this.metricAttempts()).with({ period: window.period }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: window.evaluationPeriods,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      description: (w) => {
        const asComputed = !w.period.isUnresolved() && w.period.toSeconds() === window.period.toSeconds()
          && w.evaluationPeriods === window.evaluationPeriods;
        const within = asComputed ? window.window.toHumanString() : windowText(w);
        return fn
          ? `no successful run within ${within} (longest gap between runs + grace): the job missed a run or every attempt failed`
          : `EventBridge Scheduler attempted no delivery within ${within} (longest gap between runs + grace): the schedule missed a run`;
      },
    };
  }
}

/** The shorter of 1 hour and the period, at least 1 minute: a late occurrence must not land on the next one. */
function defaultEventAge(period?: Duration): Duration {
  const hour = Duration.hours(1);
  if (!period || period.toSeconds() >= hour.toSeconds()) return hour;
  return Duration.seconds(Math.max(60, period.toSeconds()));
}
