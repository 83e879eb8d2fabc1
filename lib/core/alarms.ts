import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
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
