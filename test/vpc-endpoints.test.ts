import { Annotations, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { findingsOf, guardedStack, messageOf } from './guardrails-support';
import { newStack, template, warningsOf } from './support/cdk';
import {
  GuardrailRule, HandlerCode, JobSchedule, ScheduledJob, ScheduledJobTarget, ServerlessVpcEndpoints, ServerlessVpcEndpointService, SqsWorker,
  StreamWorker,
} from '../lib';
import { servicesNeededByEnvironment, vpcEgressRule } from '../lib/rules';
import { endpointServiceName } from '../lib/analysis/vpc-placement';

const ACCOUNT_ONLY = { StringEquals: { 'aws:PrincipalAccount': '123456789012' } };

/** A VPC with isolated subnets only: no NAT gateway, no internet gateway. */
const isolatedVpc = (stack: Stack) => new ec2.Vpc(stack, 'Vpc', {
  natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
});

const worker = (stack: Stack, vpc: ec2.IVpc, idempotency = true) => new SqsWorker(stack, 'Worker', {
  handler: HandlerCode.bundled('sqs-worker/example'), vpc, idempotency: { enabled: idempotency },
});

const EGRESS_WARNING = "invalid prop 'vpcSubnets': is in a VPC whose selected subnets have no route to a NAT gateway and no VPC "
  + 'endpoint for dynamodb: its calls to dynamodb time out (a public subnet\'s internet gateway gives a function no public IP). '
  + 'Fix: add VPC endpoints for dynamodb (new ServerlessVpcEndpoints(...)), or place the function in subnets with a NAT route '
  + '(vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }), or in dual-stack subnets with an egress-only internet '
  + 'gateway route (::/0) and ipv6AllowedForDualStack: true [ack: cdk-serverless-patterns:SPG-VPC-EGRESS]';

describe('the VPC egress rule', () => {
  test('warns only when the subnets have no egress and a needed service has no endpoint', () => {
    const base = { inVpc: true, subnetsHaveEgress: false, neededServices: ['dynamodb', 'sqs'], endpointServices: ['sqs'] };
    expect(vpcEgressRule.check(base)).toMatchObject({ rule: GuardrailRule.VPC_EGRESS, message: expect.stringMatching(/no VPC endpoint for dynamodb:/) });
    expect(vpcEgressRule.check({ ...base, endpointServices: ['sqs', 'dynamodb'] })).toBeUndefined();
    expect(vpcEgressRule.check({ ...base, subnetsHaveEgress: true })).toBeUndefined();
    expect(vpcEgressRule.check({ ...base, subnetsHaveEgress: undefined })).toBeUndefined();
    expect(vpcEgressRule.check({ ...base, endpointServices: undefined })).toBeUndefined();
    expect(vpcEgressRule.check({ ...base, neededServices: [] })).toBeUndefined();
    expect(vpcEgressRule.check({ ...base, inVpc: false })).toBeUndefined();
    // IPv6: only a dual-stack function with a ::/0 way out has egress without NAT.
    expect(vpcEgressRule.check({ ...base, ipv6AllowedForDualStack: true, subnetsHaveIpv6Egress: true })).toBeUndefined();
    expect(vpcEgressRule.check({ ...base, ipv6AllowedForDualStack: true, subnetsHaveIpv6Egress: false })).toBeDefined();
    expect(vpcEgressRule.check({ ...base, ipv6AllowedForDualStack: false, subnetsHaveIpv6Egress: true })).toBeDefined();
  });

  test('the services the runtime calls come from the variables the constructs set', () => {
    expect(servicesNeededByEnvironment(['SQS_WORKER_FIFO', 'POWERTOOLS_SERVICE_NAME'])).toEqual([]);
    expect(servicesNeededByEnvironment(['SQS_WORKER_FIFO', 'IDEMPOTENCY_TABLE_NAME'])).toEqual(['dynamodb']);
    expect(servicesNeededByEnvironment(['READ_MODEL_TABLE_NAME'])).toEqual(['dynamodb']);
    expect(servicesNeededByEnvironment(['REDRIVE_TARGET_FUNCTION_ARN'])).toEqual(['sqs', 'lambda']);
  });

  test('endpoint service names are read from a literal or from the Fn::Join aws-cdk-lib writes', () => {
    expect(endpointServiceName('com.amazonaws.eu-west-1.sqs')).toBe('sqs');
    expect(endpointServiceName({ 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.kinesis-streams']] })).toBe('kinesis-streams');
    expect(endpointServiceName({ Ref: 'Param' })).toBeUndefined();
  });
});

describe('the warning at synth (ServerlessFunction, through every construct)', () => {
  test('an idempotent SqsWorker in isolated subnets without a DynamoDB endpoint is warned about', () => {
    const stack = newStack();
    worker(stack, isolatedVpc(stack));
    expect(warningsOf(stack)).toEqual([EGRESS_WARNING]);
  });

  test('a DynamoDB gateway endpoint added after the worker silences it (the check runs at synth)', () => {
    const stack = newStack();
    const vpc = isolatedVpc(stack);
    const w = worker(stack, vpc);
    new ServerlessVpcEndpoints(stack, 'Endpoints', { vpc, services: [ServerlessVpcEndpointService.DYNAMODB], tables: [w.idempotencyTable!] });
    expect(warningsOf(stack)).toEqual([]);
  });

  test('an endpoint for another service does not count', () => {
    const stack = newStack();
    const vpc = isolatedVpc(stack);
    worker(stack, vpc);
    new ServerlessVpcEndpoints(stack, 'Endpoints', { vpc, services: [ServerlessVpcEndpointService.SQS] });
    expect(warningsOf(stack)).toEqual([EGRESS_WARNING]);
  });

  test('no warning: subnets with a NAT route, a worker whose runtime calls nothing, an imported VPC', () => {
    const withNat = newStack('WithNat');
    worker(withNat, new ec2.Vpc(withNat, 'Vpc', { natGateways: 1 }));
    const nothingCalled = newStack('NothingCalled');
    worker(nothingCalled, isolatedVpc(nothingCalled), false);
    const imported = newStack('Imported');
    worker(imported, ec2.Vpc.fromVpcAttributes(imported, 'Vpc', {
      vpcId: 'vpc-1', availabilityZones: ['us-east-1a'], privateSubnetIds: ['subnet-1'], privateSubnetRouteTableIds: ['rtb-1'],
    }));
    for (const stack of [withNat, nothingCalled, imported]) expect(warningsOf(stack)).toEqual([]);
  });

  test('a ScheduledJob and a StreamWorker in the same VPC are warned about too (both idempotent by default)', () => {
    const stack = newStack();
    const vpc = isolatedVpc(stack);
    new ScheduledJob(stack, 'Job', {
      schedule: JobSchedule.cron('0 2 * * ? *'), target: ScheduledJobTarget.handler(HandlerCode.bundled('scheduled-job/example'), { vpc }),
    });
    new StreamWorker(stack, 'Stream', { handler: HandlerCode.bundled('stream-worker/example'), vpc });
    expect(warningsOf(stack)).toEqual([EGRESS_WARNING, EGRESS_WARNING]);
  });

  test('the warning can be acknowledged by its id', () => {
    const stack = newStack();
    const w = worker(stack, isolatedVpc(stack));
    w.node.findAll().filter((c) => c instanceof lambda.Function)
      .forEach((fn) => Annotations.of(fn).acknowledgeWarning('cdk-serverless-patterns:SPG-VPC-EGRESS', 'reached via a proxy'));
    expect(warningsOf(stack)).toEqual([]);
  });
});

describe('the guardrail (ServerlessGuardrails over any function)', () => {
  test('a plain function with an idempotency table variable in a public subnet (internet gateway only) is reported', () => {
    const stack = guardedStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }] });
    new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}'),
      vpc, allowPublicSubnet: true, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC }, environment: { IDEMPOTENCY_TABLE_NAME: 'records' },
    });
    expect(findingsOf(stack).filter((f) => f.rule === 'SPG-VPC-EGRESS')).toEqual([{ level: 'warning', path: '/UserStack/Fn/Resource', rule: 'SPG-VPC-EGRESS' }]);
    expect(messageOf(stack, 'SPG-VPC-EGRESS')).toMatch(/^\[SPG-VPC-EGRESS\] UserStack\/Fn\/Resource: is in a VPC whose selected subnets have no route to a NAT gateway and no VPC endpoint for dynamodb/);
  });

  test('the same function behind a NAT gateway is not', () => {
    const stack = guardedStack();
    new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}'),
      vpc: new ec2.Vpc(stack, 'Vpc', { natGateways: 1 }), environment: { IDEMPOTENCY_TABLE_NAME: 'records' },
    });
    expect(findingsOf(stack).filter((f) => f.rule === 'SPG-VPC-EGRESS')).toEqual([]);
  });
});

