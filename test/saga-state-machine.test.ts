import { CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { addSagaStateMachineDemo } from '../examples/saga-state-machine';
import { SagaStateMachine, SagaStateMachineProps, SagaStep } from '../lib';
import { functionPolicies, newStack, snapshotTemplate, template, warningsOf } from './support/cdk';

type Json = any;

function fn(stack: Stack, id: string): lambda.IFunction {
  return lambda.Function.fromFunctionArn(stack, id, `arn:aws:lambda:us-east-1:123456789012:function:${id}`);
}

function orderSteps(stack: Stack): SagaStep[] {
  return [
    { name: 'reserve-inventory', action: fn(stack, 'Reserve'), compensation: fn(stack, 'Release') },
    { name: 'charge-payment', action: fn(stack, 'Charge'), compensation: fn(stack, 'Refund') },
    { name: 'create-shipment', action: fn(stack, 'Ship') },
  ];
}

function saga(props: Partial<SagaStateMachineProps> = {}, stack: Stack = newStack()) {
  const s = new SagaStateMachine(stack, 'Saga', { ...props, steps: props.steps ?? orderSteps(stack) });
  return { stack, saga: s, t: template(stack) };
}

/** The ASL of the (single) state machine of a template, tokens flattened to placeholders. */
function definition(t: ReturnType<typeof template>): Json {
  const machines = Object.values(t.findResources('AWS::StepFunctions::StateMachine'));
  expect(machines).toHaveLength(1);
  const [separator, parts] = machines[0].Properties.DefinitionString['Fn::Join'];
  return JSON.parse((parts as Json[]).map((p) => typeof p === 'string' ? p : 'TOKEN').join(separator));
}

describe('SagaStateMachine defaults', () => {
  const { stack, saga: s, t } = saga();
  const asl = definition(t);

  test('creates a state machine, its role, a log group and three alarms', () => {
    t.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    t.resourceCountIs('AWS::IAM::Role', 1);
    t.resourceCountIs('AWS::Logs::LogGroup', 1);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    expect(s.alarms).toHaveLength(3);
  });

  test('STANDARD, X-Ray tracing, ALL events logged without execution data to a log group kept one month', () => {
    t.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: false,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('SagaLogGroup'), 'Arn'] } } }],
      },
    });
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  test('execution timeout of one hour', () => {
    expect(asl.TimeoutSeconds).toBe(3600);
    expect(s.timeout.toSeconds()).toBe(3600);
  });

  test('states: Start, the actions in order, then Succeeded; JSONPath everywhere', () => {
    expect(asl.StartAt).toBe('Start');
    expect(asl.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
    expect(asl.States.Start.Next).toBe('reserve-inventory');
    expect(asl.States['reserve-inventory'].Next).toBe('charge-payment');
    expect(asl.States['charge-payment'].Next).toBe('create-shipment');
    expect(asl.States['create-shipment'].Next).toBe('Succeeded');
    expect(asl.States.Succeeded.Type).toBe('Succeed');
    expect(Object.keys(asl.States).sort()).toEqual([
      'Compensate charge-payment', 'Compensate charge-payment failed',
      'Compensate reserve-inventory', 'Compensate reserve-inventory failed',
      'CompensationFailed', 'RecordCompensationFailure', 'SagaFailed', 'Start', 'Succeeded',
      'charge-payment', 'charge-payment failed', 'create-shipment', 'create-shipment failed',
      'reserve-inventory', 'reserve-inventory failed',
    ]);
  });

  test('an action gets the idempotency key, input and results; its result lands under $.results.<step>', () => {
    const charge = asl.States['charge-payment'];
    expect(charge.Type).toBe('Task');
    // The function ARN itself (payloadResponseOnly): the handler gets the payload, not {FunctionName, Payload}.
    expect(charge.Resource).toBe('arn:aws:lambda:us-east-1:123456789012:function:Charge');
    expect(charge.Parameters).toEqual({
      'step': 'charge-payment',
      'idempotencyKey.$': "States.Format('{}:charge-payment', $$.Execution.Name)",
      'input.$': '$.input',
      'results.$': '$.results',
    });
    // Bracket notation: Step Functions requires it for names outside JSONPath's member-name-shorthand ('-').
    expect(charge.ResultPath).toBe("$.results['charge-payment']");
  });

  test('every JSONPath in the definition uses dot notation only for member-name-shorthand names', () => {
    // https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html: field names
    // with other characters (such as '-') must use square bracket notation.
    const paths: string[] = [];
    const visit = (node: Json, key?: string): void => {
      if (typeof node === 'string') {
        const isPathField = key !== undefined && (/Path$/.test(key) || key.endsWith('.$'));
        if (isPathField) paths.push(...(node.match(/\$\$?[^\s,)]*/g) ?? []));
      } else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) visit(v, Array.isArray(node) ? key : k);
      }
    };
    visit(asl.States);
    expect(paths).toContain("$.results['reserve-inventory']");
    for (const path of paths) {
      const dotted = path.replace(/\['[^']*'\]/g, '').split('.').slice(1).filter((segment) => segment !== '');
      for (const segment of dotted) expect([path, segment]).toEqual([path, expect.stringMatching(/^[A-Za-z_][A-Za-z0-9_]*$/)]);
    }
  });

  test('actions retry only transient Lambda errors and timeouts: 3 times from 1 s, x2, capped at 30 s, full jitter', () => {
    expect(asl.States['reserve-inventory'].Retry).toEqual([{
      ErrorEquals: [
        'Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException',
        'Lambda.TooManyRequestsException', 'Lambda.ClientExecutionTimeoutException', 'Sandbox.Timedout', 'States.Timeout',
      ],
      IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2, MaxDelaySeconds: 30, JitterStrategy: 'FULL',
    }]);
    expect(asl.States['reserve-inventory'].Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'reserve-inventory failed' }]);
  });

  test('failure of step k enters the reverse compensation chain at step k-1; steps without compensation are skipped', () => {
    expect(asl.States['reserve-inventory failed'].Next).toBe('SagaFailed');
    expect(asl.States['charge-payment failed'].Next).toBe('Compensate reserve-inventory');
    expect(asl.States['create-shipment failed'].Next).toBe('Compensate charge-payment');
    expect(asl.States['Compensate charge-payment'].Next).toBe('Compensate reserve-inventory');
    expect(asl.States['Compensate reserve-inventory'].Next).toBe('SagaFailed');
    expect(asl.States.SagaFailed).toEqual({ Type: 'Fail', ErrorPath: '$.failure.error', CausePath: '$.failure.cause' });
  });

  test('compensations retry every error 5 times from 2 s, x2, capped at 60 s, then lead to CompensationFailed', () => {
    const refund = asl.States['Compensate charge-payment'];
    expect(refund.Retry).toEqual([{ ErrorEquals: ['States.ALL'], IntervalSeconds: 2, MaxAttempts: 5, BackoffRate: 2, MaxDelaySeconds: 60, JitterStrategy: 'FULL' }]);
    expect(refund.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.compensationFailure', Next: 'Compensate charge-payment failed' }]);
    expect(refund.ResultPath).toBeNull();
    expect(refund.Parameters['idempotencyKey.$']).toBe("States.Format('{}:charge-payment:compensation', $$.Execution.Name)");
    expect(refund.Parameters['failure.$']).toBe('$.failure');
    expect(asl.States['Compensate charge-payment failed'].Next).toBe('RecordCompensationFailure');
    expect(asl.States.RecordCompensationFailure.Next).toBe('CompensationFailed');
    expect(asl.States.RecordCompensationFailure.Catch[0].Next).toBe('CompensationFailed');
    expect(asl.States.CompensationFailed).toEqual({ Type: 'Fail', Error: 'SagaCompensationFailed', CausePath: '$.compensationFailure.cause' });
  });

  test('RecordCompensationFailure puts the CompensationFailed metric for this state machine', () => {
    const record = asl.States.RecordCompensationFailure;
    expect(record.Resource).toBe('arn:TOKEN:states:::aws-sdk:cloudwatch:putMetricData');
    expect(record.ResultPath).toBeNull();
    expect(record.Retry).toEqual([{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: 'FULL' }]);
    expect(record.Parameters).toEqual({
      Namespace: 'CdkServerlessPatterns/Saga',
      MetricData: [{ 'MetricName': 'CompensationFailed', 'Unit': 'Count', 'Value': 1, 'Dimensions': [{ 'Name': 'StateMachineArn', 'Value.$': '$$.StateMachine.Id' }] }],
    });
  });

  test('the role may invoke exactly the step functions and put metrics', () => {
    const policy = Object.values(t.findResources('AWS::IAM::Policy'))[0];
    const statements = policy.Properties.PolicyDocument.Statement as Json[];
    const invoked = statements.filter((st) => st.Action === 'lambda:InvokeFunction').flatMap((st) => st.Resource);
    for (const name of ['Reserve', 'Release', 'Charge', 'Refund', 'Ship']) {
      expect(invoked).toContain(`arn:aws:lambda:us-east-1:123456789012:function:${name}`);
    }
    expect(invoked).toHaveLength(10); // each ARN and ARN:*
    expect(statements).toContainEqual(expect.objectContaining({ Action: 'cloudwatch:PutMetricData', Resource: '*' }));
    // PutMetricData has no resource-level permissions: the namespace condition is what keeps it narrow.
    expect(statements.filter((st) => JSON.stringify(st.Action).includes('cloudwatch:'))).toEqual([{
      Action: 'cloudwatch:PutMetricData', Effect: 'Allow', Resource: '*',
      Condition: { StringEquals: { 'cloudwatch:namespace': 'CdkServerlessPatterns/Saga' } },
    }]);
  });

  test('alarms: failed executions, compensation failed (own metric), timed out executions', () => {
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/States', MetricName: 'ExecutionsFailed', Statistic: 'Sum', Threshold: 1, Period: 60,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching',
      Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: Match.stringLikeRegexp('SagaStateMachine') } }],
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/States', MetricName: 'ExecutionsTimedOut', Threshold: 1 });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'CdkServerlessPatterns/Saga', MetricName: 'CompensationFailed', Statistic: 'Sum', Threshold: 1,
      Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: Match.stringLikeRegexp('SagaStateMachine') } }],
      AlarmDescription: Match.stringLikeRegexp('^TestStack/Saga: a compensation failed after its retries'),
    });
  });

  test('no unacknowledged AwsSolutions or Serverless rule-pack findings', () => {
    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
    expect(new ServerlessChecks().validateScope(stack).violations).toEqual([]);
  });

  test('no warnings', () => {
    expect(warningsOf(stack)).toEqual([]);
  });

  test('snapshot', () => {
    expect(snapshotTemplate(stack)).toMatchSnapshot();
  });
});

