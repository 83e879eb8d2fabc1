import { existsSync, readdirSync } from 'fs';
import { join } from 'path';
import { App, Aspects, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import * as lib from '../lib';
import { ConcurrencyBudget, ServerlessGuardrails } from '../lib';
import { findingsOf, messagesOf } from './guardrails-support';

const ENV = { account: '123456789012', region: 'us-east-1' };
const ROOT = join(__dirname, '..');

function userFunctionArn(scope: Construct, id: string): lambda.IFunction {
  return lambda.Function.fromFunctionArn(scope, id, `arn:aws:lambda:us-east-1:123456789012:function:${id}`);
}

const constructs: Array<[string, string, (scope: Construct) => void]> = [
  ['SqsWorker', 'sqs-worker', (s) => new lib.SqsWorker(s, 'Construct', { handler: lib.HandlerCode.bundled('sqs-worker/example') })],
  ['FanOutPipeline', 'fan-out-pipeline', (s) => new lib.FanOutPipeline(s, 'Construct', {
    consumers: [{ name: 'audit', handler: lib.HandlerCode.bundled('fan-out/example') }],
  })],
  ['AsyncFunction', 'async-function', (s) => new lib.AsyncFunction(s, 'Construct', { handler: lib.HandlerCode.bundled('async-function/example') })],
  ['SagaStateMachine', 'saga-state-machine', (s) => new lib.SagaStateMachine(s, 'Construct', {
    steps: [{ name: 'reserve', action: userFunctionArn(s, 'Reserve'), compensation: userFunctionArn(s, 'Release') }],
  })],
  ['ProvisionedApi', 'provisioned-api', (s) => new lib.ProvisionedApi(s, 'Construct', { handler: lib.HandlerCode.bundled('provisioned-api/example') })],
];
const existing = constructs.filter(([, file]) => existsSync(join(ROOT, 'lib', `${file}.ts`)));

describe('our own constructs pass our own guardrails', () => {
  test.each(existing)('%s with defaults gets no guardrail finding', (_name, _file, create) => {
    const app = new App();
    Aspects.of(app).add(new ServerlessGuardrails());
    const stack = new Stack(app, 'Guarded', { env: ENV });
    create(stack);
    expect(findingsOf(stack)).toEqual([]);
  });

  test('the demo app gets no guardrail finding, and its concurrency budget is an info', () => {
    const app = new App();
    Aspects.of(app).add(new ServerlessGuardrails());
    ConcurrencyBudget.of(app);
    const stack = new Stack(app, 'ServerlessPatternsDemo', { env: ENV });
    const alarmTopic = new sns.Topic(stack, 'AlarmTopic', { enforceSSL: true });
    for (const file of readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.ts') && f !== 'app.ts').sort()) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      for (const [name, add] of Object.entries(require(join(ROOT, 'examples', file)) as Record<string, unknown>)) {
        if (/^add\w+Demo$/.test(name) && typeof add === 'function') add(stack, alarmTopic);
      }
    }
    expect(findingsOf(stack)).toEqual([{ level: 'info', path: '/ServerlessPatternsDemo', rule: 'SPG-CONCURRENCY-BUDGET' }]);
    expect(messagesOf(stack).find((m) => m.message.startsWith('[SPG-CONCURRENCY-BUDGET]'))?.message)
      .toMatch(/environment 123456789012\/us-east-1: \d+ function\(s\) reserve \d+ of the account limit 1000/);
  });
});
