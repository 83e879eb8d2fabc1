import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { IConstruct } from 'constructs';

/** Dashboard grid: 24 columns; every graph of a row is this wide and high. */
export const GRAPH_WIDTH = 6;
export const GRAPH_HEIGHT = 5;

/** A one-line title naming the construct, so on-call finds it by path. */
export function header(kind: string, construct: IConstruct, detail?: string): cloudwatch.IWidget {
  return new cloudwatch.TextWidget({
    markdown: `### ${kind} ${construct.node.path}${detail ? ` (${detail})` : ''}`,
    width: 24,
    height: 1,
  });
}

/** A graph of a few metrics with short labels; `right` goes on the right axis. */
export function graph(title: string, left: Array<[string, cloudwatch.IMetric]>, right: Array<[string, cloudwatch.IMetric]> = [],
  width = GRAPH_WIDTH): cloudwatch.IWidget {
  const labelled = (metrics: Array<[string, cloudwatch.IMetric]>) => metrics.map(([label, metric]) => withLabel(metric, label));
  return new cloudwatch.GraphWidget({
    title,
    left: labelled(left),
    right: right.length > 0 ? labelled(right) : undefined,
    width,
    height: GRAPH_HEIGHT,
  });
}

function withLabel(metric: cloudwatch.IMetric, label: string): cloudwatch.IMetric {
  if (metric instanceof cloudwatch.Metric) return metric.with({ label });
  if (metric instanceof cloudwatch.MathExpression) return metric.with({ label });
  return metric;
}

/** The state of every alarm of a construct in one compact widget (nothing without alarms). */
export function alarmStatus(alarms: cloudwatch.IAlarm[], width = GRAPH_WIDTH): cloudwatch.IWidget[] {
  if (alarms.length === 0) return [];
  return [new cloudwatch.AlarmStatusWidget({
    title: 'Alarms',
    alarms,
    width,
    // One line per alarm, at least a graph's height so the row stays even.
    height: Math.max(GRAPH_HEIGHT, alarms.length + 1),
  })];
}
