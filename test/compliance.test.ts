import { readFileSync } from 'fs';
import { join } from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { HIPAASecurityChecks, NagPack, NIST80053R5Checks } from 'cdk-nag';
import { Construct, IConstruct } from 'constructs';
import * as lib from '../lib';
import { envStack, LIBRARY_CONSTRUCTS } from './guardrails-support';
import { newStack, template } from './support/cdk';

/** What a team under HIPAA or NIST rules has in its stack already: keys, a VPC, a backup plan, an alarm topic. */
interface ComplianceKit {
  readonly logKey: kms.IKey;
  readonly vpc: ec2.IVpc;
  readonly alarmTopic: sns.ITopic;
  readonly table: lib.IdempotencyTable;
  readonly tableKey: kms.IKey;
  readonly backupPlan: backup.IBackupPlan;
  readonly failureBucket: s3.IBucket;
}

function complianceKit(stack: Stack): ComplianceKit {
  const tableKey = new kms.Key(stack, 'TableKey', { enableKeyRotation: true });
  const backupPlan = backup.BackupPlan.daily35DayRetention(stack, 'BackupPlan');
  return {
    logKey: new kms.Key(stack, 'LogKey', { enableKeyRotation: true }),
    vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 }),
    alarmTopic: new sns.Topic(stack, 'AlarmTopic', { enforceSSL: true }),
    table: new lib.IdempotencyTable(stack, 'SharedIdempotencyTable', { encryptionKey: tableKey, backupPlan }),
    tableKey,
    backupPlan,
    // The user's own bucket, configured to their rules (KMS, versioning, access logs, replication).
    failureBucket: s3.Bucket.fromBucketName(stack, 'FailureBucket', 'my-compliant-failure-bucket'),
  };
}

function userFunctionArn(scope: Construct, id: string): lambda.IFunction {
  return lambda.Function.fromFunctionArn(scope, id, `arn:aws:lambda:us-east-1:123456789012:function:${id}`);
}

/** Function props that fix LambdaInsideVPC and CloudWatchLogGroupEncrypted (`reservedConcurrency` fixes LambdaConcurrency). */
const functionProps = (kit: ComplianceKit) => ({ logEncryptionKey: kit.logKey, vpc: kit.vpc });

