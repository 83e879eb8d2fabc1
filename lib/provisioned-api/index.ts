export * from './props';
export * from './provisioned-api';
export { ProvisionedApiAlarms } from './alarms';
