import { ProvisionedApi } from '../../provisioned-api';
import {
  httpApiRequests, lambdaRequests, logIngestion, provisionedConcurrency, provisionedDuration, figure, type CostLine,
} from '../model';
import { alarmLines, DEFAULT_LOG_BYTES, functionFacts, type EstimateContext, type Load } from './common';

/** Bytes of one access log line in the stage's JSON format (13 fields). */
const ACCESS_LOG_BYTES = 400;

/**
 * A ProvisionedApi: HTTP API requests, Lambda requests, duration at the provisioned-concurrency
 * rate (every request is assumed to find a warm environment; spillover runs at the on-demand
 * rate), the warm pool itself (the GB-seconds lib/provisioned-api computes in `idleCost`),
 * function and access logs, alarms.
 */
export function estimateProvisionedApi(api: ProvisionedApi, load: Load, ctx: EstimateContext): CostLine[] {
  const facts = functionFacts(api.function, ctx);
  const lines: CostLine[] = [];
  if (api.api) lines.push(httpApiRequests(load.perMonth, load.payloadBytes, ctx.prices));
  if (facts) {
    lines.push(lambdaRequests(load.perMonth, ctx.prices, 'requests'));
    lines.push(provisionedDuration(load.perMonth, load.seconds, facts.memoryMb, facts.arm64, ctx.prices));
  }
  const idle = api.idleCost;
  if (idle) {
    const arm64 = ctx.architecture ? ctx.architecture === 'arm64' : idle.architecture === 'arm64';
    const floor = `${idle.averageWarmEnvironments.toFixed(2)} warm environments on average x ${figure(idle.memorySize / 1024)} GB x 730 h`;
    lines.push(provisionedConcurrency(idle.gbSecondsPerMonth, arm64, ctx.prices, floor));
  }
  if (facts) lines.push(logIngestion(load.perMonth, load.logBytes ?? DEFAULT_LOG_BYTES, ctx.prices, 'function logs'));
  if (api.accessLogGroup) lines.push(logIngestion(load.perMonth, ACCESS_LOG_BYTES, ctx.prices, 'access logs'));
  lines.push(...alarmLines(api.alarms, ctx));
  return lines;
}
