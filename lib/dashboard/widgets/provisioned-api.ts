import { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { ProvisionedApi } from '../../provisioned-api';
import { alarmStatus, graph, header } from './common';

const FIVE_MINUTES = Duration.minutes(5);

/**
 * A ProvisionedApi: latency p50/p99 and 4xx/5xx of the HTTP API (or of the function URL),
 * provisioned concurrency utilization and spillover invocations (cold starts), alarms.
 */
export function renderProvisionedApi(api: ProvisionedApi): cloudwatch.IWidget[][] {
  const http = api.api;
  const latency = (statistic: string) => http
    ? http.metricLatency({ statistic, period: FIVE_MINUTES })
    : api.alias.metric('UrlRequestLatency', { statistic, period: FIVE_MINUTES });
  const errors = (kind: '4xx' | '5xx') => http
    ? (kind === '4xx' ? http.metricClientError({ period: FIVE_MINUTES }) : http.metricServerError({ period: FIVE_MINUTES }))
    : api.alias.metric(`Url${kind}Count`, { statistic: 'Sum', period: FIVE_MINUTES });
  return [[header('ProvisionedApi', api, http ? 'HTTP API' : 'function URL')], [
    graph('Latency (ms)', [['p50', latency('p50')], ['p99', latency('p99')]]),
    graph('4xx / 5xx', [['4xx', errors('4xx')], ['5xx', errors('5xx')]]),
    graph('Provisioned utilization / spillover', [['utilization', api.metricProvisionedConcurrencyUtilization()]],
      [['spillover', api.metricSpilloverInvocations()]]),
    ...alarmStatus(api.alarms),
  ]];
}
