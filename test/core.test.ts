import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { HandlerCode, SqsWorker } from '../lib';
import { createAlarms } from '../lib/core/alarms';
import { bundledAssetPath } from '../lib/core/handler';
import { invalidProp, validateDurationRange, validateIntegerRange, validateUniqueNames } from '../lib/core/validation';
import { minimumVisibilityTimeout } from '../lib/rules/sqs';
import { newStack, template } from './support/cdk';

describe('HandlerCode', () => {
  test('one asset-based HandlerCode serves constructs in two stacks', () => {
    const app = new App();
    const code = HandlerCode.bundled('sqs-worker/example');
    const a = new Stack(app, 'A');
    const b = new Stack(app, 'B');
    new SqsWorker(a, 'W', { handler: code });
    new SqsWorker(b, 'W', { handler: code });
    template(a).resourceCountIs('AWS::Lambda::Function', 1);
    template(b).resourceCountIs('AWS::Lambda::Function', 1);
  });

  test('fromCode hands back the given code; fromFunction carries no code', () => {
    const inline = lambda.Code.fromInline('exports.handler = async () => 1');
    expect(HandlerCode.fromCode(inline, 'index.handler').createCode()).toBe(inline);
    const stack = newStack();
    const fn = new lambda.Function(stack, 'F', { code: inline, handler: 'index.handler', runtime: lambda.Runtime.NODEJS_22_X });
    const given = HandlerCode.fromFunction(fn);
    expect(given.existingFunction).toBe(fn);
    expect(given.createCode()).toBeUndefined();
  });

  test('an unknown bundled handler fails with the names of the bundled ones', () => {
    expect(() => bundledAssetPath('nope/missing')).toThrow(/HandlerCode.bundled\('nope\/missing'\) names no bundled handler. The bundled handlers are: async-function\/example, /);
  });
});

describe('validation helpers', () => {
  const scope = () => new Construct(newStack(), 'Thing');

  test('invalidProp names path, prop, rule and fix', () => {
    expect(() => invalidProp(scope(), 'size', 'must be small (given 9)', 'use 1')).toThrow(
      "TestStack/Thing: invalid prop 'size': must be small (given 9). Fix: use 1");
  });

  test('integer ranges reject fractions and out-of-range values, skip tokens and undefined', () => {
    const s = scope();
    expect(() => validateIntegerRange(s, 'n', 2.5, 1, 10)).toThrow(/must be an integer between 1 and 10 inclusive \(given 2.5\)/);
    expect(() => validateIntegerRange(s, 'n', 11, 1, 10)).toThrow(/\(given 11\)/);
    expect(() => validateIntegerRange(s, 'n', undefined, 1, 10)).not.toThrow();
    const token = new CfnParameter(Stack.of(s), 'P', { type: 'Number' }).valueAsNumber;
    expect(() => validateIntegerRange(s, 'n', token, 1, 10)).not.toThrow();
  });

  test('duration ranges use human units and skip unresolved durations', () => {
    const s = scope();
    expect(() => validateDurationRange(s, 'd', Duration.seconds(30), Duration.minutes(1), Duration.hours(6)))
      .toThrow(/must be between 1 minute and 6 hours \(given 30 seconds\)/);
    expect(() => validateDurationRange(s, 'd', Duration.millis(500), Duration.seconds(1), Duration.hours(6)))
      .toThrow(/must be between 1 second and 6 hours \(given 500 millis\)/);
    const token = new CfnParameter(Stack.of(s), 'D', { type: 'Number' }).valueAsNumber;
    expect(() => validateDurationRange(s, 'd', Duration.seconds(token), Duration.minutes(1), Duration.hours(6))).not.toThrow();
  });

  test('names must be unique and usable as ids', () => {
    const s = scope();
    expect(() => validateUniqueNames(s, 'steps', ['a', 'b', 'a'])).toThrow(/name 'a' is used more than once/);
    expect(() => validateUniqueNames(s, 'steps', ['has space'])).toThrow(/name 'has space' must be 1-64 letters/);
    expect(() => validateUniqueNames(s, 'steps', ['ok-1', 'ok_2'])).not.toThrow();
  });

  test('minimum visibility timeout is 6 x timeout + batching window', () => {
    expect(minimumVisibilityTimeout(Duration.seconds(30)).toSeconds()).toBe(180);
    expect(minimumVisibilityTimeout(Duration.minutes(1), Duration.seconds(20)).toSeconds()).toBe(380);
  });
});

describe('createAlarms', () => {
  const metric = new cloudwatch.Metric({ namespace: 'Test', metricName: 'Failures' });

  test('alarms treat missing data as not breaching and describe themselves with the path', () => {
    const stack = newStack();
    const owner = new Construct(stack, 'Owner');
    const alarms = createAlarms(owner, {}, { FailureAlarm: { metric, threshold: 3, description: 'things failed' } });
    expect(alarms).toHaveLength(1);
    template(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 3, TreatMissingData: 'notBreaching', EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold', AlarmDescription: 'TestStack/Owner: things failed',
    });
  });

  test('alarmsEnabled: false creates none', () => {
    const stack = newStack();
    expect(createAlarms(new Construct(stack, 'Owner'), { alarmsEnabled: false }, { A: { metric, threshold: 1, description: 'x' } })).toEqual([]);
    template(stack).resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });
});