/** Every construct of the library configured with the props that fix what a prop can fix (docs/guardrails.md "Compliance packs"). */
const CONFIGURED: { [name: string]: (scope: Construct, kit: ComplianceKit) => IConstruct } = {
  SqsWorker: (s, kit) => new lib.SqsWorker(s, 'Construct', {
    handler: lib.HandlerCode.bundled('sqs-worker/example'), ...functionProps(kit), reservedConcurrency: 10,
    idempotency: { table: kit.table }, alarmTopic: kit.alarmTopic,
  }),
  FanOutPipeline: (s, kit) => new lib.FanOutPipeline(s, 'Construct', {
    consumers: [{
      name: 'audit', handler: lib.HandlerCode.bundled('fan-out-pipeline/example'),
      worker: { ...functionProps(kit), reservedConcurrency: 10, idempotency: { table: kit.table } },
    }],
    alarmTopic: kit.alarmTopic,
  }),
  AsyncFunction: (s, kit) => new lib.AsyncFunction(s, 'Construct', {
    handler: lib.HandlerCode.bundled('async-function/example'), ...functionProps(kit), reservedConcurrency: 10, alarmTopic: kit.alarmTopic,
  }),
  SagaStateMachine: (s, kit) => new lib.SagaStateMachine(s, 'Construct', {
    steps: [{ name: 'reserve', action: userFunctionArn(s, 'Reserve'), compensation: userFunctionArn(s, 'Release') }],
    logEncryptionKey: kit.logKey, alarmTopic: kit.alarmTopic,
  }),
  ProvisionedApi: (s, kit) => new lib.ProvisionedApi(s, 'Construct', {
    handler: lib.HandlerCode.bundled('provisioned-api/example'), ...functionProps(kit), alarmTopic: kit.alarmTopic,
  }),
  IdempotencyTable: (s, kit) => new lib.IdempotencyTable(s, 'Construct', { encryptionKey: kit.tableKey, backupPlan: kit.backupPlan }),
  ServerlessFunction: (s, kit) => new lib.ServerlessFunction(s, 'Construct', {
    handler: lib.HandlerCode.bundled('saga-state-machine/reserve-inventory'), ...functionProps(kit), reservedConcurrency: 10,
  }),
  StreamWorker: (s, kit) => new lib.StreamWorker(s, 'Construct', {
    handler: lib.HandlerCode.bundled('stream-worker/example'), ...functionProps(kit), reservedConcurrency: 10,
    idempotency: { table: kit.table }, onFailure: lib.StreamFailureDestination.toBucket(kit.failureBucket), alarmTopic: kit.alarmTopic,
  }),
  ScheduledJob: (s, kit) => new lib.ScheduledJob(s, 'Construct', {
    schedule: lib.JobSchedule.cron('0 2 * * ? *'),
    target: lib.ScheduledJobTarget.handler(lib.HandlerCode.bundled('scheduled-job/example'), {
      ...functionProps(kit), reservedConcurrency: 2, idempotencyTable: kit.table,
    }),
    alarmTopic: kit.alarmTopic,
  }),
  DurableFunction: (s, kit) => new lib.DurableFunction(s, 'Construct', {
    handler: lib.HandlerCode.bundled('durable-function/order-saga'), ...functionProps(kit), reservedConcurrency: 10, alarmTopic: kit.alarmTopic,
  }),
  ServerlessDashboard: (s) => new lib.ServerlessDashboard(s, 'Construct'),
  // Endpoints only (no function): nothing to configure beyond the VPC they serve.
  ServerlessVpcEndpoints: (s, kit) => new lib.ServerlessVpcEndpoints(s, 'Construct', {
    vpc: kit.vpc,
    services: [lib.ServerlessVpcEndpointService.DYNAMODB, lib.ServerlessVpcEndpointService.SQS],
  }),
};

const PACKS = (): NagPack[] => [new HIPAASecurityChecks(), new NIST80053R5Checks()];

/** Unacknowledged findings of both compliance packs on the construct's own resources, as `rule @ path`. */
function complianceFindings(scope: IConstruct): string[] {
  return PACKS().flatMap((pack) => pack.validateScope(scope).violations.flatMap((v) =>
    v.violatingResources.map((r) => `${v.ruleName} @ ${(r.constructPath ?? '').replace(/^[^/]+\//, '')}`))).sort();
}

/** Rule ids of the compliance packs acknowledged under `scope`, with their reasons, as `id @ path`. */
function complianceAcknowledgements(scope: IConstruct): Array<{ id: string; path: string; reason: string }> {
  return scope.node.findAll().flatMap((c) => c.node.metadata
    .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([key, reason]) => ({
      id: key.replace(/^annotation::/i, ''), path: c.node.path.replace(/^[^/]+\//, ''), reason,
    }))))
    .filter((a) => /^(HIPAA\.Security|NIST\.800\.53\.R5)-/.test(a.id));
}

function configured(name: string): IConstruct {
  const stack = envStack(new App(), 'ComplianceStack');
  return CONFIGURED[name](stack, complianceKit(stack));
}

/**
 * What stays acknowledged on library resources with the compliance props, as `rule @ path` (each id
 * acknowledged in both packs, `HIPAA.Security-<rule>` and `NIST.800.53.R5-<rule>`), by design; the
 * "Compliance packs" section of docs/guardrails.md gives each reason.
 */
