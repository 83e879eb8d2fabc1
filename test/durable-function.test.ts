import { CfnElement, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import {
  AsyncDestination, AsyncFunction, DurableFunction, DurableFunctionProps, GuardrailRule, HandlerCode, JobSchedule, ScheduledJob, ScheduledJobTarget,
} from '../lib';
import { durableConfigRule, durableSyncTimeoutRule, durableUnqualifiedRule } from '../lib/rules/durable';
import { findingsOf, guardedStack, messageOf } from './guardrails-support';
import { functionPolicies, identityStatements, newStack, template } from './support/cdk';

const handler = HandlerCode.bundled('durable-function/order-saga');

function build(props: Partial<DurableFunctionProps> = {}, stack: Stack = newStack()) {
  const durable = new DurableFunction(stack, 'Durable', { handler, ...props });
  return { stack, durable };
}

const idOf = (stack: Stack, construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as CfnElement);

describe('DurableFunction defaults', () => {
  test('durable config on the function: one hour, 14 days of history; published behind the alias "live"', () => {
    const { stack, durable } = build();
    const t = template(stack);
    t.hasResourceProperties('AWS::Lambda::Function', {
      DurableConfig: { ExecutionTimeout: 3600, RetentionPeriodInDays: 14 },
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Timeout: 300,
    });
    t.hasResourceProperties('AWS::Lambda::Alias', { Name: 'live', FunctionName: { Ref: idOf(stack, durable.function) } });
    expect(durable.executionTimeout.toSeconds()).toBe(3600);
  });

  test('asynchronous invocations of the alias: no retry (a retry starts the saga again), one hour, failures to the created queue', () => {
    const { stack, durable } = build();
    const t = template(stack);
    t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: idOf(stack, durable.function) },
      Qualifier: 'live',
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [idOf(stack, durable.failureQueue!), 'Arn'] } } },
    });
  });

  test('IAM: the two checkpoint actions on the function\'s versions (<arn>:*), no managed durable policy', () => {
    const { stack, durable } = build();
    const t = template(stack);
    const statements = identityStatements(t);
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['lambda:CheckpointDurableExecution', 'lambda:GetDurableExecutionState'],
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [idOf(stack, durable.function), 'Arn'] }, ':*']] },
    });
    expect(JSON.stringify(t.toJSON())).not.toContain('AWSLambdaBasicDurableExecutionRolePolicy');
    expect(JSON.stringify(statements)).not.toContain('kms:');
  });

  test('alarms: failed and timed-out executions (AWS/Lambda durable metrics), compensation failed, failure queue, throttles', () => {
    const { stack, durable } = build();
    const t = template(stack);
    const metricOf = (name: string) => t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: name, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching',
    });
    metricOf('DurableExecutionFailed');
    metricOf('DurableExecutionTimedOut');
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'CdkServerlessPatterns/Saga', MetricName: 'CompensationFailed',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: idOf(stack, durable.function) } }],
    });
    expect(durable.alarms.map((a) => a.node.id)).toEqual([
      'ExecutionsFailedAlarm', 'ExecutionsTimedOutAlarm', 'CompensationFailedAlarm', 'FailureQueueAlarm', 'ThrottlesAlarm',
    ]);
    expect(durable.metricExecutionsFailed().namespace).toBe('AWS/Lambda');
  });
});

