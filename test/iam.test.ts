import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { demoStack, envStack, LIBRARY_CONSTRUCTS } from './guardrails-support';

const ENV = { account: '123456789012', region: 'us-east-1' };

/**
 * Wildcards AWS requires, and only these: an `Allow` with `*` as action (or `service:*`) or as
 * resource fails the test unless every action of the statement is listed here for that policy kind.
 */
const ALLOWED_WILDCARDS: Array<{ kind: string; actions: string[]; resource: '*'; reason: string }> = [
  {
    kind: 'identity',
    actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
    resource: '*',
    reason: 'X-Ray has no resource-level permissions: active tracing (Lambda, Step Functions) needs Resource "*"',
  },
  {
    kind: 'identity',
    actions: ['cloudwatch:PutMetricData'],
    resource: '*',
    reason: 'CloudWatch PutMetricData has no resource-level permissions (SagaStateMachine records CompensationFailed '
      + 'in its own namespace)',
  },
  {
    kind: 'identity',
    actions: ['logs:CreateLogDelivery', 'logs:GetLogDelivery', 'logs:UpdateLogDelivery', 'logs:DeleteLogDelivery',
      'logs:ListLogDeliveries', 'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups'],
    resource: '*',
    reason: 'Step Functions logging to CloudWatch Logs uses vended-log delivery APIs that support only Resource "*"',
  },
  {
    kind: 'identity',
    actions: ['dynamodb:ListStreams'],
    resource: '*',
    reason: 'dynamodb:ListStreams has no resource-level permissions; Lambda checks it when a mapping reads a table\'s '
      + 'stream (StreamWorker on a DynamoDB source, through table.grantStreamRead)',
  },
  {
    kind: 'key',
    actions: ['kms:*'],
    resource: '*',
    reason: 'default KMS key policy: the account root keeps administering the key (without it the key becomes '
      + 'unmanageable); in a key policy "*" means this key only',
  },
];

const POLICY_DOCUMENTS: Record<string, { kind: string; documents: (props: any) => any[] }> = {
  'AWS::IAM::Policy': { kind: 'identity', documents: (p) => [p.PolicyDocument] },
  'AWS::IAM::ManagedPolicy': { kind: 'identity', documents: (p) => [p.PolicyDocument] },
  'AWS::IAM::Role': { kind: 'identity', documents: (p) => (p.Policies ?? []).map((x: any) => x.PolicyDocument) },
  'AWS::SQS::QueuePolicy': { kind: 'resource', documents: (p) => [p.PolicyDocument] },
  'AWS::SNS::TopicPolicy': { kind: 'resource', documents: (p) => [p.PolicyDocument] },
  'AWS::S3::BucketPolicy': { kind: 'resource', documents: (p) => [p.PolicyDocument] },
  'AWS::Events::EventBusPolicy': { kind: 'resource', documents: (p) => (p.Statement ? [{ Statement: [p.Statement] }] : []) },
  'AWS::KMS::Key': { kind: 'key', documents: (p) => [p.KeyPolicy] },
  'AWS::Lambda::Permission': {
    kind: 'resource',
    documents: (p) => [{ Statement: [{ Effect: 'Allow', Action: p.Action, Resource: p.FunctionName }] }],
  },
};

const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const isWildcardAction = (a: unknown) => a === '*' || (typeof a === 'string' && /^[a-z0-9-]+:\*$/i.test(a));

/** Every `Allow` statement with a `*` action or resource that is not in the allow-list, as readable lines. */
function unjustifiedWildcards(template: Template): string[] {
  const problems: string[] = [];
  for (const [type, { kind, documents }] of Object.entries(POLICY_DOCUMENTS)) {
    for (const [logicalId, resource] of Object.entries(template.findResources(type))) {
      for (const doc of documents(resource.Properties ?? {})) {
        for (const statement of list(doc?.Statement) as any[]) {
          if (statement.Effect !== 'Allow') continue; // Deny (enforceSSL) only narrows access
          const actions = list(statement.Action ?? statement.NotAction);
          // In a key policy the resource is always "*", meaning this key: only the actions can be too wide.
          const starResource = kind !== 'key' && (list(statement.Resource).includes('*') || statement.NotResource !== undefined);
          const starAction = actions.some(isWildcardAction) || statement.NotAction !== undefined;
          if (!starResource && !starAction) continue;
          const allowed = ALLOWED_WILDCARDS.some((w) => w.kind === kind
            && actions.every((a) => w.actions.includes(a as string)));
          if (!allowed) problems.push(`${type} ${logicalId}: ${JSON.stringify(actions)} on ${JSON.stringify(statement.Resource)}`);
        }
      }
    }
  }
  return problems;
}

/** Managed policies attached to roles, which the template only names: each must be justified. */
const ALLOWED_MANAGED_POLICIES: Record<string, string> = {
  'service-role/AWSLambdaBasicExecutionRole': 'Lambda\'s minimum logging policy (CreateLogGroup, CreateLogStream, PutLogEvents)',
};

function unjustifiedManagedPolicies(template: Template): string[] {
  return Object.entries(template.findResources('AWS::IAM::Role')).flatMap(([logicalId, role]) =>
    list(role.Properties?.ManagedPolicyArns).map((arn) => JSON.stringify(arn))
      .filter((arn) => !Object.keys(ALLOWED_MANAGED_POLICIES).some((name) => arn.includes(`:iam::aws:policy/${name}"`)))
      .map((arn) => `AWS::IAM::Role ${logicalId}: managed policy ${arn}`));
}

describe('IAM: no "*" action or resource beyond what AWS requires', () => {
  test.each(LIBRARY_CONSTRUCTS)('%s with defaults', (_name, _file, create) => {
    const stack = envStack(new App(), 'IamStack');
    create(stack);
    const template = Template.fromStack(stack);
    expect(unjustifiedWildcards(template)).toEqual([]);
    expect(unjustifiedManagedPolicies(template)).toEqual([]);
  });

  test('the demo app', () => {
    const template = Template.fromStack(demoStack());
    expect(unjustifiedWildcards(template)).toEqual([]);
    expect(unjustifiedManagedPolicies(template)).toEqual([]);
  });

  test('the walker catches a "*" resource, a service-wide action, a wildcard in a resource policy and an unlisted managed policy', () => {
    const stack = new Stack(new App(), 'Broken', { env: ENV });
    const role = new iam.Role(stack, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess')],
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['dynamodb:GetItem'], resources: ['*'] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['xray:PutTraceSegments'], resources: ['*'] }));
    const queue = new sqs.Queue(stack, 'Queue');
    queue.addToResourcePolicy(new iam.PolicyStatement({ actions: ['sqs:*'], resources: [queue.queueArn], principals: [new iam.AccountRootPrincipal()] }));
    const problems = unjustifiedWildcards(Template.fromStack(stack));
    expect(problems).toEqual([
      expect.stringMatching(/^AWS::IAM::Policy RoleDefaultPolicy\w+: \["dynamodb:GetItem"\] on "\*"$/),
      expect.stringMatching(/^AWS::SQS::QueuePolicy QueuePolicy\w+: \["sqs:\*"\]/),
    ]);
    expect(unjustifiedManagedPolicies(Template.fromStack(stack))).toEqual([
      expect.stringContaining('AdministratorAccess'),
    ]);
  });

  test('every allow-listed wildcard has a reason', () => {
    for (const w of ALLOWED_WILDCARDS) expect(w.reason.length).toBeGreaterThan(30);
    for (const reason of Object.values(ALLOWED_MANAGED_POLICIES)) expect(reason.length).toBeGreaterThan(30);
  });
});
