import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { HandlerCode, ServerlessFunction, SqsWorker } from '../lib';
import { newStack, template, warningsOf } from './support/cdk';

/** Issue 17 items 1-3: runtime, architecture, VPC placement and log encryption of library functions. */
const pythonCode = HandlerCode.fromCode(lambda.Code.fromInline('def handler(event, context):\n    return {}'), 'index.handler');

describe('runtime and architecture', () => {
  test('a Python handler on x86 through SqsWorker keeps the library defaults otherwise', () => {
    const stack = newStack();
    new SqsWorker(stack, 'Worker', {
      handler: pythonCode, runtime: lambda.Runtime.PYTHON_3_13, architecture: lambda.Architecture.X86_64,
      idempotency: { enabled: false },
    });
    template(stack).hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'python3.13', Architectures: ['x86_64'], TracingConfig: { Mode: 'Active' },
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }), Timeout: 30,
    });
  });

  test('the defaults stay Node.js 24 on ARM64', () => {
    const stack = newStack();
    new ServerlessFunction(stack, 'Fn', { handler: pythonCode });
    template(stack).hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs24.x', Architectures: ['arm64'] });
  });

  test('a bundled (Node.js) handler with another runtime is an error naming both', () => {
    expect(() => new ServerlessFunction(newStack(), 'Fn', {
      handler: HandlerCode.bundled('sqs-worker/example'), runtime: lambda.Runtime.PYTHON_3_13,
    })).toThrow("TestStack/Fn: invalid prop 'runtime': is python3.13, but the handler is the bundled Node.js handler "
      + "'sqs-worker/example'. Fix: leave runtime unset for bundled handlers, or pass your own code with HandlerCode.fromCode()/fromAsset()");
  });

  test('IDEMPOTENCY_PERSISTENCE_LAYER=sdk on a bundled handler is an error: the bundles ship only the default layer', () => {
    expect(() => new SqsWorker(newStack(), 'Worker', {
      handler: HandlerCode.bundled('sqs-worker/example'), environment: { IDEMPOTENCY_PERSISTENCE_LAYER: 'sdk' },
    })).toThrow("TestStack/Worker/Function: invalid prop 'environment': sets IDEMPOTENCY_PERSISTENCE_LAYER=sdk, and the bundled handler "
      + "'sqs-worker/example' ships only the default signed-HTTP idempotency layer. Fix: remove IDEMPOTENCY_PERSISTENCE_LAYER, or bundle a "
      + 'handler of your own that imports @cdk-serverless-patterns/runtime/idempotency/sdk and pass it with HandlerCode.fromAsset()');
    // `http` (the default), your own code, and a token are left alone.
    const stack = newStack();
    new SqsWorker(stack, 'Http', { handler: HandlerCode.bundled('sqs-worker/example'), environment: { IDEMPOTENCY_PERSISTENCE_LAYER: 'http' } });
    new SqsWorker(stack, 'Own', { handler: HandlerCode.fromCode(lambda.Code.fromInline('exports.handler=async()=>({batchItemFailures:[]})'), 'index.handler'),
      environment: { IDEMPOTENCY_PERSISTENCE_LAYER: 'sdk' } });
    new SqsWorker(stack, 'Token', { handler: HandlerCode.bundled('sqs-worker/example'),
      environment: { IDEMPOTENCY_PERSISTENCE_LAYER: new CfnParameter(stack, 'Layer').valueAsString } });
    expect(Object.keys(template(stack).findResources('AWS::Lambda::Function'))).toHaveLength(3);
  });

  test('runtime with HandlerCode.fromFunction is rejected like every function prop', () => {
    const stack = newStack();
    const own = lambda.Function.fromFunctionArn(stack, 'Own', 'arn:aws:lambda:us-east-1:123456789012:function:own');
    expect(() => new SqsWorker(stack, 'Worker', { handler: HandlerCode.fromFunction(own), runtime: lambda.Runtime.PYTHON_3_13 }))
      .toThrow(/^TestStack\/Worker: invalid prop 'runtime': cannot be combined with HandlerCode\.fromFunction\(\)/);
  });
});

