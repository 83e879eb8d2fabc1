import { existsSync, readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { App, Duration, Stack, Stage } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import * as lib from '../lib';
import { ServerlessGuardrails, ServerlessGuardrailsProps } from '../lib';

/** A guardrail finding: level, construct path and rule id (`[SPG-...]` at the start of the message). */
export interface GuardrailFinding {
  readonly level: 'error' | 'warning' | 'info';
  readonly path: string;
  readonly rule: string;
}

/** One message: a finding of CDK's validation report (ServerlessGuardrails) or an annotation (constructs, ConcurrencyBudget). */
export interface SynthMessage {
  readonly level: 'error' | 'warning' | 'info';
  readonly path: string;
  readonly message: string;
}

/** A stack in a fixed environment with `ServerlessGuardrails` registered on its app. */
export function guardedStack(props?: ServerlessGuardrailsProps): Stack {
  const app = new App();
  ServerlessGuardrails.of(app, props);
  return new Stack(app, 'UserStack', { env: { account: '123456789012', region: 'us-east-1' } });
}

/** Every message of the stack whose text starts with a rule id, sorted by path then rule. */
export function findingsOf(stack: Stack): GuardrailFinding[] {
  return messagesOf(stack).map(({ level, path, message }) => {
    const rule = /^\[(SPG-[A-Z0-9-]+)\]/.exec(message)?.[1];
    return rule ? { level, path, rule } : undefined;
  }).filter((f): f is GuardrailFinding => f !== undefined)
    .sort((a, b) => a.path.localeCompare(b.path) || a.rule.localeCompare(b.rule));
}

const synthesized = new WeakMap<Stage, { report: ValidationReport; console: string }>();

interface ValidationReport {
  readonly pluginReports?: Array<{
    readonly pluginName: string;
    readonly violations: Array<{
      readonly ruleName: string; readonly description: string; readonly suggestedFix?: string; readonly severity?: string;
      readonly violatingConstructs: Array<{ readonly constructPath: string }>;
    }>;
  }>;
}

/**
 * Synthesizes the stack's app once, as `cdk synth` does: ServerlessGuardrails run as a validation
 * plugin, and an error finding makes synth throw (`ValidationFailed`). The report CDK wrote to the
 * cloud assembly is read back; what CDK printed of it is captured (tests stay quiet).
 */
export function synthReport(stack: Stack): { report: ValidationReport; console: string } {
  const stage = Stage.of(stack)!;
  const root = stage.node.root as App;
  const cached = synthesized.get(root);
  if (cached) return cached;
  const printed: string[] = [];
  const spy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => { printed.push(args.join(' ')); });
  try {
    root.synth();
  } catch (e) {
    // An error finding fails synth with CDK's report (in memory, as under jest); anything else is a real failure.
    if (!String((e as Error).message).includes('validation-report.json')) throw e;
  } finally {
    spy.mockRestore();
  }
  const file = join(root.outdir, 'validation-report.json');
  const result = { report: (existsSync(file) ? JSON.parse(readFileSync(file, 'utf-8')) : {}) as ValidationReport, console: printed.join('\n') };
  synthesized.set(root, result);
  return result;
}

/** Every guardrail finding of CDK's validation report on the stack and every annotation of the stack, with its message. */
export function messagesOf(stack: Stack): SynthMessage[] {
  const { report } = synthReport(stack);
  const guardrails = (report.pluginReports ?? []).filter((r) => r.pluginName === 'ServerlessGuardrails')
    .flatMap((r) => r.violations)
    .flatMap((v) => v.violatingConstructs.map((c) => ({
      level: v.severity as SynthMessage['level'],
      path: `/${c.constructPath}`,
      message: `[${v.ruleName}] ${v.description}. Fix: ${v.suggestedFix}`,
    })))
    .filter((m) => m.path.startsWith(`/${stack.node.path}/`));
  return [...guardrails, ...annotationsOf(stack)];
}

/** The annotations of a stack, read from the synthesized cloud assembly's manifest. */
function annotationsOf(stack: Stack): SynthMessage[] {
  const outdir = Stage.of(stack)!.outdir;
  const artifact = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf-8')).artifacts?.[stack.artifactId] ?? {};
  // aws-cdk-lib writes a stack's metadata to a file of its own (`additionalMetadataFile`), older versions inline.
  const metadata = (artifact.additionalMetadataFile
    ? JSON.parse(readFileSync(join(outdir, artifact.additionalMetadataFile), 'utf-8'))
    : artifact.metadata ?? {}) as Record<string, Array<{ type: string; data: unknown }>>;
  const levels: Record<string, SynthMessage['level']> = { 'aws:cdk:error': 'error', 'aws:cdk:warning': 'warning', 'aws:cdk:info': 'info' };
  return Object.entries(metadata).flatMap(([path, entries]) => entries
    .filter((e) => levels[e.type] !== undefined)
    .map((e) => ({ level: levels[e.type], path, message: String(e.data) })));
}

/** The message of the one finding or annotation of `rule`. */
export function messageOf(stack: Stack, rule: string): string {
  const found = messagesOf(stack).filter((m) => m.message.startsWith(`[${rule}]`));
  if (found.length !== 1) throw new Error(`expected one ${rule} message, got ${found.length}`);
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