describe('DurableFunction props', () => {
  test('a customer managed key encrypts the execution data (DurableConfig.KMSKeyArn) and the function may use it', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    build({ executionDataKey: key, executionTimeout: Duration.days(7), retentionPeriod: Duration.days(30) }, stack);
    const t = template(stack);
    t.hasResourceProperties('AWS::Lambda::Function', {
      DurableConfig: { ExecutionTimeout: 604800, RetentionPeriodInDays: 30, KMSKeyArn: { 'Fn::GetAtt': [idOf(stack, key), 'Arn'] } },
    });
    expect(functionPolicies(t).flatMap((p) => p.statements)).toContainEqual({
      Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: { 'Fn::GetAtt': [idOf(stack, key), 'Arn'] },
      Condition: { StringEquals: { 'kms:ViaService': 'lambda.us-east-1.amazonaws.com' } },
    });
  });

  test('the key grant is least privilege: two actions, this key, through Lambda only; the key policy unchanged', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const imported = kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    const { durable } = build({ executionDataKey: key }, stack);
    new DurableFunction(stack, 'Other', { handler, executionDataKey: imported });
    const t = template(stack);
    // Every KMS statement of every identity policy in the stack (the checkpoint policies included): one per function, on its own key.
    const kmsStatements = identityStatements(t).filter((s: any) => JSON.stringify(s.Action).includes('kms:'));
    const via = { StringEquals: { 'kms:ViaService': 'lambda.us-east-1.amazonaws.com' } };
    expect(kmsStatements).toEqual([
      { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: { 'Fn::GetAtt': [idOf(stack, key), 'Arn'] }, Condition: via },
      { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: imported.keyArn, Condition: via },
    ]);
    // On the function's own role (not the checkpoint policy, not another role).
    const [own] = functionPolicies(t).filter((p) => p.roleId === stack.getLogicalId(durable.function.role!.node.defaultChild as CfnElement));
    expect(own.statements.filter((s: any) => JSON.stringify(s.Action).includes('kms:'))).toHaveLength(1);
    // The key policy is the default one (the account's IAM policies decide): nothing was added for the role.
    const [keyResource] = Object.values(t.findResources('AWS::KMS::Key'));
    expect(keyResource.Properties.KeyPolicy.Statement).toEqual([{
      Action: 'kms:*', Effect: 'Allow', Resource: '*',
      Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${stack.account}:root`]] } },
    }]);
  });

  test('grantInvoke names exactly the alias ARN; addEventSource maps to the alias', () => {
    const { stack, durable } = build({ executionTimeout: Duration.minutes(15) });
    const role = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    durable.grantInvoke(role);
    durable.addEventSource(new sources.SqsEventSource(new sqs.Queue(stack, 'Jobs')));
    const t = template(stack);
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: { Ref: idOf(stack, durable.alias) } }] },
    });
    const [mapping] = Object.values(t.findResources('AWS::Lambda::EventSourceMapping'));
    expect(JSON.stringify(mapping.Properties.FunctionName)).toMatch(new RegExp(`"${idOf(stack, durable.alias)}".*":live"`));
  });

  test.each([
    [{ executionTimeout: Duration.days(367) }, "invalid prop 'executionTimeout': the durable execution timeout must be a whole number of seconds between 1 and 31622400 (366 days) (given 31708800 seconds)"],
    [{ executionTimeout: Duration.millis(1500) }, 'given 1.5 seconds'],
    [{ retentionPeriod: Duration.days(91) }, "invalid prop 'retentionPeriod': the durable execution history retention must be a whole number of days between 1 and 90 (given 91 days)"],
    [{ retentionPeriod: Duration.hours(36) }, '(given 1.5 days)'],
    [{ retryAttempts: 3 }, "invalid prop 'retryAttempts'"],
  ])('out of Lambda\'s limits: %o', (props, message) => {
    expect(() => build(props as Partial<DurableFunctionProps>)).toThrow(message);
  });

  test('the error names the construct path and the fix', () => {
    expect(() => build({ executionTimeout: Duration.days(400) })).toThrow(/^TestStack\/Durable: invalid prop 'executionTimeout': .*\. Fix: set executionTimeout between Duration\.seconds\(1\) and Duration\.days\(366\)/);
  });

  test('an execution timeout above 15 minutes behind an event source mapping is a synth error; 15 minutes is fine', () => {
    const { stack, durable } = build();
    expect(() => durable.addEventSource(new sources.SqsEventSource(new sqs.Queue(stack, 'Jobs'))))
      .toThrow("TestStack/Durable: invalid prop 'executionTimeout': the durable execution timeout is 3600 seconds, but an event source "
        + 'mapping (SqsEventSource) invokes it synchronously, and a synchronous invocation of a durable function is limited to 15 minutes');
  });

  test('tokens never error: a CfnParameter execution timeout and retention', () => {
    const stack = newStack();
    const seconds = new CfnParameter(stack, 'Seconds', { type: 'Number' });
    const days = new CfnParameter(stack, 'Days', { type: 'Number' });
    const { durable } = build({ executionTimeout: Duration.seconds(seconds.valueAsNumber), retentionPeriod: Duration.days(days.valueAsNumber) }, stack);
    expect(() => durable.addEventSource(new sources.SqsEventSource(new sqs.Queue(stack, 'Jobs')))).not.toThrow();
    template(stack).hasResourceProperties('AWS::Lambda::Function', {
      DurableConfig: { ExecutionTimeout: { Ref: 'Seconds' }, RetentionPeriodInDays: { Ref: 'Days' } },
    });
  });

  test('HandlerCode.fromFunction is rejected: durable execution is set when a function is created', () => {
    const stack = newStack();
    const existing = lambda.Function.fromFunctionArn(stack, 'Existing', 'arn:aws:lambda:us-east-1:123456789012:function:x');
    expect(() => build({ handler: HandlerCode.fromFunction(existing) }, stack))
      .toThrow("TestStack/Durable: invalid prop 'handler': cannot be HandlerCode.fromFunction()");
  });
});

describe('durable rules (pure)', () => {
  test('unknown facts are no violation', () => {
    expect(durableConfigRule.check({})).toBeUndefined();
    expect(durableSyncTimeoutRule.check({ synchronousCallers: ['x'] })).toBeUndefined();
    expect(durableSyncTimeoutRule.check({ executionTimeoutSeconds: 900, synchronousCallers: ['x'] })).toBeUndefined();
    expect(durableUnqualifiedRule.check({ unqualifiedCallers: ['x'] })).toBeUndefined();
    expect(durableUnqualifiedRule.check({ durable: true, unqualifiedCallers: [] })).toBeUndefined();
    expect(durableSyncTimeoutRule.check({ executionTimeoutSeconds: 901, synchronousCallers: ['x'] })?.rule).toBe(GuardrailRule.DURABLE_SYNC_TIMEOUT);
  });
});

describe('ServerlessGuardrails on durable functions wired by hand', () => {
  test('the DurableFunction with its own wiring gets no finding', () => {
    const stack = guardedStack();
    const { durable } = build({ executionTimeout: Duration.minutes(10) }, stack);
    durable.addEventSource(new sources.SqsEventSource(new sqs.Queue(stack, 'Jobs')));
    new events.Rule(stack, 'ViaAlias', { schedule: events.Schedule.rate(Duration.hours(1)), targets: [new targets.LambdaFunction(durable.alias)] });
    expect(findingsOf(stack).filter((f) => f.rule.startsWith('SPG-DURABLE'))).toEqual([]);
  });

  test('an EventBridge rule, a Scheduler schedule, a permission and a Step Functions task on the unqualified ARN are one error naming each', () => {
    const stack = guardedStack();
    const { durable } = build({}, stack);
    new events.Rule(stack, 'Rule', { schedule: events.Schedule.rate(Duration.hours(1)), targets: [new targets.LambdaFunction(durable.function)] });
    const role = new iam.Role(stack, 'SchedulerRole', { assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com') });
    new scheduler.CfnSchedule(stack, 'Schedule', {
      scheduleExpression: 'rate(1 hour)', flexibleTimeWindow: { mode: 'OFF' },
      target: { arn: durable.function.functionArn, roleArn: role.roleArn },
    });
    new sfn.StateMachine(stack, 'Machine', {
      definitionBody: sfn.DefinitionBody.fromChainable(new tasks.LambdaInvoke(stack, 'Run saga', { lambdaFunction: durable.function })),
    });
    expect(findingsOf(stack).filter((f) => f.rule === 'SPG-DURABLE-UNQUALIFIED')).toEqual([
      { level: 'error', path: '/UserStack/Durable/Function/Resource', rule: 'SPG-DURABLE-UNQUALIFIED' },
    ]);
    const message = messageOf(stack, 'SPG-DURABLE-UNQUALIFIED');
    for (const caller of ['UserStack/Rule/Resource', 'UserStack/Rule/AllowEventRuleUserStackDurableFunction', 'UserStack/Schedule', 'UserStack/Machine/Resource']) {
      expect(message).toContain(caller);
    }
    expect(message).toContain('Fix: point the trigger, target or permission at the alias');
  });

  test('the same Step Functions task on the alias is fine', () => {
    const stack = guardedStack();
    const { durable } = build({}, stack);
    new sfn.StateMachine(stack, 'Machine', {
      definitionBody: sfn.DefinitionBody.fromChainable(new tasks.LambdaInvoke(stack, 'Run saga', { lambdaFunction: durable.alias })),
    });
    expect(findingsOf(stack).filter((f) => f.rule.startsWith('SPG-DURABLE'))).toEqual([]);
  });

  test('an L1 durable function: a hand-made mapping on its alias above 15 minutes and a retention out of range', () => {
    const stack = guardedStack();
    const fn = new lambda.CfnFunction(stack, 'Raw', {
      code: { zipFile: 'exports.handler = async () => ({})' }, handler: 'index.handler', runtime: 'nodejs24.x',
      role: 'arn:aws:iam::123456789012:role/raw', durableConfig: { executionTimeout: 7200, retentionPeriodInDays: 120 },
    });
    const version = new lambda.CfnVersion(stack, 'RawVersion', { functionName: fn.ref });
    const alias = new lambda.CfnAlias(stack, 'RawAlias', { functionName: fn.ref, functionVersion: version.attrVersion, name: 'live' });
    new lambda.CfnEventSourceMapping(stack, 'Mapping', { functionName: alias.ref, eventSourceArn: 'arn:aws:sqs:us-east-1:123456789012:jobs' });
    expect(findingsOf(stack).filter((f) => f.rule.startsWith('SPG-DURABLE'))).toEqual([
      { level: 'error', path: '/UserStack/Raw', rule: 'SPG-DURABLE-CONFIG' },
      { level: 'error', path: '/UserStack/Raw', rule: 'SPG-DURABLE-SYNC-TIMEOUT' },
    ]);
    expect(messageOf(stack, 'SPG-DURABLE-SYNC-TIMEOUT')).toContain('UserStack/Mapping invokes it synchronously');
  });
});

describe('targets wire a DurableFunction through its alias', () => {
  test('ScheduledJob: the schedule invokes the alias, and its role may invoke exactly the alias', () => {
    const stack = guardedStack();
    const { durable } = build({}, stack);
    new ScheduledJob(stack, 'Nightly', { schedule: JobSchedule.cron('0 2 * * ? *'), target: ScheduledJobTarget.durableFunction(durable) });
    const t = template(stack);
    t.hasResourceProperties('AWS::Scheduler::Schedule', { Target: { Arn: { Ref: idOf(stack, durable.alias) } } });
    expect(identityStatements(t)).toContainEqual({ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { Ref: idOf(stack, durable.alias) } });
    expect(findingsOf(stack).filter((f) => f.rule.startsWith('SPG-DURABLE'))).toEqual([]);
  });

  test('ScheduledJob: allowOverlap false cannot be kept on a durable function', () => {
    const { stack, durable } = build();
    expect(() => new ScheduledJob(stack, 'Nightly', {
      schedule: JobSchedule.cron('0 2 * * ? *'), target: ScheduledJobTarget.durableFunction(durable), allowOverlap: false,
    })).toThrow("TestStack/Nightly: invalid prop 'allowOverlap': is false, but the target is a durable function");
  });

  test('AsyncFunction: a durable function as the handler is rejected, naming the wiring that works', () => {
    const { stack, durable } = build();
    expect(() => new AsyncFunction(stack, 'Async', { handler: HandlerCode.fromFunction(durable.alias) }))
      .toThrow("TestStack/Async: invalid prop 'handler': is a durable function, whose asynchronous invocation DurableFunction configures");
  });

  test('AsyncFunction: a durable function as on-failure destination receives the records through its alias', () => {
    const stack = guardedStack();
    const { durable } = build({}, stack);
    new AsyncFunction(stack, 'Async', { handler: HandlerCode.bundled('async-function/example'), onFailure: AsyncDestination.toDurableFunction(durable) });
    template(stack).hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      Qualifier: '$LATEST', DestinationConfig: { OnFailure: { Destination: { Ref: idOf(stack, durable.alias) } } },
    });
    expect(findingsOf(stack).filter((f) => f.rule.startsWith('SPG-DURABLE'))).toEqual([]);
  });
});
