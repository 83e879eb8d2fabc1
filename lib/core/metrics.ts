import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * A metric of an event source mapping (AWS/Lambda, dimension EventSourceMappingUUID, sum over 5
 * minutes); the EventCount ones are published once the mapping's `MetricsConfig` has `EventCount`.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html#event-source-mapping-metrics
 */
export function eventSourceMappingMetric(mapping: lambda.IEventSourceMapping, metricName: string,
  props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/Lambda',
    metricName,
    dimensionsMap: { EventSourceMappingUUID: mapping.eventSourceMappingId },
    statistic: cloudwatch.Stats.SUM,
    period: Duration.minutes(5),
    ...props,
  });
}

/**
 * A count the library's own runtime or state machine puts (e.g. `CompensationFailed`): sum over
 * 1 minute in `namespace`, with the owner's dimension.
 */
export function customCountMetric(namespace: string, metricName: string, dimensionsMap: { [name: string]: string },
  props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace, metricName, dimensionsMap, statistic: cloudwatch.Stats.SUM, period: Duration.minutes(1), ...props,
  });
}
