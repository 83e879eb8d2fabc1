import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeComplianceRule, acknowledgeRule } from '../core/nag';
import { invalidProp } from '../core/validation';
import { endpointPolicyStatements } from './endpoint-policies';
import { rejectUnknownProps } from '../core/known-props';
import { SERVERLESS_VPC_ENDPOINTS_PROPS } from './known-props';

/** An AWS service the library's patterns call from inside a VPC, by its endpoint service name. */
export enum ServerlessVpcEndpointService {
  /** Amazon SQS (interface endpoint): sending, the redrive function of AsyncFunction. */
  SQS = 'sqs',
  /** Amazon DynamoDB (gateway endpoint, no hourly charge): idempotency tables, read models. */
  DYNAMODB = 'dynamodb',
  /** AWS Step Functions (interface endpoint): task-token callbacks, starting executions. */
  STEP_FUNCTIONS = 'states',
  /** AWS Lambda (interface endpoint): invoking functions (the redrive function of AsyncFunction). */
  LAMBDA = 'lambda',
  /** CloudWatch Logs (interface endpoint): only for handler code that calls the Logs API itself. */
  CLOUDWATCH_LOGS = 'logs',
  /** CloudWatch metrics (interface endpoint): `PutMetricData` from handler code (EMF metrics need none). */
  CLOUDWATCH_MONITORING = 'monitoring',
  /** AWS KMS (interface endpoint): handler code that encrypts or decrypts itself. */
  KMS = 'kms',
  /** Kinesis Data Streams (interface endpoint): handler code that writes to or reads a stream. */
  KINESIS = 'kinesis-streams',
  /** EventBridge Scheduler (interface endpoint): handler code that manages schedules. */
  SCHEDULER = 'scheduler',
}

/** Properties of ServerlessVpcEndpoints. */
export interface ServerlessVpcEndpointsProps {
  /** The VPC the endpoints are created in. */
  readonly vpc: ec2.IVpc;
  /**
   * The services to create endpoints for (at least one). DynamoDB gets a gateway endpoint, every
   * other service an interface endpoint with private DNS (billed per hour and AZ).
   * @see https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html
   */
  readonly services: ServerlessVpcEndpointService[];
  /**
   * Subnets of the interface endpoints' network interfaces, and whose route tables get the
   * DynamoDB gateway endpoint: those of your functions.
   * @default - interface endpoints: the VPC's private subnets, as aws-cdk-lib selects them; the
   * gateway endpoint: the route tables of all subnets
   */
  readonly subnets?: ec2.SubnetSelection;
  /**
   * Security groups of the interface endpoints.
   * @default - one security group allowing HTTPS from the VPC's CIDR
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * Tables the DynamoDB endpoint allows (the tables and their indexes); for example the
   * constructs' `idempotencyTable`s.
   * @default - any table of this account (`aws:PrincipalAccount`)
   */
  readonly tables?: dynamodb.ITable[];
  /**
   * Queues the SQS endpoint allows.
   * @default - any queue of this account (`aws:PrincipalAccount`)
   */
  readonly queues?: sqs.IQueue[];
  /**
   * Functions (and their versions and aliases) the Lambda endpoint allows invoking.
   * @default - any function of this account (`aws:PrincipalAccount`)
   */
  readonly functions?: lambda.IFunction[];
  /**
   * State machines the Step Functions endpoint allows starting. Task-token callbacks
   * (`SendTaskSuccess`, `SendTaskFailure`, `SendTaskHeartbeat`) name no resource and stay limited to the account.
   * @default - any state machine of this account (`aws:PrincipalAccount`)
   */
  readonly stateMachines?: sfn.IStateMachine[];
  /**
   * Streams the Kinesis endpoint allows.
   * @default - any stream of this account (`aws:PrincipalAccount`)
   */
  readonly streams?: kinesis.IStream[];
  /**
   * Keys the KMS endpoint allows.
   * @default - any key of this account (`aws:PrincipalAccount`)
   */
  readonly keys?: kms.IKey[];
}

/**
 * VPC endpoints for functions of this library placed in subnets without a NAT gateway: a DynamoDB
 * gateway endpoint and interface endpoints, each with a policy that allows only the exact actions
 * the patterns call, only to principals of this account, and only on the resources you name.
 *
 * Lambda itself polls queues and streams, writes logs and traces and delivers destinations from
 * outside your VPC: an endpoint is needed only for what code inside the function calls.
 */
export class ServerlessVpcEndpoints extends Construct {
  private readonly endpoints = new Map<ServerlessVpcEndpointService, ec2.IVpcEndpoint>();