describe('SagaStateMachine props', () => {
  test('EXPRESS: 5-minute timeout, ALL with execution data', () => {
    const { t } = saga({ stateMachineType: sfn.StateMachineType.EXPRESS });
    t.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'EXPRESS',
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: true }),
    });
    expect(definition(t).TimeoutSeconds).toBe(300);
  });

  test('timeout, log level, execution data, retention and name', () => {
    const { t } = saga({
      timeout: Duration.minutes(20), logLevel: sfn.LogLevel.ERROR, includeExecutionData: true,
      logRetention: logs.RetentionDays.ONE_WEEK, stateMachineName: 'order-saga',
    });
    t.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'order-saga',
      LoggingConfiguration: Match.objectLike({ Level: 'ERROR', IncludeExecutionData: true }),
    });
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    expect(definition(t).TimeoutSeconds).toBe(1200);
  });

  test('step retry: listed business errors added to the transient ones, custom backoff, jitter off; step timeout', () => {
    const stack = newStack();
    const steps = orderSteps(stack);
    const { t } = saga({
      steps: [{
        ...steps[0],
        retry: { retryErrors: ['ServiceUnavailableError'], maxAttempts: 6, interval: Duration.seconds(3), backoffRate: 1.5, maxDelay: Duration.seconds(20), jitter: false },
        timeout: Duration.seconds(45),
      }, ...steps.slice(1)],
    }, stack);
    const reserve = definition(t).States['reserve-inventory'];
    expect(reserve.Retry).toEqual([{
      ErrorEquals: expect.arrayContaining(['Lambda.TooManyRequestsException', 'States.Timeout', 'ServiceUnavailableError']),
      IntervalSeconds: 3, MaxAttempts: 6, BackoffRate: 1.5, MaxDelaySeconds: 20, JitterStrategy: 'NONE',
    }]);
    expect(reserve.Retry[0].ErrorEquals).toHaveLength(8);
    expect(reserve.TimeoutSeconds).toBe(45);
  });

  test('compensationRetry applies to every compensation', () => {
    const { t } = saga({ compensationRetry: { maxAttempts: 10, interval: Duration.seconds(5), maxDelay: Duration.minutes(5) } });
    const asl = definition(t);
    for (const state of ['Compensate charge-payment', 'Compensate reserve-inventory']) {
      expect(asl.States[state].Retry).toEqual([{ ErrorEquals: ['States.ALL'], IntervalSeconds: 5, MaxAttempts: 10, BackoffRate: 2, MaxDelaySeconds: 300, JitterStrategy: 'FULL' }]);
    }
  });

  test('compensatesOwnFailure: the failed step\'s own compensation runs first', () => {
    const stack = newStack();
    const steps = orderSteps(stack);
    const { t } = saga({ steps: [steps[0], { ...steps[1], compensatesOwnFailure: true }, steps[2]] }, stack);
    expect(definition(t).States['charge-payment failed'].Next).toBe('Compensate charge-payment');
  });

  test('alarms notify the alarm topic; alarmsEnabled false creates none', () => {
    const stack = newStack();
    const topic = new sns.Topic(stack, 'Topic');
    const { t } = saga({ alarmTopic: topic }, stack);
    const alarms = Object.values(t.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(3);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Topic/) }]);
      expect(alarm.Properties.OKActions).toEqual([{ Ref: expect.stringMatching(/^Topic/) }]);
    }
    const off = saga({ alarmsEnabled: false });
    off.t.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    expect(off.saga.alarms).toEqual([]);
  });

  test('grantStartExecution lets a role start executions of this state machine only', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'Caller', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const s = new SagaStateMachine(stack, 'Saga', { steps: orderSteps(stack) });
    s.grantStartExecution(role);
    template(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('Caller') }],
      PolicyDocument: { Statement: [{ Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: Match.stringLikeRegexp('SagaStateMachine') } }] },
    });
  });

  test('tokens are not validated at synth', () => {
    const stack = newStack();
    const seconds = new CfnParameter(stack, 'Seconds', { type: 'Number' });
    const attempts = new CfnParameter(stack, 'Attempts', { type: 'Number' });
    const steps = orderSteps(stack);
    expect(() => new SagaStateMachine(stack, 'Saga', {
      stateMachineType: sfn.StateMachineType.EXPRESS,
      timeout: Duration.seconds(seconds.valueAsNumber),
      steps: [{ ...steps[0], retry: { maxAttempts: attempts.valueAsNumber } }],
    })).not.toThrow();
  });

  test('the demo saga has no unacknowledged rule-pack findings', () => {
    const stack = newStack();
    addSagaStateMachineDemo(stack, new sns.Topic(stack, 'Alarms', { enforceSSL: true }));
    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
    expect(new ServerlessChecks().validateScope(stack).violations).toEqual([]);
  });

  test('the demo step functions share the stack\'s idempotency table: its name and a key prefix of their own in their environment, only the four item actions on that prefix granted', () => {
    const stack = newStack();
    addSagaStateMachineDemo(stack, new sns.Topic(stack, 'Alarms', { enforceSSL: true }));
    const t = template(stack);
    const tables = t.findResources('AWS::DynamoDB::Table');
    expect(Object.keys(tables)).toHaveLength(1);
    const [tableId, table] = Object.entries(tables)[0];
    expect(table.DeletionPolicy).toBe('Delete');
    expect(table.Properties).toEqual({
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });

    const functions = t.findResources('AWS::Lambda::Function');
    // The five step functions and the approval step's worker (an SqsWorker on the same table).
    expect(Object.keys(functions)).toHaveLength(6);
    for (const fnResource of Object.values(functions)) {
      expect(fnResource.Properties.Environment.Variables.IDEMPOTENCY_TABLE_NAME).toEqual({ Ref: tableId });
      const roleId = fnResource.Properties.Role['Fn::GetAtt'][0];
      const prefix = fnResource.Properties.Environment.Variables.IDEMPOTENCY_KEY_PREFIX;
      expect(prefix).toMatch(/^TestStack/);
      const tableStatements = functionPolicies(t).filter((p) => p.roleId === roleId).flatMap((p) => p.statements as Json[])
        .filter((st) => JSON.stringify(st.Resource).includes(tableId));
      // Only the items under the function's own key prefix.
      expect(tableStatements).toEqual([{
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${prefix}#*`] } },
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [tableId, 'Arn'] },
      }]);
    }
    const prefixes = Object.values(functions).map((f) => f.Properties.Environment.Variables.IDEMPOTENCY_KEY_PREFIX);
    expect(new Set(prefixes).size).toBe(6);
  });
});

