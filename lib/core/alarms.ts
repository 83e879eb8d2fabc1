import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Duration, Token } from 'aws-cdk-lib';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { rejectUnknownProps, type KnownProps } from './known-props';
import { invalidProp, warn } from './validation';

/** Alarm settings shared by every construct. */
export interface PatternAlarmProps {
  /**
   * Create the construct's alarms (dead-letter depth, errors, throttles, ...).
   * @default true
   */
  readonly alarmsEnabled?: boolean;
  /**
   * SNS topic that every alarm of the construct notifies (alarm and OK state).
   * @default - alarms are created without actions
   */
  readonly alarmTopic?: sns.ITopic;
}

/**
 * Settings of one alarm a construct creates. Every field is optional: what you leave out keeps
 * the construct's default, listed on the construct's `alarms` prop and in docs/alarms.md.
 * Tokens are accepted (they are not checked at synth).
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
 */
export interface PatternAlarmOptions {
  /**
   * Create this alarm. `false` turns this one alarm off; the construct's other alarms stay.
   * (`alarmsEnabled: false` turns them all off, whatever this says.)
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * The value the metric is compared with, in the metric's unit (a count, milliseconds, seconds,
   * a percentage or a fraction: see the alarm's default). Must be above 0 for alarms that compare
   * "greater than or equal" or "less than" (0 would alarm on every datapoint or never).
   * @default - the alarm's default threshold
   */
  readonly threshold?: number;
  /**
   * Number of the most recent periods the alarm evaluates (1 or more). `period` x
   * `evaluationPeriods` may be at most 1 day (7 days for periods of 1 hour or more).
   * @default - the alarm's default (1 for most)
   */
  readonly evaluationPeriods?: number;
  /**
   * How many of the `evaluationPeriods` datapoints must breach to alarm ("M out of N").
   * Between 1 and `evaluationPeriods`.
   * @default - every evaluated period (`evaluationPeriods`)
   */
  readonly datapointsToAlarm?: number;
  /**
   * Length of one evaluated period: a whole number of minutes (the library's metrics have
   * 1-minute resolution). A token is given as `Duration.seconds(token)`.
   * @default - the alarm's default (1 or 5 minutes for most)
   */
  readonly period?: Duration;
}

/** The window an alarm evaluates, after the user's settings: lets a description name it. */
export interface AlarmWindow {
  readonly threshold: number;
  readonly evaluationPeriods: number;
  readonly period: Duration;
}

/** One alarm of a construct, with its defaults. The user's PatternAlarmOptions override them. */
export interface PatternAlarmSpec {
  /** Its period is the alarm's default period. */
  readonly metric: cloudwatch.Metric | cloudwatch.MathExpression;
  readonly threshold: number;
  /** Prefixed with the construct path; a function when the text names the threshold or window. */
  readonly description: string | ((window: AlarmWindow) => string);
  /** @default GREATER_THAN_OR_EQUAL_TO_THRESHOLD */
  readonly comparisonOperator?: cloudwatch.ComparisonOperator;
  /** @default 1 */
  readonly evaluationPeriods?: number;
  /** @default NOT_BREACHING (an idle queue is healthy) */
  readonly treatMissingData?: cloudwatch.TreatMissingData;
  /** The highest threshold that can alarm: 100 for a percentage, 1 for a fraction. @default - none */
  readonly maxThreshold?: number;
}

/** How a construct's `alarms` prop is checked and named in errors. */
export interface AlarmOptionsProp<T> {
  /** The user's value of the construct's `alarms` prop (an object keyed by alarm). */
  readonly value: T | undefined;
  /** Its struct's keys, for rejecting a misspelled alarm. */
  readonly known: KnownProps<T>;
  /** The struct's name, e.g. `SqsWorkerAlarms`. */
  readonly type: string;
  /** The prop as errors name it. @default 'alarms' */
  readonly prop?: string;
}

/**
 * CloudWatch's limits on an alarm's window: a period of 10, 20, 30 seconds or a multiple of 60 (the
 * library only offers whole minutes: its metrics have 1-minute resolution), and period x evaluation
 * periods at most 1 day, or 7 days for periods of 1 hour or more.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
 */
