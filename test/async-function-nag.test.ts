import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { addAsyncFunctionDemo } from '../examples/async-function';
import { AsyncFunction, HandlerCode } from '../lib';
import { newStack } from './support/cdk';

function findings(stack: ReturnType<typeof newStack>): string[] {
  return [new AwsSolutionsChecks(), new ServerlessChecks()].flatMap((pack) => pack.validateScope(stack).violations
    .map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(' ')}`));
}

describe('AsyncFunction rule packs (cdk-nag AwsSolutions + Serverless)', () => {
  test('defaults, triggers included, have no unacknowledged findings', () => {
    const stack = newStack();
    const fn = new AsyncFunction(stack, 'Async', { handler: HandlerCode.bundled('async-function/example') });
    fn.addEventBridgeRule({ source: ['orders'] });
    fn.addSnsSubscription(new sns.Topic(stack, 'Topic', { enforceSSL: true }));
    fn.addSchedule(events.Schedule.expression('rate(1 day)'));
    expect(findings(stack)).toEqual([]);
  });

  test('the demo', () => {
    const stack = newStack();
    addAsyncFunctionDemo(stack, new sns.Topic(stack, 'Alarms', { enforceSSL: true }));
    expect(findings(stack)).toEqual([]);
  });
});

test('an adopted function: the redrive\'s qualified-ARN invoke grant is acknowledged for that function', () => {
  const stack = newStack();
  const own = new lambda.Function(stack, 'Own', {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>{}'),
  });
  new AsyncFunction(stack, 'Async', { handler: HandlerCode.fromFunction(own) });
  // Findings left are the user's own function's, not the construct's.
  expect(findings(stack).filter((f) => f.includes('TestStack/Async/'))).toEqual([]);
});