describe('SagaStateMachine errors', () => {
  const build = (props: Partial<SagaStateMachineProps>, stepsOf?: (steps: SagaStep[]) => SagaStep[]) => () => {
    const stack = newStack();
    const steps = orderSteps(stack);
    return new SagaStateMachine(stack, 'Saga', { steps: stepsOf ? stepsOf(steps) : steps, ...props });
  };

  test('zero steps', () => {
    expect(build({ steps: [] })).toThrow(
      "TestStack/Saga: invalid prop 'steps': must contain at least one step (given 0). Fix: add the steps in order");
  });

  test('duplicate step names', () => {
    expect(build({}, (s) => [s[0], { ...s[1], name: 'reserve-inventory' }])).toThrow(
      "TestStack/Saga: invalid prop 'steps': name 'reserve-inventory' is used more than once. Fix: give every entry a unique name");
  });

  test('step name that is not a usable state/path name', () => {
    expect(build({}, (s) => [{ ...s[0], name: 'reserve inventory' }])).toThrow(
      "TestStack/Saga: invalid prop 'steps': name 'reserve inventory' must be 1-64 letters, digits, '-' or '_'");
  });

  test('step name reserved by the saga', () => {
    expect(build({}, (s) => [{ ...s[0], name: 'CompensationFailed' }, s[1]])).toThrow(
      "TestStack/Saga: invalid prop 'steps[0].name': 'CompensationFailed' is the name of a state the saga adds");
  });

  test('step name reserved for a construct the saga creates beside the states', () => {
    for (const name of ['StateMachine', 'LogGroup', 'ExecutionsFailedAlarm']) {
      expect(build({}, (s) => [{ ...s[0], name }, s[1]])).toThrow(
        `TestStack/Saga: invalid prop 'steps[0].name': '${name}' is the id of a construct the saga creates beside the step states`);
    }
  });

  test('step name too long for the 80-character state names the saga derives from it', () => {
    const name = 'r'.repeat(63);
    expect(build({}, (s) => [{ ...s[0], name }, s[1]])).toThrow(
      `TestStack/Saga: invalid prop 'steps[0].name': '${name}' is too long: the saga names a state 'Compensate ${name} failed' `
      + '(81 characters), and Step Functions allows 80. Fix: shorten the name of a step with a compensation to 62 characters or fewer');
    // 62 characters with a compensation, and 64 (the general limit) without one, fit.
    expect(build({}, (s) => [{ ...s[0], name: 'r'.repeat(62) }, s[1]])).not.toThrow();
    expect(build({}, (s) => [s[0], s[1], { ...s[2], name: 's'.repeat(64) }])).not.toThrow();
  });

  test('States.ALL in a step\'s retryErrors', () => {
    expect(build({}, (s) => [{ ...s[0], retry: { retryErrors: ['ServiceUnavailableError', 'States.ALL'] } }, s[1]])).toThrow(
      "TestStack/Saga: invalid prop 'steps[0].retry.retryErrors': must not contain States.ALL: it would retry business errors too");
  });

  test('compensatesOwnFailure without a compensation', () => {
    expect(build({}, (s) => [s[0], s[1], { ...s[2], compensatesOwnFailure: true }])).toThrow(
      "TestStack/Saga: invalid prop 'steps[2].compensatesOwnFailure': step 'create-shipment' says it compensates its own failure "
      + 'but has no compensation. Fix: give the step a compensation, or drop compensatesOwnFailure');
  });

  test('EXPRESS with a timeout above 5 minutes', () => {
    expect(build({ stateMachineType: sfn.StateMachineType.EXPRESS, timeout: Duration.minutes(6) })).toThrow(
      "TestStack/Saga: invalid prop 'timeout': an EXPRESS state machine runs at most 5 minutes (given 6 minutes). "
      + 'Fix: lower timeout to Duration.minutes(5) or less, or use sfn.StateMachineType.STANDARD');
  });

  test('timeout that is not whole seconds', () => {
    expect(build({ timeout: Duration.millis(1500) })).toThrow(
      "TestStack/Saga: invalid prop 'timeout': must be whole seconds (given 1 second 500 millis). Fix: use Duration.seconds(2)");
  });

  test('STANDARD timeout above a year', () => {
    expect(build({ timeout: Duration.days(366) })).toThrow(
      "TestStack/Saga: invalid prop 'timeout': must be between 1 second and 365 days (given 366 days). Fix:");
  });

  test('retry settings out of range', () => {
    expect(build({}, (s) => [{ ...s[0], retry: { maxAttempts: -1 } }])).toThrow(
      "TestStack/Saga: invalid prop 'steps[0].retry.maxAttempts': must be an integer between 0 and 99999999 inclusive (given -1)");
    expect(build({ compensationRetry: { backoffRate: 0.5 } })).toThrow(
      "TestStack/Saga: invalid prop 'compensationRetry.backoffRate': must be between 1 and 1000 (given 0.5). Fix:");
    expect(build({}, (s) => [{ ...s[0], retry: { interval: Duration.millis(1500) } }])).toThrow(
      "TestStack/Saga: invalid prop 'steps[0].retry.interval': must be whole seconds (given 1 second 500 millis). Fix: use Duration.seconds(2)");
    expect(build({ compensationRetry: { maxDelay: Duration.seconds(0) } })).toThrow(
      "TestStack/Saga: invalid prop 'compensationRetry.maxDelay': must be between 1 second and");
  });

  test('step timeout below 1 second or not whole seconds', () => {
    expect(build({}, (s) => [{ ...s[0], timeout: Duration.millis(500) }])).toThrow(
      "TestStack/Saga: invalid prop 'steps[0].timeout': must be whole seconds (given 500 millis). Fix: use Duration.seconds(1)");
    expect(build({}, (s) => [{ ...s[0], timeout: Duration.seconds(0) }])).toThrow(
      "TestStack/Saga: invalid prop 'steps[0].timeout': must be between 1 second and 365 days (given 0 seconds)");
  });

  test('warns (acknowledgeable) when the last step has a compensation that can never run', () => {
    const stack = newStack();
    const steps = orderSteps(stack);
    new SagaStateMachine(stack, 'Saga', { steps: [steps[0], steps[1]] });
    expect(warningsOf(stack)).toEqual([
      "the compensation of the last step 'charge-payment' never runs: no step after it can fail. "
      + 'Drop it, or set compensatesOwnFailure if a failed attempt can leave partial work. '
      + '[ack: cdk-serverless-patterns:SagaStateMachine.lastStepCompensationNeverRuns]']);
  });
});
