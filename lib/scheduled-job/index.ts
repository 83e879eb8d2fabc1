export * from './scheduled-job';
export { JobSchedule, JobScheduleKind } from './schedule';
export { ScheduledJobTarget, ScheduledJobTargetKind, ScheduledJobFunctionOptions } from './target';
export { ScheduledJobAlarms } from './alarms';
