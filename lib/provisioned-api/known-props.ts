import { PATTERN_ALARM_PROPS, type KnownProps } from '../core/known-props';
import { PATTERN_FUNCTION_PROPS } from '../serverless-function/known-props';
import type { ProvisionedApiProps } from './props';
import type { ProvisionedApiAlarms } from './alarms';

/** The keys of `ProvisionedApiProps`. */
export const PROVISIONED_API_PROPS: KnownProps<ProvisionedApiProps> = {
  alarms: true,
  ...PATTERN_FUNCTION_PROPS, ...PATTERN_ALARM_PROPS, handler: true, endpoint: true, authorizer: true,
  functionUrlAuthType: true, provisionedConcurrency: true, reservedConcurrency: true,
  accountConcurrencyLimit: true, autoScaling: true, utilizationTarget: true, schedule: true,
  timeout: true, throttling: true, cors: true, latencyThreshold: true, serverErrorRateThreshold: true,
  provisionedConcurrencyPrice: true, expectedLoad: true,
};

/** The keys of `ProvisionedApiAlarms`. */
export const PROVISIONED_API_ALARMS: KnownProps<ProvisionedApiAlarms> = {
  serverErrorRate: true, latency: true, throttles: true, recursiveInvocationsDropped: true, spillover: true, utilization: true,
};