describe('dual-stack functions (ipv6AllowedForDualStack) and egress-only internet gateways', () => {
  /** A dual-stack VPC of isolated subnets whose route tables send ::/0 to an egress-only internet gateway (no NAT). */
  const dualStackFunction = (ipv6AllowedForDualStack: boolean, withIpv6Route = true) => {
    const stack = guardedStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', {
      ipProtocol: ec2.IpProtocol.DUAL_STACK, natGateways: 0,
      subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    });
    if (withIpv6Route) {
      const gateway = new ec2.CfnEgressOnlyInternetGateway(stack, 'EgressOnly', { vpcId: vpc.vpcId });
      vpc.isolatedSubnets.forEach((subnet, i) => new ec2.CfnRoute(stack, `Ipv6Route${i}`, {
        routeTableId: subnet.routeTable.routeTableId, destinationIpv6CidrBlock: '::/0', egressOnlyInternetGatewayId: gateway.ref,
      }));
    }
    new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}'),
      vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, ipv6AllowedForDualStack,
      environment: { IDEMPOTENCY_TABLE_NAME: 'records' },
    });
    return findingsOf(stack).filter((f) => f.rule === 'SPG-VPC-EGRESS');
  };

  test('a dual-stack function whose subnets route ::/0 to an egress-only internet gateway has a way out: no warning', () => {
    expect(dualStackFunction(true)).toEqual([]);
  });

  test('the same subnets without ipv6AllowedForDualStack: the function leaves over IPv4 only, so it is reported', () => {
    expect(dualStackFunction(false)).toEqual([{ level: 'warning', path: '/UserStack/Fn/Resource', rule: 'SPG-VPC-EGRESS' }]);
  });

  test('ipv6AllowedForDualStack without a ::/0 route is reported', () => {
    expect(dualStackFunction(true, false)).toEqual([{ level: 'warning', path: '/UserStack/Fn/Resource', rule: 'SPG-VPC-EGRESS' }]);
  });
});