const ACKNOWLEDGED: { [name: string]: string[] } = {
  SqsWorker: ['IAMNoInlinePolicy @ Construct/Function', 'LambdaDLQ @ Construct/Function'],
  FanOutPipeline: ['IAMNoInlinePolicy @ Construct/audit/Worker/Function', 'LambdaDLQ @ Construct/audit/Worker/Function'],
  AsyncFunction: ['IAMNoInlinePolicy @ Construct/Function', 'IAMNoInlinePolicy @ Construct/RedriveFunction',
    'LambdaConcurrency @ Construct/RedriveFunction', 'LambdaDLQ @ Construct/Function', 'LambdaDLQ @ Construct/RedriveFunction'],
  SagaStateMachine: ['IAMNoInlinePolicy @ Construct/StateMachine/Role'],
  ProvisionedApi: ['IAMNoInlinePolicy @ Construct/Function', 'LambdaDLQ @ Construct/Function'],
  IdempotencyTable: [],
  ServerlessFunction: ['IAMNoInlinePolicy @ Construct', 'LambdaDLQ @ Construct'],
  StreamWorker: ['IAMNoInlinePolicy @ Construct/Function', 'LambdaDLQ @ Construct/Function'],
  ScheduledJob: ['IAMNoInlinePolicy @ Construct/Function', 'IAMNoInlinePolicy @ Construct/SchedulerRole', 'LambdaDLQ @ Construct/Function'],
  DurableFunction: ['IAMNoInlinePolicy @ Construct/CheckpointPolicy', 'IAMNoInlinePolicy @ Construct/Function', 'LambdaDLQ @ Construct/Function'],
  ServerlessDashboard: [],
  ServerlessVpcEndpoints: ['EC2RestrictedCommonPorts @ Construct/Sqs', 'EC2RestrictedSSH @ Construct/Sqs'],
};

/** The compliance-pack rules that fire on the library's defaults, each fixed by a prop (docs/guardrails.md "Compliance packs"). */
const FIXED_BY_PROPS = ['CloudWatchAlarmAction', 'CloudWatchLogGroupEncrypted', 'DynamoDBInBackupPlan', 'LambdaConcurrency',
  'LambdaInsideVPC', 'S3BucketLoggingEnabled', 'S3BucketReplicationEnabled', 'S3BucketVersioningEnabled', 'S3DefaultEncryptionKMS'];

const GUARDRAILS_DOC = readFileSync(join(__dirname, '..', 'docs', 'guardrails.md'), 'utf8');
const COMPLIANCE_START = GUARDRAILS_DOC.indexOf('\n## Compliance packs');
const COMPLIANCE_END = GUARDRAILS_DOC.indexOf('\n## ', COMPLIANCE_START + 1);
const COMPLIANCE_SECTION = GUARDRAILS_DOC.slice(COMPLIANCE_START, COMPLIANCE_END < 0 ? undefined : COMPLIANCE_END);