export const ALARM_WINDOW_LIMITS = {
  shortPeriodMaxWindow: Duration.days(1),
  longPeriodMaxWindow: Duration.days(7),
  longPeriod: Duration.hours(1),
} as const;

/**
 * The key of an alarm in a construct's `alarms` prop: its construct id without the `Alarm`
 * suffix, first letter lower case (`ErrorsAlarm` is `errors`).
 */
export function alarmOptionKey(id: string): string {
  const name = id.endsWith('Alarm') ? id.slice(0, -'Alarm'.length) : id;
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/**
 * Creates the alarms of a construct in one place: missing data is "not breaching" (an idle
 * queue is healthy) and every alarm notifies the optional topic. `options` (the construct's
 * `alarms` prop) sets each alarm's threshold, periods and datapoints, or turns it off; they are
 * checked first. Returns no alarms when they are disabled.
 */
export function createAlarms<T>(scope: Construct, props: PatternAlarmProps,
  specs: { [id: string]: PatternAlarmSpec }, options?: AlarmOptionsProp<T>): cloudwatch.Alarm[] {
  const prop = options?.prop ?? 'alarms';
  if (options) rejectUnknownProps(scope, options.type, options.value, options.known, { prefix: `${prop}.` });
  if (props.alarmsEnabled === false) return [];
  const given = (options?.value ?? {}) as { readonly [key: string]: PatternAlarmOptions | undefined };
  warnUnusedOptions(scope, prop, given, Object.keys(specs).map(alarmOptionKey));
  const alarms: cloudwatch.Alarm[] = [];
  for (const [id, spec] of Object.entries(specs)) {
    const key = alarmOptionKey(id);
    const alarm = createAlarm(scope, id, spec, given[key] ?? {}, `${prop}.${key}`);
    if (!alarm) continue;
    if (props.alarmTopic) {
      const action = new actions.SnsAction(props.alarmTopic);
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
    alarms.push(alarm);
  }
  return alarms;
}

/** One alarm from its spec and the user's options; undefined when the user turned it off. */
function createAlarm(scope: Construct, id: string, spec: PatternAlarmSpec, options: PatternAlarmOptions,
  prop: string): cloudwatch.Alarm | undefined {
  if (options.enabled === false) return undefined;
  validateAlarmOptions(scope, prop, spec, options);
  const window: AlarmWindow = {
    threshold: options.threshold ?? spec.threshold,
    evaluationPeriods: options.evaluationPeriods ?? spec.evaluationPeriods ?? 1,
    period: options.period ?? spec.metric.period,
  };
  const description = typeof spec.description === 'string' ? spec.description : spec.description(window);
  // aws-cdk-lib's Metric rejects a token period: the alarm is made with the default one, then given the token.
  const tokenPeriod = options.period?.isUnresolved() ? options.period : undefined;
  const alarm = new cloudwatch.Alarm(scope, id, {
    metric: options.period && !tokenPeriod ? spec.metric.with({ period: options.period }) : spec.metric,
    threshold: window.threshold,
    evaluationPeriods: window.evaluationPeriods,
    ...(options.datapointsToAlarm === undefined ? {} : { datapointsToAlarm: options.datapointsToAlarm }),
    comparisonOperator: spec.comparisonOperator ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: spec.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: `${scope.node.path}: ${description}`,
  });
  if (tokenPeriod) setTokenPeriod(alarm, tokenPeriod);
  return alarm;
}

/** Sets a token period on the alarm's L1: on the alarm itself, or on each metric of its math expression. */
function setTokenPeriod(alarm: cloudwatch.Alarm, period: Duration): void {
  const cfn = alarm.node.defaultChild as cloudwatch.CfnAlarm;
  const seconds = period.toSeconds();
  if (cfn.period !== undefined) {
    cfn.period = seconds;
    return;
  }
  cfn.metrics = (cfn.metrics as cloudwatch.CfnAlarm.MetricDataQueryProperty[]).map((query) => (query.metricStat
    ? { ...query, metricStat: { ...query.metricStat as cloudwatch.CfnAlarm.MetricStatProperty, period: seconds } } : query));
}

/** Options for an alarm the construct does not create here (e.g. a failure-queue alarm without the queue). */
function warnUnusedOptions(scope: Construct, prop: string, given: { readonly [key: string]: PatternAlarmOptions | undefined },
  created: string[]): void {
  const unused = Object.entries(given)
    .filter(([key, value]) => value !== undefined && value.enabled !== false && !created.includes(key))
    .map(([key]) => `${prop}.${key}`);
  if (unused.length === 0) return;
  warn(scope, 'Alarms.optionsUnused', `${unused.join(', ')} ${unused.length > 1 ? 'are' : 'is'} set, but this construct creates no `
    + `such alarm with its other props (its alarms: ${created.join(', ')}); the setting has no effect. Remove it`);
}

/** Threshold, periods and datapoints against CloudWatch's rules; tokens are skipped. */
function validateAlarmOptions(scope: Construct, prop: string, spec: PatternAlarmSpec, options: PatternAlarmOptions): void {
  const { threshold, datapointsToAlarm, period } = options;
  const evaluationPeriods = options.evaluationPeriods ?? spec.evaluationPeriods ?? 1;
  const off = `or ${prop}.enabled: false to turn the alarm off`;
  if (threshold !== undefined && !Token.isUnresolved(threshold)) {
    const operator = spec.comparisonOperator ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD;
    const strict = operator === cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD;
    if (!Number.isFinite(threshold) || (strict ? threshold < 0 : threshold <= 0)) {
      invalidProp(scope, `${prop}.threshold`, `must be ${strict ? '0 or more' : 'greater than 0'} (given ${threshold}): `
        + `the alarm compares "${operator}" and ${strict ? 'a negative threshold' : '0'} would ${operator.startsWith('Less') ? 'never alarm' : 'alarm on every datapoint'}`,
      `set ${prop}.threshold to the level that needs attention (default ${spec.threshold}), ${off}`);
    }
    if (spec.maxThreshold !== undefined && threshold > spec.maxThreshold) {
      invalidProp(scope, `${prop}.threshold`, `must be at most ${spec.maxThreshold} (given ${threshold}): the metric never goes higher`,
        `set ${prop}.threshold between 0 and ${spec.maxThreshold} (default ${spec.threshold}), ${off}`);
    }
  }
  const evaluationResolved = !Token.isUnresolved(evaluationPeriods);
  if (evaluationResolved && (!Number.isInteger(evaluationPeriods) || evaluationPeriods < 1)) {
    invalidProp(scope, `${prop}.evaluationPeriods`, `must be a whole number of 1 or more (given ${evaluationPeriods})`,
      `set ${prop}.evaluationPeriods to 1 or more`);
  }
  if (datapointsToAlarm !== undefined && !Token.isUnresolved(datapointsToAlarm)
    && (!Number.isInteger(datapointsToAlarm) || datapointsToAlarm < 1 || (evaluationResolved && datapointsToAlarm > evaluationPeriods))) {
    invalidProp(scope, `${prop}.datapointsToAlarm`, `must be a whole number between 1 and evaluationPeriods (${evaluationPeriods}) `
      + `(given ${datapointsToAlarm})`, `lower ${prop}.datapointsToAlarm, or raise ${prop}.evaluationPeriods`);
  }
  const effectivePeriod = period ?? spec.metric.period;
  if (effectivePeriod.isUnresolved()) return;
  const seconds = effectivePeriod.toSeconds({ integral: false });
  if (period && (seconds < 60 || seconds % 60 !== 0)) {
    invalidProp(scope, `${prop}.period`, `must be a whole number of minutes, at least 1 minute (given ${period.toHumanString()}): `
      + 'the metric has 1-minute resolution, and a shorter period leaves the alarm without data',
    `set ${prop}.period to Duration.minutes(n)`);
  }
  if (!evaluationResolved) return;
  const long = seconds >= ALARM_WINDOW_LIMITS.longPeriod.toSeconds();
  const max = long ? ALARM_WINDOW_LIMITS.longPeriodMaxWindow : ALARM_WINDOW_LIMITS.shortPeriodMaxWindow;
  if (seconds * evaluationPeriods > max.toSeconds()) {
    invalidProp(scope, prop, `evaluates ${evaluationPeriods} periods of ${effectivePeriod.toHumanString()}, longer than the `
      + `${max.toHumanString()} CloudWatch allows for ${long ? 'periods of 1 hour or more' : 'periods under 1 hour'}`,
    `lower ${prop}.evaluationPeriods or ${prop}.period so that period x evaluationPeriods is at most ${max.toHumanString()}`);
  }
}

/** The whole window an alarm evaluates (`period` x `evaluationPeriods`) in words, for descriptions. */
export function windowText(window: AlarmWindow): string {
  if (window.period.isUnresolved() || Token.isUnresolved(window.evaluationPeriods)) return 'the evaluation window';
  return Duration.seconds(window.period.toSeconds() * window.evaluationPeriods).toHumanString();
}

/** A threshold in milliseconds in words ("1 second"), for descriptions. */
export function humanMillis(millis: number): string {
  return Token.isUnresolved(millis) ? 'the threshold' : Duration.millis(millis).toHumanString();
}

/**
 * Fails when a construct's older threshold prop (e.g. `latencyThreshold`) and the alarm's
 * `threshold` are both set: they set the same thing.
 */
export function rejectBothThresholds(scope: Construct, oldProp: string, oldValue: unknown, options: PatternAlarmOptions | undefined,
  prop: string): void {
  if (oldValue === undefined || options?.threshold === undefined) return;
  invalidProp(scope, `${prop}.threshold`, `cannot be set together with ${oldProp}: both set the same alarm's threshold`,
    `remove ${oldProp} or ${prop}.threshold`);
}

/** Errors of a function, sum over 5 minutes: one failed invocation alarms. */
export function errorsAlarm(fn: lambda.IFunction, description: string): PatternAlarmSpec {
  return { metric: fn.metricErrors({ period: Duration.minutes(5) }), threshold: 1, description };
}

/** Throttles of a function, sum over 5 minutes: one throttled invocation alarms. */
export function throttlesAlarm(fn: lambda.IFunction, description: string): PatternAlarmSpec {
  return { metric: fn.metricThrottles({ period: Duration.minutes(5) }), threshold: 1, description };
}

/** Messages visible in a queue (maximum over 1 minute). */
export function metricQueueDepth(queue: sqs.IQueue, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return queue.metricApproximateNumberOfMessagesVisible({ statistic: cloudwatch.Stats.MAXIMUM, period: Duration.minutes(1), ...props });
}

/** A dead-letter (or failure) queue's depth: one message waiting alarms. */
export function queueDepthAlarm(queue: sqs.IQueue, description: string): PatternAlarmSpec {
  return { metric: metricQueueDepth(queue), threshold: 1, description };
}

/**
 * Events Lambda dropped because it found `fn` in a recursive loop (`RecursiveInvocationsDropped`,
 * AWS/Lambda, sum over 5 minutes). With recursive loop detection on Terminate (the library's
 * default) a dropped event is otherwise silent: it is lost unless a dead-letter queue caught it.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
 */
export function metricRecursiveInvocationsDropped(fn: lambda.IFunction): cloudwatch.Metric {
  return fn.metric('RecursiveInvocationsDropped', { statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) });
}

/** The alarm spec every library function gets: one dropped recursive invocation is one lost event. */
export function recursiveLoopAlarm(fn: lambda.IFunction, id = 'RecursiveInvocationsDroppedAlarm',
  which = 'the function'): { [id: string]: PatternAlarmSpec } {
  return {
    [id]: {
      metric: metricRecursiveInvocationsDropped(fn),
      threshold: 1,
      description: `Lambda found ${which} in a recursive loop and dropped an event (recursiveLoop TERMINATE): find what `
        + 'sends the event back to its own source, or set recursiveLoop ALLOW for a loop built on purpose',
    },
  };
}
