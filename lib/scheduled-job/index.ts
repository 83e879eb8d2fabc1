export * from './scheduled-job';
export { JobSchedule } from './job-schedule';
export { ScheduledJobTarget, ScheduledJobTargetKind } from './target';
export { ScheduledJobFunctionOptions } from './target-function';
export { ScheduledJobAlarms } from './alarms';