describe('cdk-nag HIPAA Security and NIST 800-53 rev 5 packs', () => {
  test('every construct of the library is configured here', () => {
    expect(Object.keys(CONFIGURED).sort()).toEqual(LIBRARY_CONSTRUCTS.map(([name]) => name).sort());
  });

  test.each(Object.keys(CONFIGURED))('%s with the compliance props has no unacknowledged finding', (name) => {
    expect(complianceFindings(configured(name))).toEqual([]);
  });

  test.each(Object.keys(CONFIGURED))('%s: what stays acknowledged is the documented list, in both packs, with a reason', (name) => {
    const acks = complianceAcknowledgements(configured(name));
    const byRule = (pack: string) => acks.filter((a) => a.id.startsWith(`${pack}-`))
      .map((a) => `${a.id.slice(pack.length + 1)} @ ${a.path}`).sort();
    expect(byRule('HIPAA.Security')).toEqual(ACKNOWLEDGED[name]);
    expect(byRule('NIST.800.53.R5')).toEqual(ACKNOWLEDGED[name]);
    for (const ack of acks) expect({ id: ack.id, reasonLength: ack.reason.length >= 40 }).toEqual({ id: ack.id, reasonLength: true });
  });

  test('with defaults, every finding on library resources is one a prop fixes, as many as docs/guardrails.md says', () => {
    const findings = LIBRARY_CONSTRUCTS.flatMap(([, , create]) => complianceFindings(create(envStack(new App(), 'DefaultsStack'))));
    const rules = new Set(findings.map((f) => f.split(' @ ')[0].replace(/^(HIPAA\.Security|NIST\.800\.53\.R5)-/, '')));
    expect([...rules].sort()).toEqual(FIXED_BY_PROPS);
    const count = (pack: string) => findings.filter((f) => f.startsWith(`${pack}-`)).length;
    const row = /\| defaults now[^|]*\| (\d+) \| (\d+) \|/.exec(COMPLIANCE_SECTION);
    expect({ hipaa: count('HIPAA.Security'), nist: count('NIST.800.53.R5') }).toEqual({ hipaa: Number(row?.[1]), nist: Number(row?.[2]) });
  });

  test('the "Compliance packs" section of docs/guardrails.md names every rule, fixed or acknowledged', () => {
    expect(COMPLIANCE_START).toBeGreaterThan(0);
    const acknowledged = new Set(Object.values(ACKNOWLEDGED).flat().map((a) => a.split(' @ ')[0]));
    for (const rule of [...FIXED_BY_PROPS, ...acknowledged]) {
      expect({ rule, listed: COMPLIANCE_SECTION.includes(`\`${rule}\``) }).toEqual({ rule, listed: true });
    }
  });

});

