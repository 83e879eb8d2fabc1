export * from './alarms';
export * from './defaults';
export * from './function';
export * from './handler';
export * from './validation';
export * from './cron';
export * from './nag';
