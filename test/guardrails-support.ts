import { readdirSync } from 'fs';
import { join } from 'path';
import { App, Aspects, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import * as lib from '../lib';
import { ServerlessGuardrails, ServerlessGuardrailsProps } from '../lib';

/** A guardrail annotation: level, construct path and rule id (`[SPG-...]` at the start of the message). */
export interface GuardrailFinding {
  readonly level: 'error' | 'warning' | 'info';
  readonly path: string;
  readonly rule: string;
}

/** A stack in a fixed environment with `ServerlessGuardrails` applied to its app. */
export function guardedStack(props?: ServerlessGuardrailsProps): Stack {
  const app = new App();
  Aspects.of(app).add(new ServerlessGuardrails(props));
  return new Stack(app, 'UserStack', { env: { account: '123456789012', region: 'us-east-1' } });
}

/** Every annotation of the stack whose message starts with a rule id, sorted by path then rule. */
export function findingsOf(stack: Stack): GuardrailFinding[] {
  return messagesOf(stack).map(({ level, path, message }) => {
    const rule = /^\[(SPG-[A-Z0-9-]+)\]/.exec(message)?.[1];
    return rule ? { level, path, rule } : undefined;
  }).filter((f): f is GuardrailFinding => f !== undefined)
    .sort((a, b) => a.path.localeCompare(b.path) || a.rule.localeCompare(b.rule));
}

/** Every annotation of the stack with its message. */
export function messagesOf(stack: Stack): Array<{ level: 'error' | 'warning' | 'info'; path: string; message: string }> {
  const annotations = Annotations.fromStack(stack);
  const pick = (level: 'error' | 'warning' | 'info', found: Array<{ id: string; entry: { data?: unknown } }>) =>
    found.map((m) => ({ level, path: m.id, message: String(m.entry.data) }));
  return [
    ...pick('error', annotations.findError('*', Match.anyValue())),
    ...pick('warning', annotations.findWarning('*', Match.anyValue())),
    ...pick('info', annotations.findInfo('*', Match.anyValue())),
  ];
}

/** The message of the one annotation of `rule`. */
export function messageOf(stack: Stack, rule: string): string {
  const found = messagesOf(stack).filter((m) => m.message.startsWith(`[${rule}]`));
  if (found.length !== 1) throw new Error(`expected one ${rule} annotation, got ${found.length}`);
  return found[0].message;
}

/** A function as a careful user writes it with plain aws-cdk-lib: explicit log group with retention. */
export function userFunction(scope: Construct, id: string, props: Partial<lambda.FunctionProps> = {}): lambda.Function {
  return new lambda.Function(scope, id, {
    code: lambda.Code.fromInline('exports.handler = async () => ({});'),
    handler: 'index.handler',
    runtime: lambda.Runtime.NODEJS_22_X,
    timeout: Duration.seconds(10),
    logGroup: new logs.LogGroup(scope, `${id}Logs`, { retention: logs.RetentionDays.ONE_MONTH }),
    ...props,
  });
}

const ROOT = join(__dirname, '..');
const ENV = { account: '123456789012', region: 'us-east-1' };

/** An existing function a user passes in (saga steps): not ours, so outside a construct's checked scope. */
function userFunctionArn(scope: Construct, id: string): lambda.IFunction {
  return lambda.Function.fromFunctionArn(scope, id, `arn:aws:lambda:us-east-1:123456789012:function:${id}`);
}

/**
 * Every construct of the library with its defaults (only required props set), as
 * [name, folder in lib/, create]. The demo app covers whatever the examples wire.
 */
export const LIBRARY_CONSTRUCTS: Array<[string, string, (scope: Construct) => IConstruct]> = ([
  ['SqsWorker', 'sqs-worker', (s: Construct) => new lib.SqsWorker(s, 'Construct', { handler: lib.HandlerCode.bundled('sqs-worker/example') })],
  ['FanOutPipeline', 'fan-out-pipeline', (s: Construct) => new lib.FanOutPipeline(s, 'Construct', {
    consumers: [{ name: 'audit', handler: lib.HandlerCode.bundled('fan-out-pipeline/example') }],
  })],
  ['AsyncFunction', 'async-function', (s: Construct) => new lib.AsyncFunction(s, 'Construct', { handler: lib.HandlerCode.bundled('async-function/example') })],
  ['SagaStateMachine', 'saga-state-machine', (s: Construct) => new lib.SagaStateMachine(s, 'Construct', {
    steps: [{ name: 'reserve', action: userFunctionArn(s, 'Reserve'), compensation: userFunctionArn(s, 'Release') }],
  })],
  ['ProvisionedApi', 'provisioned-api', (s: Construct) => new lib.ProvisionedApi(s, 'Construct', { handler: lib.HandlerCode.bundled('provisioned-api/example') })],
  ['IdempotencyTable', 'idempotency-table', (s: Construct) => new lib.IdempotencyTable(s, 'Construct')],
  ['ServerlessFunction', 'serverless-function', (s: Construct) => new lib.ServerlessFunction(s, 'Construct', { handler: lib.HandlerCode.bundled('saga-state-machine/reserve-inventory') })],
  ['StreamWorker', 'stream-worker', (s: Construct) => new lib.StreamWorker(s, 'Construct', { handler: lib.HandlerCode.bundled('stream-worker/example') })],
  ['ScheduledJob', 'scheduled-job', (s: Construct) => new lib.ScheduledJob(s, 'Construct', {
    schedule: lib.JobSchedule.cron('0 2 * * ? *'), target: lib.ScheduledJobTarget.handler(lib.HandlerCode.bundled('scheduled-job/example')),
  })],
  ['DurableFunction', 'durable-function', (s: Construct) => new lib.DurableFunction(s, 'Construct', { handler: lib.HandlerCode.bundled('durable-function/order-saga') })],
  ['ServerlessDashboard', 'dashboard', (s: Construct) => new lib.ServerlessDashboard(s, 'Construct')],
  ['ServerlessVpcEndpoints', 'vpc-endpoints', (s: Construct) => new lib.ServerlessVpcEndpoints(s, 'Construct', {
    vpc: new ec2.Vpc(s, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] }),
    services: [lib.ServerlessVpcEndpointService.DYNAMODB, lib.ServerlessVpcEndpointService.SQS],
  })],
] as Array<[string, string, (scope: Construct) => IConstruct]>);

/** A stack in the fixed test environment. */
export function envStack(app: App, id: string): Stack {
  return new Stack(app, id, { env: ENV });
}

/** The demo app's stack, built as examples/app.ts builds it: every `add<X>Demo` of examples/. */
export function demoStack(app: App = new App()): Stack {
  const stack = envStack(app, 'ServerlessPatternsDemo');
  const alarmTopic = new sns.Topic(stack, 'AlarmTopic', { enforceSSL: true });
  const files = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && f !== 'app.ts');
  for (const file of files.sort()) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const demo = require(join(ROOT, 'examples', file)) as Record<string, unknown>;
    for (const [name, add] of Object.entries(demo)) {
      if (/^add\w+Demo$/.test(name) && typeof add === 'function') add(stack, alarmTopic);
    }
  }
  return stack;
}
