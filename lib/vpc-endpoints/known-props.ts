import { type KnownProps } from '../core/known-props';
import type { ServerlessVpcEndpointsProps } from './serverless-vpc-endpoints';

/** The keys of `ServerlessVpcEndpointsProps`. */
export const SERVERLESS_VPC_ENDPOINTS_PROPS: KnownProps<ServerlessVpcEndpointsProps> = {
  vpc: true, services: true, subnets: true, securityGroups: true, tables: true, queues: true,
  functions: true, stateMachines: true, streams: true, keys: true,
};
