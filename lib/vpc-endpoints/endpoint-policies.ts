import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

/** Actions one endpoint allows, and the resources it names (empty: `*`, limited to the account). */
export interface EndpointGrant {
  readonly actions: string[];
  readonly resources: string[];
}

/**
 * The exact actions each endpoint lets through: what the library's constructs and runtime call
 * (idempotency records, task tokens, redrive, metrics) and the usual calls of handler code.
 */
export const ENDPOINT_ACTIONS: { [service: string]: string[] } = {
  dynamodb: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query',
    'dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem'],
  sqs: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes',
    'sqs:GetQueueUrl'],
  states: ['states:StartExecution', 'states:StartSyncExecution'],
  lambda: ['lambda:InvokeFunction'],
  logs: ['logs:CreateLogStream', 'logs:PutLogEvents'],
  monitoring: ['cloudwatch:PutMetricData'],
  kms: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
  'kinesis-streams': ['kinesis:PutRecord', 'kinesis:PutRecords', 'kinesis:GetRecords', 'kinesis:GetShardIterator',
    'kinesis:DescribeStreamSummary', 'kinesis:ListShards'],
  scheduler: ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule', 'scheduler:GetSchedule'],
};

/** Task-token callbacks carry no resource: SendTask* accept only `*` (limited to the account). */
const TASK_TOKEN_ACTIONS = ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'];

/**
 * The statements of one endpoint's policy: any principal of this account (`aws:PrincipalAccount`),
 * the service's exact actions, on the named resources where given, else on `*`.
 * @see https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html
 */
export function endpointPolicyStatements(scope: Construct, service: string, resources: string[]): iam.PolicyStatement[] {
  const account = { StringEquals: { 'aws:PrincipalAccount': Stack.of(scope).account } };
  const statement = (actions: string[], on: string[]) => new iam.PolicyStatement({
    principals: [new iam.AnyPrincipal()], actions, resources: on.length > 0 ? on : ['*'], conditions: account,
  });
  const statements = [statement(ENDPOINT_ACTIONS[service], resources)];
  if (service === 'states') statements.push(statement(TASK_TOKEN_ACTIONS, []));
  return statements;
}
