import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import type { Cron } from '../scheduled-job/cron';
import { synthNote } from '../core/notes';
import { areResolved } from '../core/validation';
import type { ProvisionedApiProps, ProvisionedConcurrencyCostEstimate } from './props';
import { AWS_LIMITS } from '../rules/limits';

/** us-east-1 provisioned concurrency prices, USD per GB-second (https://aws.amazon.com/lambda/pricing/). */
const US_EAST_1_PC_PRICE = { arm64: 0.0000033334, x86: 0.0000041667 };
/** An average month: 8760 hours / 12. */
const HOURS_PER_MONTH = 730;

/** The business-hours schedule, parsed and with its defaults applied. */
export interface ResolvedSchedule {
  readonly scaleUp: Cron;
  readonly scaleDown: Cron;
  readonly peakMin: number;
  readonly offPeakMin: number;
}

/**
 * The synth-time estimate of what idle provisioned concurrency costs per month, also noted as an
 * info annotation on `scope`; undefined when memory or capacities are tokens.
 */
export function estimateIdleCost(scope: IConstruct, props: ProvisionedApiProps, fn: lambda.Function, minCapacity: number,
  schedule: ResolvedSchedule | undefined): ProvisionedConcurrencyCostEstimate | undefined {
  const cfn = fn.node.defaultChild as lambda.CfnFunction;
  const memorySize = cfn.memorySize ?? AWS_LIMITS.lambdaMemory.default;
  const capacities = schedule ? [schedule.peakMin, schedule.offPeakMin, minCapacity] : [minCapacity];
  if (!areResolved(memorySize, ...capacities)) return undefined;

  const peakShare = schedule ? peakShareOfYear(schedule.scaleUp, schedule.scaleDown) : undefined;
  const peakHoursPerMonth = schedule && peakShare !== undefined ? peakShare * HOURS_PER_MONTH : 0;
  const averageWarmEnvironments = schedule && peakShare !== undefined
    ? (schedule.peakMin * peakHoursPerMonth + schedule.offPeakMin * (HOURS_PER_MONTH - peakHoursPerMonth)) / HOURS_PER_MONTH
    : minCapacity;
  const gbSecondsPerMonth = averageWarmEnvironments * (memorySize / 1024) * HOURS_PER_MONTH * 3600;
  const arm64Price = props.provisionedConcurrencyPrice?.arm64PerGbSecond ?? US_EAST_1_PC_PRICE.arm64;
  const x86Price = props.provisionedConcurrencyPrice?.x86PerGbSecond ?? US_EAST_1_PC_PRICE.x86;
  const architecture = fn.architecture.name;
  const pricePerGbSecond = architecture === lambda.Architecture.ARM_64.name ? arm64Price : x86Price;
  const estimate: ProvisionedConcurrencyCostEstimate = {
    architecture,
    memorySize,
    peakHoursPerMonth,
    averageWarmEnvironments,
    gbSecondsPerMonth,
    pricePerGbSecond,
    monthlyCost: gbSecondsPerMonth * pricePerGbSecond,
    monthlyCostArm64: gbSecondsPerMonth * arm64Price,
    monthlyCostX86: gbSecondsPerMonth * x86Price,
  };
  const floor = schedule && peakShare !== undefined
    ? `${schedule.peakMin} warm for ${peakHoursPerMonth.toFixed(1)} h and ${schedule.offPeakMin} for ${(HOURS_PER_MONTH - peakHoursPerMonth).toFixed(1)} h per month`
    : `${minCapacity} warm around the clock (730 h per month)`;
  synthNote(scope, 'ProvisionedApi.idleProvisionedConcurrencyCost',
    `idle provisioned concurrency costs about $${estimate.monthlyCost.toFixed(2)} per month on ${architecture} `
    + `(arm64 $${estimate.monthlyCostArm64.toFixed(2)}, x86_64 $${estimate.monthlyCostX86.toFixed(2)}): `
    + `${floor} x ${memorySize} MB = ${Math.round(gbSecondsPerMonth).toLocaleString('en-US')} GB-seconds x $${pricePerGbSecond} per GB-second, `
    + 'before requests and duration'
    // The price hint only while the us-east-1 defaults are in use.
    + (props.provisionedConcurrencyPrice ? '' : '; set provisionedConcurrencyPrice for regions other than us-east-1'));
  return estimate;
}

/**
 * Share of a year (2027, wall-clock minutes of the schedule's time zone, DST ignored) during which
 * the floor is at the peak level: between a scaleUp firing and the next scaleDown firing. The
 * year is treated as periodic, so the state at 1 January is the one the last firing left.
 * Undefined when neither expression fires in that year (the floor then stays at minCapacity).
 */
export function peakShareOfYear(scaleUp: Cron, scaleDown: Cron): number | undefined {
  const year = 2027;
  const events: Array<[number, boolean]> = [];
  for (let day = 0; day < 365; day++) {
    const date = new Date(Date.UTC(year, 0, 1 + day));
    for (const [cron, up] of [[scaleDown, false], [scaleUp, true]] as Array<[Cron, boolean]>) {
      if (!cron.years.has(year) || !cron.months.has(date.getUTCMonth() + 1) || !cron.matchesDay(date)) continue;
      for (const hour of cron.hours) {
        for (const minute of cron.minutes) events.push([day * 1440 + hour * 60 + minute, up]);
      }
    }
  }
  if (events.length === 0) return undefined;
  events.sort((a, b) => a[0] - b[0]);
  const yearMinutes = 365 * 1440;
  let state = events[events.length - 1][1];
  let since = 0;
  let peak = 0;
  for (const [at, up] of events) {
    if (state) peak += at - since;
    state = up;
    since = at;
  }
  if (state) peak += yearMinutes - since;
  return peak / yearMinutes;
}
