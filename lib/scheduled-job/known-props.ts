import { PATTERN_ALARM_PROPS, type KnownProps } from '../core/known-props';
import type { ScheduledJobProps } from './scheduled-job';

/** The keys of `ScheduledJobProps`. */
export const SCHEDULED_JOB_PROPS: KnownProps<ScheduledJobProps> = {
  ...PATTERN_ALARM_PROPS, schedule: true, target: true, timeZone: true, payload: true, retryPolicy: true,
  allowOverlap: true, flexibleWindow: true, startDate: true, endDate: true, enabled: true,
  scheduleGroup: true, description: true, expectedLoad: true, maxRunInterval: true,
};
