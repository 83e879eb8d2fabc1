import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { AwsSolutionsChecks, NagPack, ServerlessChecks } from 'cdk-nag';
import { Construct, IConstruct } from 'constructs';
import * as lib from '../lib';
import { demoStack, envStack, LIBRARY_CONSTRUCTS } from './guardrails-support';

const ENV = { account: '123456789012', region: 'us-east-1' };
const ROOT = join(__dirname, '..');

const existing = LIBRARY_CONSTRUCTS;

/** Findings of both packs as `severity rule @ path` lines: readable in a failure, and exactly comparable. */
function nagFindings(scope: IConstruct): string[] {
  const packs: NagPack[] = [new AwsSolutionsChecks(), new ServerlessChecks()];
  return packs.flatMap((pack) => pack.validateScope(scope).violations.flatMap((v) =>
    v.violatingResources.map((r) => `${v.severity} ${v.ruleName} @ ${r.constructPath}`)));
}

/** Every acknowledged rule under `scope`: path, rule id (as cdk-nag reads it) and reason. */
function acknowledgements(scope: IConstruct): Array<{ path: string; id: string; reason: string }> {
  return scope.node.findAll().flatMap((c) => c.node.metadata
    .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([key, reason]) => ({
      path: c.node.path, id: key.replace(/^annotation::/i, ''), reason,
    }))));
}

/**
 * Findings a naive hand-wired SQS + Lambda + SNS + Step Functions + HTTP API stack gets, that our
 * constructs' defaults fix (docs/guardrails.md lists them as "fixed"): proves those rules are live.
 */
const FIXED_BY_DEFAULTS = [
  'AwsSolutions-L1', 'Serverless-LambdaLatestVersion', 'Serverless-LambdaDefaultMemorySize', 'Serverless-LambdaDefaultTimeout',
  'Serverless-LambdaTracing', 'AwsSolutions-SQS3', 'AwsSolutions-SQS4', 'AwsSolutions-SNS3', 'Serverless-SNSRedrivePolicy',
  'AwsSolutions-SF1', 'AwsSolutions-SF2', 'Serverless-StepFunctionStateMachineXray', 'AwsSolutions-APIG1',
  'Serverless-APIGWAccessLogging', 'Serverless-APIGWDefaultThrottling',
];

function naiveStack(): Stack {
  const stack = new Stack(new App(), 'Naive', { env: ENV });
  const fn = new lambda.Function(stack, 'Fn', {
    code: lambda.Code.fromInline('exports.handler = async () => ({});'), handler: 'index.handler', runtime: lambda.Runtime.NODEJS_20_X,
  });
  const queue = new sqs.Queue(stack, 'Queue');
  fn.addEventSource(new SqsEventSource(queue));
  new sns.Topic(stack, 'Topic').addSubscription(new subscriptions.SqsSubscription(queue));
  new sfn.StateMachine(stack, 'StateMachine', {
    definitionBody: sfn.DefinitionBody.fromChainable(new tasks.LambdaInvoke(stack, 'Invoke', { lambdaFunction: fn })),
  });
  new apigwv2.HttpApi(stack, 'Api', { defaultIntegration: new HttpLambdaIntegration('Integration', fn) });
  return stack;
}

describe('cdk-nag AwsSolutions and Serverless packs', () => {
  test('the findings our defaults fix do fire on a naive hand-wired stack', () => {
    const fired = new Set(nagFindings(naiveStack()).map((f) => f.split(' ')[1]));
    expect(FIXED_BY_DEFAULTS.filter((rule) => !fired.has(rule))).toEqual([]);
  });

  test('every construct the library exports is checked here (directly, or inside the construct that creates it)', () => {
    const createdInside: Record<string, string> = { FanOutConsumer: 'FanOutPipeline' };
    const exported = Object.entries(lib)
      .filter(([, value]) => typeof value === 'function' && value.prototype instanceof Construct)
      .map(([name]) => createdInside[name] ?? name);
    expect([...new Set(exported)].sort()).toEqual(existing.map(([name]) => name).sort());
  });

  test.each(existing)('%s with defaults has no unsuppressed error or warning', (_name, _file, create) => {
    const construct = create(envStack(new App(), 'NagStack'));
    expect(nagFindings(construct)).toEqual([]);
  });

  test('the demo app has no unsuppressed error or warning', () => {
    const stack = demoStack(new App());
    expect(stack.node.findAll().some((c) => c instanceof lib.SqsWorker)).toBe(true);
    expect(nagFindings(stack)).toEqual([]);
  });

  test('the demo app has no finding under the feature flags a new `cdk init` project sets either', () => {
    const stack = demoStack(new App({ context: { ...cxapi.CURRENTLY_RECOMMENDED_FLAGS } }));
    expect(nagFindings(stack)).toEqual([]);
  });

  // CDK_VALIDATION=false (test/setup.ts) turns off only aws-cdk-lib's built-in CloudFormation
  // validation plugin; registered plugins such as these packs still run at synth (the next test shows
  // they fail it). The demo app's CloudFormation validation is checked by test/examples.e2e.test.ts,
  // through the CLI.
  test('the demo app synthesizes with both packs registered as validation plugins', () => {
    const app = new App();
    demoStack(app);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
    expect(() => app.synth()).not.toThrow();
  });

  test('the plugins do fail a synth with an unacknowledged finding (the check above is live)', () => {
    const app = new App();
    const stack = new Stack(app, 'Naive', { env: ENV });
    new lambda.Function(stack, 'Plain', {
      code: lambda.Code.fromInline('exports.handler = async () => ({});'), handler: 'index.handler', runtime: lambda.Runtime.NODEJS_22_X,
    });
    Validations.of(app).addPlugins(new ServerlessChecks(app));
    expect(() => app.synth()).toThrow(/Serverless-LambdaDLQ/);
  });

  test('every suppression carries a reason and is listed in the docs (docs/*.md, where the README depth lives)', () => {
    const app = new App();
    demoStack(app);
    for (const [name, , create] of existing) create(envStack(app, `${name}Defaults`));
    const docs = readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md'))
      .map((f) => readFileSync(join(ROOT, 'docs', f), 'utf8')).join('\n');
    const acks = acknowledgements(app).filter((a) => /^(AwsSolutions|Serverless)-/.test(a.id));
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect({ ...ack, reasonLongEnough: ack.reason.trim().length >= 20 }).toEqual({ ...ack, reasonLongEnough: true });
      // Dynamic ids (a logical id or ARN inside IAM5[Resource::...]) are listed by their pattern.
      const listed = ack.id.replace(/<(?!AWS::Partition>)[^>]+>/g, '<...>')
        .replace(/Resource::arn:[^\]]*:function:[^\]]*:\*\]/, 'Resource::<...>:*]');
      expect({ id: ack.id, listed: docs.includes(listed) || docs.includes(ack.id) }).toEqual({ id: ack.id, listed: true });
    }
  });
});
