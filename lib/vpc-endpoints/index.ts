export * from './serverless-vpc-endpoints';