describe('the props that fix the compliance findings', () => {
  test('logEncryptionKey encrypts the state machine\'s log group, and the key lets CloudWatch Logs use it', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'LogKey', { enableKeyRotation: true });
    new lib.SagaStateMachine(stack, 'Saga', {
      steps: [{ name: 'reserve', action: userFunctionArn(stack, 'Reserve'), compensation: userFunctionArn(stack, 'Release') }],
      logEncryptionKey: key, logRetention: logs.RetentionDays.ONE_WEEK,
    });
    const t = template(stack);
    t.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] }, RetentionInDays: 7 });
    t.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({
        Sid: 'AllowCloudWatchLogsOfThisAccountAndRegion', Principal: { Service: 'logs.us-east-1.amazonaws.com' },
        Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': Match.anyValue() } },
      })]) },
    });
  });

  test('one logEncryptionKey covers ProvisionedApi\'s function logs and its access logs', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'LogKey', { enableKeyRotation: true });
    const api = new lib.ProvisionedApi(stack, 'Api', { handler: lib.HandlerCode.bundled('provisioned-api/example'), logEncryptionKey: key });
    const keyArn = { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] };
    const groups = template(stack).findResources('AWS::Logs::LogGroup');
    expect(Object.keys(groups)).toHaveLength(2);
    for (const group of Object.values(groups)) expect(group.Properties.KmsKeyId).toEqual(keyArn);
    expect(groups[stack.getLogicalId(api.accessLogGroup!.node.defaultChild as logs.CfnLogGroup)]).toBeDefined();
  });

  test('ProvisionedApi with your own function: logEncryptionKey still encrypts the access logs, and leaves your function\'s logs alone', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'LogKey', { enableKeyRotation: true });
    const own = new lambda.Function(stack, 'Own', {
      code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'), handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_22_X, reservedConcurrentExecutions: 20,
    });
    const api = new lib.ProvisionedApi(stack, 'Api', { handler: lib.HandlerCode.fromFunction(own), logEncryptionKey: key });
    const groups = template(stack).findResources('AWS::Logs::LogGroup');
    expect(Object.keys(groups)).toEqual([stack.getLogicalId(api.accessLogGroup!.node.defaultChild as logs.CfnLogGroup)]);
    expect(Object.values(groups)[0].Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] });
  });

  test('IdempotencyTable: a customer managed key, and a backup selection naming the table in the given plan', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'TableKey', { enableKeyRotation: true });
    const plan = backup.BackupPlan.daily35DayRetention(stack, 'Plan');
    const table = new lib.IdempotencyTable(stack, 'Table', { encryptionKey: key, backupPlan: plan });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    table.grantRecordAccess(role);
    const t = template(stack);
    const keyArn = { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] };
    const tableId = stack.getLogicalId(table.node.defaultChild as dynamodb.CfnTable);
    t.hasResourceProperties('AWS::DynamoDB::Table', { SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn } });
    t.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupPlanId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Plan'), 'BackupPlanId'] },
      BackupSelection: Match.objectLike({ Resources: [{ 'Fn::GetAtt': [tableId, 'Arn'] }] }),
    });
    expect(table.backupSelection).toBeDefined();
    // The persistence layer's grant names the key's actions one by one.
    t.hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: Match.arrayWith([
      { Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'], Effect: 'Allow', Resource: keyArn },
    ]) } });
  });

  test('an imported backup plan works too, and without a plan or key the table keeps the AWS managed key and no selection', () => {
    const stack = newStack();
    new lib.IdempotencyTable(stack, 'Table', { backupPlan: backup.BackupPlan.fromBackupPlanId(stack, 'Central', 'central-plan-id') });
    template(stack).hasResourceProperties('AWS::Backup::BackupSelection', { BackupPlanId: 'central-plan-id' });
    const plain = newStack();
    const table = new lib.IdempotencyTable(plain, 'Table');
    template(plain).resourceCountIs('AWS::Backup::BackupSelection', 0);
    template(plain).hasResourceProperties('AWS::DynamoDB::Table', { SSESpecification: { SSEEnabled: true } });
    expect(table.backupSelection).toBeUndefined();
  });

  test('AsyncFunction\'s redrive function runs in the same VPC and logs under the same key as the function', () => {
    const stack = newStack();
    const kit = complianceKit(stack);
    const construct = new lib.AsyncFunction(stack, 'Async', { handler: lib.HandlerCode.bundled('async-function/example'), ...functionProps(kit) });
    const functions = template(stack).findResources('AWS::Lambda::Function');
    const redrive = functions[stack.getLogicalId(construct.node.findChild('RedriveFunction').node.defaultChild as lambda.CfnFunction)];
    expect(redrive.Properties.VpcConfig.SubnetIds).toHaveLength(2);
    const groups = template(stack).findResources('AWS::Logs::LogGroup');
    expect(Object.values(groups).map((g) => g.Properties.KmsKeyId)).toEqual([
      { 'Fn::GetAtt': [stack.getLogicalId(kit.logKey.node.defaultChild as kms.CfnKey), 'Arn'] },
      { 'Fn::GetAtt': [stack.getLogicalId(kit.logKey.node.defaultChild as kms.CfnKey), 'Arn'] },
    ]);
  });

  test('ScheduledJob: reservedConcurrency on a function target; with allowOverlap false only 1 is accepted', () => {
    const stack = newStack();
    new lib.ScheduledJob(stack, 'Job', {
      schedule: lib.JobSchedule.cron('0 2 * * ? *'),
      target: lib.ScheduledJobTarget.handler(lib.HandlerCode.bundled('scheduled-job/example'), { reservedConcurrency: 3 }),
    });
    template(stack).hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 3 });
    expect(() => new lib.ScheduledJob(newStack(), 'Job', {
      schedule: lib.JobSchedule.cron('0 2 * * ? *'), allowOverlap: false,
      target: lib.ScheduledJobTarget.handler(lib.HandlerCode.bundled('scheduled-job/example'), { reservedConcurrency: 3 }),
    })).toThrow("TestStack/Job: invalid prop 'target.reservedConcurrency': is 3, but allowOverlap is false, and the job keeps runs "
      + 'from overlapping by reserving a concurrency of exactly 1. Fix: leave reservedConcurrency unset (or 1), or drop allowOverlap');
  });
});
