export * from './alarms';
export * from './defaults';
export * from './handler';
export * from './validation';
export * from './cron';
export * from './nag';
export * from './notes';
export * from './logs';
