import { PATTERN_ALARM_PROPS, type KnownProps } from '../core/known-props';
import type { ScheduledJobProps } from './scheduled-job';
import type { ScheduledJobAlarms } from './alarms';

/** The keys of `ScheduledJobProps`. */
export const SCHEDULED_JOB_PROPS: KnownProps<ScheduledJobProps> = {
  alarms: true,
  ...PATTERN_ALARM_PROPS, schedule: true, target: true, timeZone: true, payload: true, retryPolicy: true,
  allowOverlap: true, flexibleWindow: true, startDate: true, endDate: true, enabled: true,
  scheduleGroup: true, description: true, expectedLoad: true, maxRunInterval: true,
};

/** The keys of `ScheduledJobAlarms`. */
export const SCHEDULED_JOB_ALARMS: KnownProps<ScheduledJobAlarms> = {
  deadLetterQueue: true, targetErrors: true, dropped: true, deadLetterDeliveryFailed: true, functionErrors: true, recursiveInvocationsDropped: true, missedRun: true,
};
