import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Duration } from 'aws-cdk-lib';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

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

export interface PatternAlarmSpec {
  readonly metric: cloudwatch.IMetric;
  readonly threshold: number;
  readonly description: string;
  /** @default GREATER_THAN_OR_EQUAL_TO_THRESHOLD */
  readonly comparisonOperator?: cloudwatch.ComparisonOperator;
  /** @default 1 */
  readonly evaluationPeriods?: number;
  /** @default NOT_BREACHING (an idle queue is healthy) */
  readonly treatMissingData?: cloudwatch.TreatMissingData;
}

/**
 * Creates the alarms of a construct in one place: missing data is "not breaching" (an idle
 * queue is healthy) and every alarm notifies the optional topic.
 * Returns no alarms when they are disabled.
 */
export function createAlarms(scope: Construct, props: PatternAlarmProps,
  specs: { [id: string]: PatternAlarmSpec }): cloudwatch.Alarm[] {
  if (props.alarmsEnabled === false) return [];
  return Object.entries(specs).map(([id, spec]) => {
    const alarm = new cloudwatch.Alarm(scope, id, {
      metric: spec.metric,
      threshold: spec.threshold,
      evaluationPeriods: spec.evaluationPeriods ?? 1,
      comparisonOperator: spec.comparisonOperator ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: spec.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `${scope.node.path}: ${spec.description}`,
    });
    if (props.alarmTopic) {
      const action = new actions.SnsAction(props.alarmTopic);
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
    return alarm;
  });
}

/**
 * Events Lambda dropped because it found `fn` in a recursive loop (`RecursiveInvocationsDropped`,
 * AWS/Lambda, sum over 5 minutes). With recursive loop detection on Terminate (the library's
 * default) a dropped event is otherwise silent: it is lost unless a dead-letter queue caught it.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
 */
export function metricRecursiveInvocationsDropped(fn: lambda.IFunction): cloudwatch.IMetric {
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
