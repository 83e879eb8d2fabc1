import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Construct } from 'constructs';
import * as lib from '../lib';
import { userFunction } from './guardrails-support';

/**
 * Every `grant*` of the library, called from a plain `lambda.Function` in another stack of the
 * same App, as a user's app does (issue 13, item 3): no AwsSolutions-IAM5 finding (wildcard
 * actions or resources) on the grantee, and exactly the actions a producer needs.
 */

const ENV = { account: '123456789012', region: 'us-east-1' };
const action = (s: Construct, id: string) => lambda.Function.fromFunctionArn(s, id, `arn:aws:lambda:us-east-1:123456789012:function:${id}`);

/** [grant, the construct in the service stack and the call on the grantee, the grantee's exact actions]. */
type GrantCase = [string, (service: Construct, grantee: iam.IGrantable) => void, string[]];

const CASES: GrantCase[] = [
  ['SqsWorker.grantSendMessages (KMS queue)', (s, g) => new lib.SqsWorker(s, 'Worker', {
    handler: lib.HandlerCode.bundled('sqs-worker/example'), encryptionKey: new kms.Key(s, 'QueueKey', { enableKeyRotation: true }),
  }).grantSendMessages(g), ['kms:Decrypt', 'kms:GenerateDataKey', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']],
  ['SqsWorker.grantSendMessages (SQS-managed encryption)', (s, g) => new lib.SqsWorker(s, 'Worker', {
    handler: lib.HandlerCode.bundled('sqs-worker/example'),
  }).grantSendMessages(g), ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']],
  ['FanOutPipeline.grantPublish (KMS topic)', (s, g) => new lib.FanOutPipeline(s, 'Pipeline', {
    consumers: [{ name: 'audit', handler: lib.HandlerCode.bundled('fan-out-pipeline/example') }],
  }).grantPublish(g), ['kms:Decrypt', 'kms:GenerateDataKey', 'sns:Publish']],
  ['FanOutPipeline.grantPublish (event bus)', (s, g) => new lib.FanOutPipeline(s, 'Pipeline', {
    source: lib.FanOutSource.eventBus(),
    consumers: [{
      name: 'audit', handler: lib.HandlerCode.bundled('fan-out-pipeline/example'),
      filter: lib.ConsumerFilter.eventPattern({ source: ['orders'], detailType: ['OrderPlaced'] }),
    }],
  }).grantPublish(g), ['events:PutEvents']],
  ['StreamWorker.grantPutRecords (KMS stream)', (s, g) => new lib.StreamWorker(s, 'Worker', {
    handler: lib.HandlerCode.bundled('stream-worker/example'),
    source: lib.StreamSource.kinesis(new kinesis.Stream(s, 'Stream', {
      encryption: kinesis.StreamEncryption.KMS, encryptionKey: new kms.Key(s, 'StreamKey', { enableKeyRotation: true }),
    })),
  }).grantPutRecords(g), ['kinesis:ListShards', 'kinesis:PutRecord', 'kinesis:PutRecords', 'kms:GenerateDataKey']],
  ['StreamWorker.grantPutRecords (created stream)', (s, g) => new lib.StreamWorker(s, 'Worker', {
    handler: lib.HandlerCode.bundled('stream-worker/example'), source: lib.StreamSource.newKinesisStream(),
  }).grantPutRecords(g), ['kinesis:ListShards', 'kinesis:PutRecord', 'kinesis:PutRecords']],
  ['SagaStateMachine.grantStartExecution', (s, g) => new lib.SagaStateMachine(s, 'Saga', {
    steps: [{ name: 'reserve', action: action(s, 'Reserve'), compensation: action(s, 'Release') }],
  }).grantStartExecution(g), ['states:StartExecution']],
  ['SagaStateMachine.grantStartSyncExecution', (s, g) => new lib.SagaStateMachine(s, 'Saga', {
    stateMachineType: sfn.StateMachineType.EXPRESS,
    steps: [{ name: 'reserve', action: action(s, 'Reserve'), compensation: action(s, 'Release') }],
  }).grantStartSyncExecution(g), ['states:StartSyncExecution']],
  ['SagaStateMachine.grantTaskResponse', (s, g) => new lib.SagaStateMachine(s, 'Saga', {
    steps: [{ name: 'approve', actionTask: lib.SagaTask.callbackViaFunction(action(s, 'Approve'), { timeout: Duration.minutes(5) }) }],
  }).grantTaskResponse(g), ['states:SendTaskFailure', 'states:SendTaskHeartbeat', 'states:SendTaskSuccess']],
  ['AsyncFunction.grantInvoke', (s, g) => new lib.AsyncFunction(s, 'Async', {
    handler: lib.HandlerCode.bundled('async-function/example'),
  }).grantInvoke(g), ['lambda:InvokeFunction']],
  ['ProvisionedApi.grantInvoke (HTTP API)', (s, g) => new lib.ProvisionedApi(s, 'Api', {
    handler: lib.HandlerCode.bundled('provisioned-api/example'),
  }).grantInvoke(g), ['execute-api:Invoke']],
  ['ProvisionedApi.grantInvoke (function URL)', (s, g) => new lib.ProvisionedApi(s, 'Api', {
    handler: lib.HandlerCode.bundled('provisioned-api/example'), endpoint: lib.ProvisionedApiEndpoint.FUNCTION_URL,
  }).grantInvoke(g), ['lambda:InvokeFunction', 'lambda:InvokeFunctionUrl']],
  ['IdempotencyTable.grantRecordAccess', (s, g) => new lib.IdempotencyTable(s, 'Table').grantRecordAccess(g),
    ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']],
];

/** The actions of every statement of the grantee's policies, sorted. */
function granteeActions(stack: Stack): string[] {
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
  const actions = Object.values(policies).flatMap((p) => (p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[] }>)
    .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])));
  return [...new Set(actions)].sort();
}

/** A user's app: the library construct in one stack, the plain function it grants to in another. */
function clientStack(grant: GrantCase[1]): Stack {
  const app = new App();
  const service = new Stack(app, 'Service', { env: ENV });
  const client = new Stack(app, 'Client', { env: ENV });
  grant(service, userFunction(client, 'Producer'));
  return client;
}

describe.each(CASES)('%s, called from a function in another stack', (_name, grant, actions) => {
  test('gives the grantee no AwsSolutions-IAM5 finding', () => {
    const client = clientStack(grant);
    const findings = new AwsSolutionsChecks().validateScope(client).violations
      .filter((v) => v.ruleName.startsWith('AwsSolutions-IAM5'))
      .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}: ${r.locations?.join(' ') ?? ''}`));
    expect(findings).toEqual([]);
  });

  test('grants exactly the actions the caller needs', () => {
    expect(granteeActions(clientStack(grant))).toEqual(actions);
  });
});
