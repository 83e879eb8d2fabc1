import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { AwsSolutionsChecks, NagPack, ServerlessChecks } from 'cdk-nag';
import { Construct, IConstruct } from 'constructs';
import * as lib from '../lib';
import { envStack } from './guardrails-support';

/** Findings of both packs as `severity rule @ path` lines. */
function nagFindings(scope: IConstruct): string[] {
  const packs: NagPack[] = [new AwsSolutionsChecks(), new ServerlessChecks()];
  return packs.flatMap((pack) => pack.validateScope(scope).violations.flatMap((v) =>
    v.violatingResources.map((r) => `${v.severity} ${v.ruleName} @ ${r.constructPath}`)));
}

function privateVpc(scope: Construct): ec2.Vpc {
  return new ec2.Vpc(scope, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
}

/** A construct of every kind that creates a function, with that function placed in a VPC. */
const VPC_PLACED: Array<[string, (scope: Construct, vpc: ec2.IVpc) => IConstruct]> = [
  ['SqsWorker', (s, vpc) => new lib.SqsWorker(s, 'Construct', { handler: lib.HandlerCode.bundled('sqs-worker/example'), vpc })],
  ['FanOutPipeline', (s, vpc) => new lib.FanOutPipeline(s, 'Construct', {
    consumers: [{ name: 'audit', handler: lib.HandlerCode.bundled('fan-out-pipeline/example'), worker: { vpc } }],
  })],
  ['AsyncFunction', (s, vpc) => new lib.AsyncFunction(s, 'Construct', { handler: lib.HandlerCode.bundled('async-function/example'), vpc })],
  ['ProvisionedApi', (s, vpc) => new lib.ProvisionedApi(s, 'Construct', { handler: lib.HandlerCode.bundled('provisioned-api/example'), vpc })],
  ['ServerlessFunction', (s, vpc) => new lib.ServerlessFunction(s, 'Construct', {
    handler: lib.HandlerCode.bundled('saga-state-machine/reserve-inventory'), vpc,
  })],
  ['StreamWorker', (s, vpc) => new lib.StreamWorker(s, 'Construct', { handler: lib.HandlerCode.bundled('stream-worker/example'), vpc })],
  ['ScheduledJob', (s, vpc) => new lib.ScheduledJob(s, 'Construct', {
    schedule: lib.JobSchedule.cron('0 2 * * ? *'),
    target: lib.ScheduledJobTarget.handler(lib.HandlerCode.bundled('scheduled-job/example'), { vpc }),
  })],
];

describe('a library function placed in a VPC', () => {
  test.each(VPC_PLACED)('%s has no unacknowledged AwsSolutions or Serverless finding', (_name, create) => {
    const stack = envStack(new App(), 'VpcNag');
    const construct = create(stack, privateVpc(stack));
    expect(nagFindings(construct)).toEqual([]);
  });

  test('gets the network-interface permissions inline, scoped to its account, region, subnets and security group', () => {
    const stack = new Stack(new App(), 'VpcRole', { env: { account: '123456789012', region: 'eu-west-1' } });
    const vpc = privateVpc(stack);
    const fn = new lib.ServerlessFunction(stack, 'Fn', { handler: lib.HandlerCode.bundled('saga-state-machine/reserve-inventory'), vpc });
    const template = Template.fromStack(stack);
    const role = template.findResources('AWS::IAM::Role');
    const [roleProps] = Object.values(role).map((r) => r.Properties);
    // Only the logging policy stays managed: AWSLambdaVPCAccessExecutionRole grants its EC2 actions on "*".
    expect(JSON.stringify(roleProps.ManagedPolicyArns)).not.toContain('AWSLambdaVPCAccessExecutionRole');
    expect(JSON.stringify(roleProps.ManagedPolicyArns)).toContain('AWSLambdaBasicExecutionRole');
    const statements = roleProps.Policies[0].PolicyDocument.Statement as Array<{ Action: unknown; Resource: unknown }>;
    const sg = stack.resolve(fn.connections.securityGroups[0].securityGroupId);
    const subnets = vpc.isolatedSubnets.map((s) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ec2:eu-west-1:123456789012:subnet/', stack.resolve(s.subnetId)]] }));
    const arn = (resource: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ec2:eu-west-1:123456789012:${resource}`]] });
    expect(statements).toEqual(expect.arrayContaining([
      { Action: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], Effect: 'Allow', Resource: '*' },
      {
        Action: 'ec2:CreateNetworkInterface', Effect: 'Allow',
        Resource: [arn('network-interface/*'), ...subnets, { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ec2:eu-west-1:123456789012:security-group/', sg]] }],
      },
      {
        Action: ['ec2:AssignPrivateIpAddresses', 'ec2:DeleteNetworkInterface', 'ec2:UnassignPrivateIpAddresses'], Effect: 'Allow',
        Resource: arn('network-interface/*'),
      },
    ]));
  });
});
