export * from './props';
export * from './provisioned-api';