describe('VPC placement', () => {
  test('vpc, subnets and security groups reach the function', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const securityGroup = new ec2.SecurityGroup(stack, 'Sg', { vpc, allowAllOutbound: false });
    new ServerlessFunction(stack, 'Fn', {
      handler: pythonCode, vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, securityGroups: [securityGroup],
    });
    template(stack).hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: {
        SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Sg'), 'GroupId'] }],
        SubnetIds: [{ Ref: Match.stringLikeRegexp('^VpcisolatedSubnet1') }, { Ref: Match.stringLikeRegexp('^VpcisolatedSubnet2') }],
      },
    });
  });

  test.each(['vpcSubnets', 'securityGroups'])('%s without vpc is an error', (prop) => {
    const stack = newStack();
    const props = prop === 'vpcSubnets'
      ? { vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }
      : { securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-12345678')] };
    expect(() => new ServerlessFunction(stack, 'Fn', { handler: pythonCode, ...props }))
      .toThrow(`TestStack/Fn: invalid prop '${prop}': places the function in a VPC, and no vpc is given. Fix: set vpc, or remove ${prop}`);
  });
});

describe('log encryption', () => {
  test('a created key encrypts the log group and allows CloudWatch Logs of this account and region only', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'LogKey', { enableKeyRotation: true });
    new ServerlessFunction(stack, 'Fn', { handler: pythonCode, logEncryptionKey: key, timeout: Duration.seconds(5) });
    const t = template(stack);
    t.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LogKey'), 'Arn'] }, RetentionInDays: 30 });
    t.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([{
          Sid: 'AllowCloudWatchLogsOfThisAccountAndRegion',
          Effect: 'Allow',
          Principal: { Service: 'logs.us-east-1.amazonaws.com' },
          Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey',
            'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey'],
          Resource: '*',
          Condition: {
            ArnLike: {
              'kms:EncryptionContext:aws:logs:arn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:us-east-1:123456789012:log-group:*']] },
            },
          },
        }]),
      },
    });
  });

  test('an imported key cannot be changed: a warning gives the statement to add', () => {
    const stack = newStack();
    const key = kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555');
    new ServerlessFunction(stack, 'Fn', { handler: pythonCode, logEncryptionKey: key });
    const warnings = warningsOf(stack);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^the log group's KMS key is imported, so its key policy cannot be changed here: CloudWatch Logs can use the key only if its policy already allows it, e\.g\. \{"Action":\["kms:Encrypt",/);
    expect(warnings[0]).toContain('"Principal":{"Service":"logs.us-east-1.amazonaws.com"},"Resource":"*","Sid":"AllowCloudWatchLogsOfThisAccountAndRegion"}');
    expect(warnings[0]).toContain('[ack: cdk-serverless-patterns:LogGroup.importedEncryptionKey]');
  });
});

describe('under @aws-cdk/aws-lambda:useCdkManagedLogGroup (set by cdk init)', () => {
  test('the flag\'s log group /aws/lambda/<name> is kept as the one log group, with retention and key', () => {
    const app = new App({ context: { '@aws-cdk/aws-lambda:useCdkManagedLogGroup': true } });
    const stack = new Stack(app, 'Flagged', { env: { account: '123456789012', region: 'us-east-1' } });
    const key = new kms.Key(stack, 'LogKey', { enableKeyRotation: true });
    const fn = new ServerlessFunction(stack, 'Fn', { handler: pythonCode, logEncryptionKey: key });
    const t = template(stack);
    t.resourceCountIs('AWS::Logs::LogGroup', 1);
    t.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: { 'Fn::Join': ['', ['/aws/lambda/', { Ref: Match.stringLikeRegexp('^Fn') }]] },
      RetentionInDays: 30,
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LogKey'), 'Arn'] },
    });
    expect(fn.logGroup).toBe(fn.node.tryFindChild('LogGroup'));
  });
});
