import type { Duration } from 'aws-cdk-lib';
import { Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { CRON_FIX, parseCron } from '../scheduled-job/cron';
import { areResolved, invalidProp, requireTokenUnit, validateIntegerRange } from '../core/validation';
import { apiTimeoutRule, RequestFront } from '../rules/lambda';
import { provisionedAboveReservedRule } from '../rules/provisioned';
import { enforce } from '../rules/rule';
import { validateCors } from './cors';
import type { ResolvedSchedule } from './idle-cost';
import { ProvisionedApiEndpoint, ProvisionedApiProps, ProvisionedApiSchedule } from './props';
import { AWS_LIMITS } from '../rules/limits';

/** Lambda keeps at least this much of the account limit unreserved. */
const UNRESERVED_BUFFER = AWS_LIMITS.unreservedConcurrency.min;

/** The concurrency a ProvisionedApi plans, defaults applied (reserved undefined for a function of your own). */
export interface CapacityPlan {
  readonly provisioned: number;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly reserved?: number;
}

const known = (n: number | undefined): number | undefined => (areResolved(n) ? n : undefined);

/** Validates a ProvisionedApi's props, once, before anything is created. */
export function validateProvisionedApi(scope: IConstruct, props: ProvisionedApiProps, endpoint: ProvisionedApiEndpoint,
  capacity: CapacityPlan): void {
  const { provisioned, minCapacity, maxCapacity } = capacity;
  const { lambdaProvisionedConcurrency: pc, lambdaReservedConcurrency: reserved, lambdaMemory: memory } = AWS_LIMITS;
  validateIntegerRange(scope, 'provisionedConcurrency', provisioned, pc.min, pc.max,
    'set provisionedConcurrency to 1 or more; use SqsWorker or AsyncFunction for work that tolerates cold starts');
  validateIntegerRange(scope, 'autoScaling.minCapacity', minCapacity, 0, pc.max);
  validateIntegerRange(scope, 'autoScaling.maxCapacity', maxCapacity, pc.min, pc.max);
  validateIntegerRange(scope, 'reservedConcurrency', props.reservedConcurrency, reserved.min, reserved.max);
  validateIntegerRange(scope, 'accountConcurrencyLimit', props.accountConcurrencyLimit, UNRESERVED_BUFFER + 1, 10000000);
  validateIntegerRange(scope, 'memorySize', props.memorySize, memory.min, memory.max);
  const latency = props.latencyThreshold;
  requireTokenUnit(scope, 'latencyThreshold', latency, 'millis', 'the latency alarm\'s threshold');
  if (latency && !latency.isUnresolved()) {
    const ms = latency.toMilliseconds({ integral: false });
    // The latency an HTTP API can see at most: its integration timeout.
    if (ms < 1 || ms > AWS_LIMITS.httpApiIntegrationTimeout.max * 1000) {
      invalidProp(scope, 'latencyThreshold', `must be between 1 millisecond and 30 seconds (given ${latency.toHumanString()})`,
        'set latencyThreshold to the p99 your users accept, e.g. Duration.millis(500)');
    }
  }
  const target = props.utilizationTarget;
  if (target !== undefined && !Token.isUnresolved(target) && (target < 0.1 || target > 0.9)) {
    invalidProp(scope, 'utilizationTarget', `must be between 0.1 and 0.9 (given ${target})`,
      'set utilizationTarget to about 0.7: high enough to use the warm pool, low enough to scale before it runs out');
  }
  const rate = props.serverErrorRateThreshold;
  if (rate !== undefined && !Token.isUnresolved(rate) && (rate <= 0 || rate > 100)) {
    invalidProp(scope, 'serverErrorRateThreshold', `must be a percentage above 0 and at most 100 (given ${rate})`,
      'set serverErrorRateThreshold to e.g. 1 (percent of requests answered 5xx)');
  }

  validateCapacities(scope, props, capacity);
  validateEndpoint(scope, props, endpoint);
}

function validateCapacities(scope: IConstruct, props: ProvisionedApiProps, capacity: CapacityPlan): void {
  const { provisioned, minCapacity, maxCapacity, reserved } = capacity;
  if (areResolved(provisioned, maxCapacity) && provisioned > maxCapacity) {
    invalidProp(scope, 'provisionedConcurrency',
      `must not exceed autoScaling.maxCapacity (given provisionedConcurrency ${provisioned} > maxCapacity ${maxCapacity}); `
      + 'autoscaling would scale the pool back down right after deploy',
      `lower provisionedConcurrency to ${maxCapacity} or raise autoScaling.maxCapacity to ${provisioned}`);
  }
  if (areResolved(minCapacity, maxCapacity) && minCapacity > maxCapacity) {
    invalidProp(scope, 'autoScaling.minCapacity',
      `must not exceed autoScaling.maxCapacity (given minCapacity ${minCapacity} > maxCapacity ${maxCapacity})`,
      `lower minCapacity to ${maxCapacity} or raise maxCapacity to ${minCapacity}`);
  }
  if (areResolved(provisioned, minCapacity) && provisioned < minCapacity) {
    invalidProp(scope, 'provisionedConcurrency',
      `must be at least autoScaling.minCapacity (given provisionedConcurrency ${provisioned} < minCapacity ${minCapacity})`,
      `raise provisionedConcurrency to ${minCapacity} or lower autoScaling.minCapacity to ${provisioned}`);
  }
  enforce(scope, 'provisionedConcurrency', provisionedAboveReservedRule.check({
    provisioned: known(provisioned),
    reserved: known(reserved),
  }));
  if (areResolved(maxCapacity, reserved) && maxCapacity > reserved!) {
    invalidProp(scope, 'autoScaling.maxCapacity',
      `must not exceed reservedConcurrency (given maxCapacity ${maxCapacity} > reservedConcurrency ${reserved}); `
      + 'autoscaling could never reach it',
      `lower autoScaling.maxCapacity to ${reserved} or raise reservedConcurrency to ${maxCapacity}`);
  }
  const limit = props.accountConcurrencyLimit ?? AWS_LIMITS.accountConcurrency.default;
  if (areResolved(reserved, limit) && reserved! > limit - UNRESERVED_BUFFER) {
    invalidProp(scope, 'reservedConcurrency',
      `would leave ${limit - reserved!} of the account concurrency limit ${limit} unreserved (given reservedConcurrency ${reserved}); `
      + `Lambda keeps at least ${UNRESERVED_BUFFER} unreserved for every other function`,
      `lower reservedConcurrency to ${limit - UNRESERVED_BUFFER} or less, or set accountConcurrencyLimit to your raised quota`);
  }
}

function validateEndpoint(scope: IConstruct, props: ProvisionedApiProps, endpoint: ProvisionedApiEndpoint): void {
  validateApiTimeout(scope, endpoint, props.timeout, 'timeout');
  if (endpoint === ProvisionedApiEndpoint.HTTP_API && props.functionUrlAuthType !== undefined) {
    invalidProp(scope, 'functionUrlAuthType', 'only applies to endpoint: FUNCTION_URL (given with endpoint HTTP_API)',
      'remove functionUrlAuthType, or set endpoint: ProvisionedApiEndpoint.FUNCTION_URL');
  }
  if (endpoint === ProvisionedApiEndpoint.FUNCTION_URL && props.authorizer !== undefined) {
    invalidProp(scope, 'authorizer', 'only applies to endpoint: HTTP_API (given with endpoint FUNCTION_URL)',
      'remove authorizer and use functionUrlAuthType AWS_IAM, or set endpoint: ProvisionedApiEndpoint.HTTP_API');
  }
  if (endpoint === ProvisionedApiEndpoint.FUNCTION_URL && props.throttling !== undefined) {
    invalidProp(scope, 'throttling', 'function URLs have no stage throttling (given with endpoint FUNCTION_URL)',
      'remove throttling (reservedConcurrency caps a function URL), or use endpoint: ProvisionedApiEndpoint.HTTP_API');
  }
  const throttling = props.throttling;
  if (throttling?.rateLimit !== undefined && !Token.isUnresolved(throttling.rateLimit) && !(throttling.rateLimit > 0)) {
    invalidProp(scope, 'throttling.rateLimit', `must be above 0 requests per second (given ${throttling.rateLimit})`,
      'set throttling.rateLimit to the steady request rate the API should accept, e.g. 100');
  }
  validateIntegerRange(scope, 'throttling.burstLimit', throttling?.burstLimit, 1, AWS_LIMITS.apiGatewayBurst.max);
  if (props.cors) validateCors(scope, props.cors);
}

/** Parses and checks the business-hours schedule. */
export function validateSchedule(scope: IConstruct, schedule: ProvisionedApiSchedule, minCapacity: number, maxCapacity: number): ResolvedSchedule {
  const scaleUp = parseCron(schedule.scaleUp);
  if (typeof scaleUp === 'string') {
    invalidProp(scope, 'schedule.scaleUp', `is not a valid cron expression: ${scaleUp} (given '${schedule.scaleUp}')`, CRON_FIX);
  }
  const scaleDown = parseCron(schedule.scaleDown);
  if (typeof scaleDown === 'string') {
    invalidProp(scope, 'schedule.scaleDown', `is not a valid cron expression: ${scaleDown} (given '${schedule.scaleDown}')`, CRON_FIX);
  }
  const peakMin = schedule.peakMin ?? minCapacity;
  const offPeakMin = schedule.offPeakMin ?? 0;
  validateIntegerRange(scope, 'schedule.peakMin', peakMin, 0, AWS_LIMITS.lambdaProvisionedConcurrency.max);
  validateIntegerRange(scope, 'schedule.offPeakMin', offPeakMin, 0, AWS_LIMITS.lambdaProvisionedConcurrency.max);
  if (areResolved(peakMin, maxCapacity) && peakMin > maxCapacity) {
    invalidProp(scope, 'schedule.peakMin', `must not exceed autoScaling.maxCapacity (given peakMin ${peakMin} > maxCapacity ${maxCapacity})`,
      `lower schedule.peakMin to ${maxCapacity} or raise autoScaling.maxCapacity to ${peakMin}`);
  }
  if (areResolved(peakMin, offPeakMin) && offPeakMin > peakMin) {
    invalidProp(scope, 'schedule.offPeakMin', `must not exceed schedule.peakMin (given offPeakMin ${offPeakMin} > peakMin ${peakMin})`,
      `lower schedule.offPeakMin to ${peakMin} or less`);
  }
  return { scaleUp, scaleDown, peakMin, offPeakMin };
}

/**
 * The API timeout rule for the function behind the endpoint: at most 29 s behind the HTTP API,
 * below 15 minutes behind a function URL.
 */
export function validateApiTimeout(scope: IConstruct, endpoint: ProvisionedApiEndpoint, timeout: Duration | undefined, prop: string): void {
  enforce(scope, prop, apiTimeoutRule.check({
    timeoutSeconds: timeout && !timeout.isUnresolved() ? timeout.toSeconds() : undefined,
    fronts: [{ kind: endpoint === ProvisionedApiEndpoint.HTTP_API ? RequestFront.API_GATEWAY : RequestFront.FUNCTION_URL }],
    alternative: endpoint === ProvisionedApiEndpoint.HTTP_API ? 'use endpoint: ProvisionedApiEndpoint.FUNCTION_URL' : undefined,
  }));
}