describe('ServerlessVpcEndpoints', () => {
  test('DynamoDB gets a gateway endpoint on the subnets\' route tables, limited to the named tables and the account', () => {
    const stack = newStack();
    const vpc = isolatedVpc(stack);
    const w = worker(stack, vpc);
    const endpoints = new ServerlessVpcEndpoints(stack, 'Endpoints', {
      vpc, services: [ServerlessVpcEndpointService.DYNAMODB], tables: [w.idempotencyTable!],
    });
    const t = template(stack);
    t.resourceCountIs('AWS::EC2::VPCEndpoint', 1);
    const tableArn = stack.resolve(w.idempotencyTable!.tableArn);
    t.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      RouteTableIds: Match.arrayWith([Match.objectLike({ Ref: Match.stringLikeRegexp('VpcisolatedSubnet1RouteTable') })]),
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [{
          Effect: 'Allow', Principal: { AWS: '*' }, Condition: ACCOUNT_ONLY,
          Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query',
            'dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem'],
          Resource: [tableArn, { 'Fn::Join': ['', [tableArn, '/index/*']] }],
        }],
      },
    });
    expect(endpoints.endpointFor(ServerlessVpcEndpointService.DYNAMODB)).toBeInstanceOf(ec2.GatewayVpcEndpoint);
    expect(endpoints.endpointFor(ServerlessVpcEndpointService.SQS)).toBeUndefined();
  });

  test('interface endpoints with private DNS; without named resources the policy is limited to the account', () => {
    const stack = newStack();
    const vpc = isolatedVpc(stack);
    new ServerlessVpcEndpoints(stack, 'Endpoints', {
      vpc, services: [ServerlessVpcEndpointService.STEP_FUNCTIONS, ServerlessVpcEndpointService.SCHEDULER, ServerlessVpcEndpointService.SCHEDULER],
    });
    const t = template(stack);
    t.resourceCountIs('AWS::EC2::VPCEndpoint', 2);
    t.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Interface',
      PrivateDnsEnabled: true,
      ServiceName: 'com.amazonaws.us-east-1.states',
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: '*' }, Condition: ACCOUNT_ONLY, Action: ['states:StartExecution', 'states:StartSyncExecution'], Resource: '*' },
          { Effect: 'Allow', Principal: { AWS: '*' }, Condition: ACCOUNT_ONLY,
            Action: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'], Resource: '*' },
        ],
      },
    });
    t.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: 'com.amazonaws.us-east-1.scheduler',
    });
    // The endpoint's security group admits HTTPS from the VPC only.
    t.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [Match.objectLike({ FromPort: 443, ToPort: 443, CidrIp: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Vpc'), 'CidrBlock'] } })],
    });
  });

  test('errors: no services, and resources listed for a service without an endpoint', () => {
    const stack = newStack();
    const vpc = isolatedVpc(stack);
    expect(() => new ServerlessVpcEndpoints(stack, 'None', { vpc, services: [] })).toThrow(
      "TestStack/None: invalid prop 'services': is empty, so no endpoint would be created. "
      + 'Fix: list the services your functions call, e.g. [ServerlessVpcEndpointService.DYNAMODB]');
    const w = worker(stack, vpc);
    expect(() => new ServerlessVpcEndpoints(stack, 'Mismatch', { vpc, services: [ServerlessVpcEndpointService.SQS], tables: [w.idempotencyTable!] }))
      .toThrow("TestStack/Mismatch: invalid prop 'tables': limits the dynamodb endpoint, but services does not include "
        + 'ServerlessVpcEndpointService.DYNAMODB. Fix: add ServerlessVpcEndpointService.DYNAMODB to services, or remove tables');
  });
});
