import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { HandlerCode, ServerlessFunction } from '../lib';
import { newStack, template, warningsOf } from './support/cdk';

const handler = HandlerCode.bundled('saga-state-machine/reserve-inventory');

test('a standalone function gets the library defaults', () => {
  const stack = newStack();
  const fn = new ServerlessFunction(stack, 'Reserve', { handler });
  const t = template(stack);
  t.resourceCountIs('AWS::Lambda::Function', 1);
  t.hasResourceProperties('AWS::Lambda::Function', {
    Architectures: ['arm64'], Runtime: 'nodejs24.x', TracingConfig: { Mode: 'Active' }, Timeout: 30, MemorySize: 512,
    Handler: 'index.handler', LoggingConfig: Match.objectLike({ LogFormat: 'JSON', LogGroup: { Ref: Match.stringLikeRegexp('^ReserveLogGroup') } }),
    Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'TestStack-Reserve' } },
  });
  t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  expect(fn).toBeInstanceOf(lambda.Function);
  expect(fn.timeout?.toSeconds()).toBe(30);
});

test('props override the defaults; a service name of your own is kept', () => {
  const stack = newStack();
  new ServerlessFunction(stack, 'Refund', {
    handler, timeout: Duration.seconds(5), memorySize: 256, reservedConcurrency: 7, logRetention: logs.RetentionDays.ONE_WEEK,
    environment: { POWERTOOLS_SERVICE_NAME: 'payments', TABLE: 't' }, description: 'refunds',
  });
  const t = template(stack);
  t.hasResourceProperties('AWS::Lambda::Function', {
    Timeout: 5, MemorySize: 256, ReservedConcurrentExecutions: 7, Description: 'refunds',
    Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'payments', TABLE: 't' } },
  });
  t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
});

test.each([
  ['timeout', { timeout: Duration.minutes(20) }, /^TestStack\/Fn: invalid prop 'timeout': must be between 1 second and 15 minutes \(given 20 minutes\)/],
  ['memorySize', { memorySize: 64 }, /^TestStack\/Fn: invalid prop 'memorySize': must be an integer between 128 and 10240 inclusive \(given 64\)/],
])('invalid %s names the path, the prop and the fix', (_prop, props, message) => {
  expect(() => new ServerlessFunction(newStack(), 'Fn', { handler, ...props })).toThrow(message);
});

test('an existing function is rejected: ServerlessFunction creates one', () => {
  const stack = newStack();
  const existing = lambda.Function.fromFunctionArn(stack, 'Existing', 'arn:aws:lambda:us-east-1:123456789012:function:x');
  expect(() => new ServerlessFunction(stack, 'Fn', { handler: HandlerCode.fromFunction(existing) }))
    .toThrow(/^TestStack\/Fn: invalid prop 'handler': is an existing function \(HandlerCode\.fromFunction\(\)\).*Fix: pass HandlerCode\.fromCode\(\)/);
});

test('the log group is the function\'s own child: a sibling named <id>LogGroup does not clash (issue 13 item 2)', () => {
  const stack = newStack();
  new logs.LogGroup(stack, 'ApiLogGroup', { retention: logs.RetentionDays.ONE_DAY });
  const fn = new ServerlessFunction(stack, 'Api', { handler });
  const own = fn.node.tryFindChild('LogGroup');
  expect(own).toBeInstanceOf(logs.LogGroup);
  expect(fn.logGroup).toBe(own);
  expect(stack.node.children.map((c) => c.node.id)).toEqual(expect.arrayContaining(['ApiLogGroup', 'Api']));
  const t = template(stack);
  t.resourceCountIs('AWS::Logs::LogGroup', 2);
  const logGroupId = stack.getLogicalId((own as logs.LogGroup).node.defaultChild as logs.CfnLogGroup);
  t.hasResourceProperties('AWS::Lambda::Function', { LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: logGroupId } } });
});

test('logs kept forever (RetentionDays.INFINITE) is a warning of the log retention rule, as in ServerlessGuardrails', () => {
  const stack = newStack();
  new ServerlessFunction(stack, 'Fn', { handler, logRetention: logs.RetentionDays.INFINITE });
  expect(warningsOf(stack)).toEqual([
    "invalid prop 'logRetention': the log group has no retention, so logs never expire and are billed forever. "
    + 'Fix: set retention (e.g. logs.RetentionDays.ONE_MONTH) [ack: cdk-serverless-patterns:SPG-LOG-RETENTION]',
  ]);
});