  constructor(scope: Construct, id: string, props: ServerlessVpcEndpointsProps) {
    super(scope, id);
    rejectUnknownProps(this, 'ServerlessVpcEndpoints', props, SERVERLESS_VPC_ENDPOINTS_PROPS);
    const services = [...new Set(props.services)];
    validateProps(this, props, services);
    for (const service of services) {
      const endpoint = service === ServerlessVpcEndpointService.DYNAMODB
        ? new ec2.GatewayVpcEndpoint(this, 'DynamoDb', {
          vpc: props.vpc, service: ec2.GatewayVpcEndpointAwsService.DYNAMODB, subnets: props.subnets ? [props.subnets] : undefined,
        })
        : new ec2.InterfaceVpcEndpoint(this, endpointId(service), {
          vpc: props.vpc,
          service: new ec2.InterfaceVpcEndpointAwsService(service),
          subnets: props.subnets,
          securityGroups: props.securityGroups,
          privateDnsEnabled: true,
        });
      for (const statement of endpointPolicyStatements(this, service, resourcesOf(service, props))) endpoint.addToPolicy(statement);
      if (endpoint instanceof ec2.InterfaceVpcEndpoint && !props.securityGroups) {
        acknowledgeRule(endpoint, 'AwsSolutions-EC23', 'the endpoint\'s security group admits HTTPS (443) from the VPC\'s own CIDR '
          + 'block only (Fn::GetAtt of the VPC\'s CidrBlock, which cdk-nag cannot resolve at synth, so it cannot rule out 0.0.0.0/0)');
        // The compliance packs flag the same rule for the same unresolvable CIDR.
        for (const rule of ['EC2RestrictedCommonPorts', 'EC2RestrictedSSH']) {
          acknowledgeComplianceRule(endpoint, rule, 'the endpoint\'s security group admits only HTTPS (443), from the VPC\'s own '
            + 'CIDR block (a reference cdk-nag cannot resolve at synth); no SSH or other common port is open');
        }
      }
      this.endpoints.set(service, endpoint);
    }
  }

  /** The endpoint created for a service (undefined when it is not among `services`). */
  public endpointFor(service: ServerlessVpcEndpointService): ec2.IVpcEndpoint | undefined {
    return this.endpoints.get(service);
  }
}

/** Resources each service's policy names, from the props that list them. */
function resourcesOf(service: ServerlessVpcEndpointService, props: ServerlessVpcEndpointsProps): string[] {
  switch (service) {
    case ServerlessVpcEndpointService.DYNAMODB:
      return (props.tables ?? []).flatMap((t) => [t.tableArn, `${t.tableArn}/index/*`]);
    case ServerlessVpcEndpointService.SQS: return (props.queues ?? []).map((q) => q.queueArn);
    case ServerlessVpcEndpointService.LAMBDA: return (props.functions ?? []).flatMap((f) => [f.functionArn, `${f.functionArn}:*`]);
    case ServerlessVpcEndpointService.STEP_FUNCTIONS: return (props.stateMachines ?? []).map((m) => m.stateMachineArn);
    case ServerlessVpcEndpointService.KINESIS: return (props.streams ?? []).map((s) => s.streamArn);
    case ServerlessVpcEndpointService.KMS: return (props.keys ?? []).map((k) => k.keyArn);
    default: return [];
  }
}

/** Resource lists a service needs; listing resources for a service without an endpoint is a mistake. */
const RESOURCE_PROPS: Array<[keyof ServerlessVpcEndpointsProps, ServerlessVpcEndpointService]> = [
  ['tables', ServerlessVpcEndpointService.DYNAMODB],
  ['queues', ServerlessVpcEndpointService.SQS],
  ['functions', ServerlessVpcEndpointService.LAMBDA],
  ['stateMachines', ServerlessVpcEndpointService.STEP_FUNCTIONS],
  ['streams', ServerlessVpcEndpointService.KINESIS],
  ['keys', ServerlessVpcEndpointService.KMS],
];

function validateProps(scope: Construct, props: ServerlessVpcEndpointsProps, services: ServerlessVpcEndpointService[]): void {
  if (services.length === 0) {
    invalidProp(scope, 'services', 'is empty, so no endpoint would be created',
      'list the services your functions call, e.g. [ServerlessVpcEndpointService.DYNAMODB]');
  }
  for (const [prop, service] of RESOURCE_PROPS) {
    if (props[prop] !== undefined && !services.includes(service)) {
      invalidProp(scope, prop, `limits the ${service} endpoint, but services does not include ServerlessVpcEndpointService.${enumName(service)}`,
        `add ServerlessVpcEndpointService.${enumName(service)} to services, or remove ${prop}`);
    }
  }
}

function enumName(service: ServerlessVpcEndpointService): string {
  return Object.entries(ServerlessVpcEndpointService).find(([, value]) => value === service)![0];
}

/** `Sqs`, `KinesisStreams`: a construct id per service. */
function endpointId(service: ServerlessVpcEndpointService): string {
  return service.split('-').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('');
}
