export * from './provisioned-api';
