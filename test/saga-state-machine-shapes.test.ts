import { CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { addSagaStateMachineDemo } from '../examples/saga-state-machine';
import { SagaStateMachine, SagaStateMachineProps, SagaStep, SagaTask, SagaTaskKind } from '../lib';
import { countTransitions } from '../lib/saga-state-machine/cost';
import { infosOf, newStack, template, warningsOf } from './support/cdk';

type Json = any;

function fn(stack: Stack, id: string): lambda.IFunction {
  return lambda.Function.fromFunctionArn(stack, id, `arn:aws:lambda:us-east-1:123456789012:function:${id}`);
}

function definition(stack: Stack): Json {
  const machines = Object.values(template(stack).findResources('AWS::StepFunctions::StateMachine'));
  const [separator, parts] = machines[0].Properties.DefinitionString['Fn::Join'];
  return JSON.parse((parts as Json[]).map((p) => typeof p === 'string' ? p : 'TOKEN').join(separator));
}

function statementsOf(stack: Stack, rolePrefix = 'SagaStateMachineRole'): Json[] {
  return Object.values(template(stack).findResources('AWS::IAM::Policy'))
    .filter((p) => p.Properties.Roles.some((r: Json) => String(r.Ref).startsWith(rolePrefix)))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

const reserve = (stack: Stack): SagaStep => ({ name: 'reserve-inventory', action: fn(stack, 'Reserve'), compensation: fn(stack, 'Release') });
const ship = (stack: Stack): SagaStep => ({ name: 'create-shipment', action: fn(stack, 'Ship') });

describe('callback steps', () => {
  const stack = newStack();
  const queue = new sqs.Queue(stack, 'Approvals');
  const saga = new SagaStateMachine(stack, 'Saga', {
    steps: [
      reserve(stack),
      { name: 'approve-order', actionTask: SagaTask.callbackViaQueue(queue, { timeout: Duration.hours(1), heartbeat: Duration.minutes(10) }) },
      {
        name: 'charge-payment',
        actionTask: SagaTask.callbackViaFunction(fn(stack, 'Partner'), { timeout: Duration.minutes(30) }),
        compensation: fn(stack, 'Refund'),
      },
      ship(stack),
    ],
    timeout: Duration.hours(3),
  });
  const asl = definition(stack);

  test('through a queue: sqs:sendMessage.waitForTaskToken with the token and the step payload, timeout and heartbeat', () => {
    expect(asl.States['approve-order']).toEqual({
      Type: 'Task',
      Comment: 'Action of saga step approve-order',
      Resource: 'arn:TOKEN:states:::sqs:sendMessage.waitForTaskToken',
      Parameters: {
        QueueUrl: 'TOKEN',
        MessageBody: {
          'step': 'approve-order',
          'idempotencyKey.$': "States.Format('{}:approve-order', $$.Execution.Name)",
          'input.$': '$.input',
          'results.$': '$.results',
          'taskToken.$': '$$.Task.Token',
        },
      },
      TimeoutSeconds: 3600,
      HeartbeatSeconds: 600,
      ResultPath: "$.results['approve-order']",
      // Transport errors only: a States.Timeout or States.HeartbeatTimeout is a failure, not retried.
      Retry: [{ ErrorEquals: ['SQS.SdkClientException', 'SQS.RequestThrottledException', 'SQS.KmsThrottledException'], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2, MaxDelaySeconds: 30, JitterStrategy: 'FULL' }],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'approve-order failed' }],
      Next: 'charge-payment',
    });
  });

  test('through a function: lambda:invoke.waitForTaskToken, Lambda transient errors retried but not States.Timeout', () => {
    const charge = asl.States['charge-payment'];
    expect(charge.Resource).toBe('arn:TOKEN:states:::lambda:invoke.waitForTaskToken');
    expect(charge.Parameters.Payload['taskToken.$']).toBe('$$.Task.Token');
    expect(charge.TimeoutSeconds).toBe(1800);
    expect(charge.HeartbeatSeconds).toBeUndefined();
    expect(charge.Retry[0].ErrorEquals).toEqual([
      'Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException',
      'Lambda.TooManyRequestsException', 'Lambda.ClientExecutionTimeoutException', 'Sandbox.Timedout',
    ]);
  });

  test('the role may send to the queue only (no KMS, no wildcard action)', () => {
    const statements = statementsOf(stack);
    expect(statements.filter((s) => JSON.stringify(s.Action).includes('sqs:'))).toEqual([{
      Action: 'sqs:SendMessage', Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Approvals/), 'Arn'] },
    }]);
  });

  test('grantTaskResponse: exactly SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat on this state machine', () => {
    const s = newStack();
    const other = new SagaStateMachine(s, 'Saga', { steps: [ship(s)] });
    const worker = new iam.Role(s, 'Worker', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    other.grantTaskResponse(worker);
    const statements = statementsOf(s, 'Worker');
    expect(statements).toEqual([{
      Action: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'],
      Effect: 'Allow',
      Resource: { Ref: expect.stringMatching(/^SagaStateMachine/) },
    }]);
  });

  test('the task kinds and their callback options are visible on the tasks', () => {
    const task = SagaTask.callbackViaQueue(queue, { timeout: Duration.hours(1) });
    expect(task.kind).toBe(SagaTaskKind.CALLBACK);
    expect(task.callback?.timeout?.toHours()).toBe(1);
    expect(SagaTask.lambdaInvoke(fn(stack, 'Other')).kind).toBe(SagaTaskKind.LAMBDA);
  });

  test('no rule-pack findings on the saga', () => {
    expect(new AwsSolutionsChecks().validateScope(saga).violations).toEqual([]);
    expect(new ServerlessChecks().validateScope(saga).violations).toEqual([]);
  });
});

describe('direct service steps', () => {
  const stack = newStack();
  const table = new dynamodb.Table(stack, 'Orders', { partitionKey: { name: 'orderId', type: dynamodb.AttributeType.STRING } });
  const queue = new sqs.Queue(stack, 'Outbox');
  const topic = new sns.Topic(stack, 'Receipts');
  const bus = new events.EventBus(stack, 'Bus');
  const orderKey = { orderId: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$.input.orderId')) };
  new SagaStateMachine(stack, 'Saga', {
    steps: [
      {
        name: 'record-order',
        actionTask: SagaTask.dynamoPutItem({ table, item: orderKey, conditionExpression: 'attribute_not_exists(orderId)' }),
        compensationTask: SagaTask.dynamoDeleteItem({ table, key: orderKey }),
      },
      {
        name: 'mark-paid',
        actionTask: SagaTask.dynamoUpdateItem({
          table, key: orderKey, updateExpression: 'SET #s = :s', expressionAttributeNames: { '#s': 'state' },
          expressionAttributeValues: { ':s': tasks.DynamoAttributeValue.fromString('paid') },
        }),
      },
      { name: 'queue-pick', actionTask: SagaTask.sqsSendMessage({ queue }) },
      { name: 'send-receipt', actionTask: SagaTask.snsPublish({ topic, subject: 'Your order' }) },
      { name: 'publish-event', actionTask: SagaTask.eventBridgePutEvents({ eventBus: bus, source: 'orders', detailType: 'OrderPlaced' }) },
    ],
  });
  const asl = definition(stack);

  test('each is an optimized integration whose response lands under $.results.<step>', () => {
    expect(Object.fromEntries(['record-order', 'mark-paid', 'queue-pick', 'send-receipt', 'publish-event']
      .map((s) => [s, [asl.States[s].Resource, asl.States[s].ResultPath]]))).toEqual({
      'record-order': ['arn:TOKEN:states:::dynamodb:putItem', "$.results['record-order']"],
      'mark-paid': ['arn:TOKEN:states:::dynamodb:updateItem', "$.results['mark-paid']"],
      'queue-pick': ['arn:TOKEN:states:::sqs:sendMessage', "$.results['queue-pick']"],
      'send-receipt': ['arn:TOKEN:states:::sns:publish', "$.results['send-receipt']"],
      'publish-event': ['arn:TOKEN:states:::events:putEvents', "$.results['publish-event']"],
    });
    expect(asl.States['Compensate record-order']).toMatchObject({
      Resource: 'arn:TOKEN:states:::dynamodb:deleteItem', ResultPath: null,
      Parameters: { TableName: 'TOKEN', Key: { orderId: { 'S.$': '$.input.orderId' } } },
    });
    expect(asl.States['record-order'].Parameters.ConditionExpression).toBe('attribute_not_exists(orderId)');
    // The default message is the step payload, like a Lambda step's.
    expect(asl.States['queue-pick'].Parameters.MessageBody).toEqual({
      'step': 'queue-pick', 'idempotencyKey.$': "States.Format('{}:queue-pick', $$.Execution.Name)", 'input.$': '$.input', 'results.$': '$.results',
    });
    expect(asl.States['publish-event'].Parameters.Entries[0]).toMatchObject({ Source: 'orders', DetailType: 'OrderPlaced' });
  });

  test('the transient errors of each service are retried, not its business errors', () => {
    expect(asl.States['record-order'].Retry[0].ErrorEquals).toEqual([
      'DynamoDB.ProvisionedThroughputExceededException', 'DynamoDB.RequestLimitExceededException',
      'DynamoDB.ThrottlingException', 'DynamoDB.InternalServerErrorException',
    ]);
    expect(asl.States['record-order'].Retry[0].ErrorEquals).not.toContain('DynamoDB.ConditionalCheckFailedException');
    expect(asl.States['send-receipt'].Retry[0].ErrorEquals).toEqual(['SNS.SdkClientException', 'SNS.ThrottledException', 'SNS.InternalErrorException']);
    expect(asl.States['publish-event'].Retry[0].ErrorEquals).toEqual(['EventBridge.SdkClientException', 'EventBridge.InternalException', 'EventBridge.FailedEntry']);
  });

  test('IAM: each named resource with its one action, nothing else', () => {
    // Besides the saga's own (logs delivery, X-Ray, PutMetricData).
    const statements = statementsOf(stack).filter((s) => !/cloudwatch:|logs:|xray:/.test(JSON.stringify(s.Action)));
    const byAction = Object.fromEntries(statements.map((s) => [JSON.stringify(s.Action), s.Resource]));
    expect(Object.keys(byAction).sort()).toEqual([
      '"dynamodb:DeleteItem"', '"dynamodb:PutItem"', '"dynamodb:UpdateItem"', '"events:PutEvents"', '"sns:Publish"', '"sqs:SendMessage"',
    ]);
    const tableArn = JSON.stringify(byAction['"dynamodb:PutItem"']);
    expect(tableArn).toContain(':table/');
    expect(JSON.stringify(byAction['"dynamodb:DeleteItem"'])).toBe(tableArn);
    expect(byAction['"sqs:SendMessage"']).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Outbox/), 'Arn'] });
    expect(byAction['"sns:Publish"']).toEqual({ Ref: expect.stringMatching(/^Receipts/) });
    expect(byAction['"events:PutEvents"']).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Bus/), 'Arn'] });
  });

  test('an SQS step to a FIFO queue deduplicates on the SHA-256 of the idempotency key', () => {
    const s = newStack();
    new SagaStateMachine(s, 'Saga', {
      steps: [{ name: 'queue-pick', actionTask: SagaTask.sqsSendMessage({ queue: new sqs.Queue(s, 'Q', { fifo: true }), messageGroupId: 'orders' }) }],
    });
    expect(definition(s).States['queue-pick'].Parameters).toMatchObject({
      'MessageGroupId': 'orders', 'MessageDeduplicationId.$': "States.Hash(States.Format('{}:queue-pick', $$.Execution.Name), 'SHA-256')",
    });
  });
});

describe('parallel steps', () => {
  const stack = newStack();
  const saga = new SagaStateMachine(stack, 'Saga', {
    steps: [
      reserve(stack),
      {
        name: 'fulfil',
        parallel: [
          { name: 'charge-payment', action: fn(stack, 'Charge'), compensation: fn(stack, 'Refund') },
          { name: 'create-shipment', action: fn(stack, 'Ship') },
          { name: 'book-courier', action: fn(stack, 'Book'), compensation: fn(stack, 'Cancel'), compensatesOwnFailure: true },
        ],
      },
      { name: 'send-confirmation', action: fn(stack, 'Confirm') },
    ],
  });
  const asl = definition(stack);

  test('one Parallel state: every branch catches its own failure; the results of all branches merged', () => {
    const group = asl.States.fulfil;
    expect(group.Type).toBe('Parallel');
    expect(group.Parameters).toEqual({ 'input.$': '$.input', 'results.$': '$.results', 'failure': {} });
    expect(group.ResultSelector).toEqual({
      'input.$': '$[0].input',
      'results.$': 'States.JsonMerge(States.JsonMerge($[0].results, $[1].results, false), $[2].results, false)',
      'branchFailures.$': '$[*].failure',
    });
    expect(group.Next).toBe('Check fulfil');
    expect(group.Branches.map((b: Json) => [b.StartAt, b.States[b.StartAt].Catch[0].Next, b.States[`${b.StartAt} failed`].End]))
      .toEqual([['charge-payment', 'charge-payment failed', true], ['create-shipment', 'create-shipment failed', true], ['book-courier', 'book-courier failed', true]]);
    expect(group.Catch).toBeUndefined();
  });

  test('Check <group>: any branch failure leads to "<group> failed" and the group\'s compensations; else the next step', () => {
    expect(asl.States['Check fulfil']).toEqual({
      Type: 'Choice',
      Comment: 'Did any branch of fulfil fail?',
      Choices: [{
        Or: [0, 1, 2].map((i) => ({ Variable: `$.branchFailures[${i}].step`, IsPresent: true })),
        Next: 'fulfil failed',
      }],
      Default: 'send-confirmation',
    });
    expect(asl.States['fulfil failed'].Next).toBe('Compensate book-courier');
  });

  test('the group\'s compensation segment: latest declared first, a branch only if it completed (its own failure too when compensatesOwnFailure)', () => {
    expect(asl.States['Compensate book-courier'].Next).toBe('Compensate charge-payment?');
    expect(asl.States['Compensate charge-payment?']).toEqual({
      Type: 'Choice',
      Comment: 'Compensates branch charge-payment only if it completed',
      Choices: [{ Variable: "$.results['charge-payment']", IsPresent: true, Next: 'Compensate charge-payment' }],
      Default: 'Compensate reserve-inventory',
    });
    expect(asl.States['Compensate charge-payment'].Next).toBe('Compensate reserve-inventory');
    expect(asl.States['send-confirmation failed'].Next).toBe('Compensate book-courier');
    expect(asl.States['reserve-inventory failed'].Next).toBe('SagaFailed');
  });

  test('the cost estimate counts the states of the shapes', () => {
    // Start, reserve, Parallel, 3 branches, Check, confirm, Succeeded.
    expect(saga.costEstimate.happyPathTransitions).toBe(9);
    // Pure counting model: a sequential saga of 3 (the default test saga) and edge cases.
    expect(countTransitions([{ hasCompensation: true, compensatesOwnFailure: false }, { hasCompensation: false, compensatesOwnFailure: false }]))
      .toEqual({ happy: 4, worst: 8 }); // Start, a, b, b failed, Compensate a, failed, Record, CompensationFailed
    expect(countTransitions([{ hasCompensation: false, compensatesOwnFailure: false }])).toEqual({ happy: 3, worst: 4 });
  });

  test('no warning for compensations in a final group: a sibling branch failing runs them', () => {
    const s = newStack();
    new SagaStateMachine(s, 'Saga', {
      steps: [reserve(s), { name: 'notify', parallel: [{ name: 'a', action: fn(s, 'A'), compensation: fn(s, 'B') }, { name: 'c', action: fn(s, 'C') }] }],
    });
    expect(warningsOf(s)).toEqual([]);
  });
});

describe('cost at synth', () => {
  test('an info annotation with STANDARD and EXPRESS cost per 1,000 executions at the documented prices', () => {
    const stack = newStack();
    const saga = new SagaStateMachine(stack, 'Saga', { steps: [reserve(stack), { name: 'charge', action: fn(stack, 'C'), compensation: fn(stack, 'R') }, ship(stack)] });
    // Happy: Start, 3 actions, Succeeded = 5. Worst: Start, 2 actions, ship, ship failed, 2 compensations, the last failing (+3) = 10.
    expect(saga.costEstimate).toEqual({
      happyPathTransitions: 5, worstFailurePathTransitions: 10,
      standardHappyPathPerThousand: 0.125, standardWorstFailurePathPerThousand: 0.25,
      expressPerThousand: expect.closeTo(0.00204188, 8),
    });
    expect(infosOf(stack)).toEqual(['cost per 1,000 executions: STANDARD $0.1250 on the happy path (5 state transitions) and $0.2500 '
      + 'on the worst failure path (10 transitions) at $0.025 per 1,000 transitions, each retry one more; EXPRESS $0.0020 '
      + '($1 per million requests + 1 second at 64 MB x $0.00001667 per GB-second, an assumed duration). Change the prices with costAssumptions. '
      + '[ack: cdk-serverless-patterns:SagaStateMachine.costEstimate]']);
  });

  test('costAssumptions override the prices and the EXPRESS duration and memory', () => {
    const stack = newStack();
    const saga = new SagaStateMachine(stack, 'Saga', {
      steps: [ship(stack)],
      costAssumptions: { pricePerThousandTransitions: 0.0279, expressPricePerMillionRequests: 1.14, expressPricePerGbSecond: 0.00002, expressDuration: Duration.millis(1250), expressMemoryMb: 100 },
    });
    expect(saga.costEstimate.standardHappyPathPerThousand).toBeCloseTo(3 * 0.0279, 10);
    // 1.3 s billed (100 ms steps) x 128 MB (64 MB chunks) = 0.1625 GB-s.
    expect(saga.costEstimate.expressPerThousand).toBeCloseTo((1.14 / 1e6 + 1.3 * 0.125 * 0.00002) * 1000, 10);
  });

  test('a saga with callback steps says EXPRESS is not possible; the demo saga\'s figures', () => {
    const stack = newStack();
    const saga = addSagaStateMachineDemo(stack, new sns.Topic(stack, 'Alarms', { enforceSSL: true }));
    expect(saga.costEstimate).toEqual({
      happyPathTransitions: 10, worstFailurePathTransitions: 18,
      standardHappyPathPerThousand: 0.25, standardWorstFailurePathPerThousand: expect.closeTo(0.45, 10), expressPerThousand: undefined,
    });
    expect(infosOf(stack).filter((m) => m.startsWith('cost per 1,000'))).toEqual([expect.stringContaining(
      'EXPRESS not possible (callback steps wait for a task token: approve-order)')]);
  });
});

describe('stateMachineType', () => {
  test('sets the workflow type', () => {
    const stack = newStack();
    new SagaStateMachine(stack, 'Saga', { stateMachineType: sfn.StateMachineType.EXPRESS, steps: [ship(stack)] });
    template(stack).hasResourceProperties('AWS::StepFunctions::StateMachine', { StateMachineType: 'EXPRESS' });
  });
});

describe('errors of the new shapes', () => {
  const build = (stepsOf: (stack: Stack) => SagaStep[], props: Partial<SagaStateMachineProps> = {}) => () => {
    const stack = newStack();
    return new SagaStateMachine(stack, 'Saga', { ...props, steps: stepsOf(stack) });
  };
  const queue = (stack: Stack) => new sqs.Queue(stack, 'Approvals');

  test('a callback without a timeout: the SPG-SFN-CALLBACK-TIMEOUT rule, as a synth error', () => {
    expect(build((s) => [{ name: 'approve', actionTask: SagaTask.callbackViaQueue(queue(s)) }])).toThrow(
      "TestStack/Saga: invalid prop 'steps[0].actionTask.timeout': the waitForTaskToken task has neither TimeoutSeconds nor HeartbeatSeconds: "
      + 'if the callback never comes it waits until the execution times out (up to a year) and no ExecutionsFailed alarm fires '
      + '(rule SPG-SFN-CALLBACK-TIMEOUT). '
      + 'Fix: set a task timeout (taskTimeout: sfn.Timeout.duration(...), or SagaTask.callbackVia*(..., { timeout })) and, for long waits, a heartbeat below it');
    // A heartbeat alone is not enough for the saga: a live worker could still hold the execution for a year.
    expect(build((s) => [{ name: 'approve', actionTask: SagaTask.callbackViaQueue(queue(s), { heartbeat: Duration.minutes(1) }) }]))
      .toThrow("invalid prop 'steps[0].actionTask.timeout'");
    // A compensation callback too.
    expect(build((s) => [{ name: 'a', action: fn(s, 'A'), compensationTask: SagaTask.callbackViaFunction(fn(s, 'B')), compensatesOwnFailure: true }]))
      .toThrow("invalid prop 'steps[0].compensationTask.timeout'");
  });

  test('heartbeat not below the timeout, and timeouts out of range', () => {
    expect(build((s) => [{ name: 'approve', actionTask: SagaTask.callbackViaQueue(queue(s), { timeout: Duration.minutes(5), heartbeat: Duration.minutes(5) }) }]))
      .toThrow("TestStack/Saga: invalid prop 'steps[0].actionTask.heartbeat': must be below the timeout (given heartbeat 5 minutes, timeout 5 minutes). Fix:");
    expect(build((s) => [{ name: 'approve', actionTask: SagaTask.callbackViaQueue(queue(s), { timeout: Duration.millis(1500) }) }]))
      .toThrow("invalid prop 'steps[0].actionTask.timeout': must be whole seconds (given 1 second 500 millis)");
    expect(build((s) => [{ name: 'approve', actionTask: SagaTask.callbackViaQueue(queue(s), { timeout: Duration.days(400) }) }]))
      .toThrow("invalid prop 'steps[0].actionTask.timeout': must be between 1 second and 365 days");
  });

  test('callback tokens are not judged at synth', () => {
    expect(build((s) => {
      const seconds = new CfnParameter(s, 'Seconds', { type: 'Number' });
      return [{ name: 'approve', actionTask: SagaTask.callbackViaQueue(queue(s), { timeout: Duration.seconds(seconds.valueAsNumber), heartbeat: Duration.minutes(1) }) }];
    }, { timeout: Duration.days(2) })).not.toThrow();
  });

  test('EXPRESS cannot wait for a task token', () => {
    expect(build((s) => [{ name: 'approve', actionTask: SagaTask.callbackViaQueue(queue(s), { timeout: Duration.minutes(1) }) }],
      { stateMachineType: sfn.StateMachineType.EXPRESS })).toThrow(
      "TestStack/Saga: invalid prop 'steps[0].actionTask': an EXPRESS state machine cannot wait for a task token (callbacks are STANDARD only). Fix:");
  });

  test('a step timeout on a callback step', () => {
    expect(build((s) => [{ name: 'approve', actionTask: SagaTask.callbackViaQueue(queue(s), { timeout: Duration.minutes(1) }), timeout: Duration.minutes(1) }]))
      .toThrow("TestStack/Saga: invalid prop 'steps[0].timeout': step 'approve' is a callback: its wait is bounded by the callback's own timeout");
  });

  test('a step needs exactly one of action, actionTask and parallel; one compensation', () => {
    expect(build(() => [{ name: 'nothing' }])).toThrow(
      "TestStack/Saga: invalid prop 'steps[0]': step 'nothing' needs exactly one of action, actionTask and parallel (given none)");
    expect(build((s) => [{ name: 'both', action: fn(s, 'A'), actionTask: SagaTask.lambdaInvoke(fn(s, 'B')) }])).toThrow(
      "invalid prop 'steps[0]': step 'both' needs exactly one of action, actionTask and parallel (given action, actionTask)");
    expect(build((s) => [{ name: 'two', action: fn(s, 'A'), compensation: fn(s, 'B'), compensationTask: SagaTask.lambdaInvoke(fn(s, 'C')) }, ship(s)])).toThrow(
      "invalid prop 'steps[0].compensationTask': step 'two' has both compensation and compensationTask. Fix: keep one of them");
  });

  test('groups: 2 to 10 branches, no nesting, no action of their own, names unique across branches', () => {
    const branch = (s: Stack, name: string): SagaStep => ({ name, action: fn(s, `F${name}`) });
    expect(build((s) => [{ name: 'g', parallel: [branch(s, 'a')] }])).toThrow(
      "TestStack/Saga: invalid prop 'steps[0].parallel': must hold 2 to 10 steps (given 1). Fix: make a single step a plain step");
    expect(build((s) => [{ name: 'g', parallel: Array.from({ length: 11 }, (_, i) => branch(s, `b${i}`)) }])).toThrow(
      "invalid prop 'steps[0].parallel': must hold 2 to 10 steps (given 11)");
    expect(build((s) => [{ name: 'g', parallel: [branch(s, 'a'), { name: 'h', parallel: [branch(s, 'b'), branch(s, 'c')] }] }])).toThrow(
      "invalid prop 'steps[0].parallel[1].parallel': step 'h' is a group inside the group: groups do not nest");
    expect(build((s) => [{ name: 'g', parallel: [branch(s, 'a'), branch(s, 'b')], compensation: fn(s, 'X'), retry: {} }])).toThrow(
      "invalid prop 'steps[0]': the parallel group 'g' sets compensation, retry: a group has no action of its own");
    expect(build((s) => [branch(s, 'a'), { name: 'g', parallel: [{ name: 'a', action: fn(s, 'Other') }, branch(s, 'b')] }])).toThrow(
      "invalid prop 'steps': name 'a' is used more than once");
    expect(build((s) => [{ name: 'g', parallel: [{ name: 'Start', action: fn(s, 'S') }, branch(s, 'b')] }])).toThrow(
      "invalid prop 'steps[0].parallel[0].name': 'Start' is the name of a state the saga adds");
  });

  test('warns (acknowledgeable) when a callback may wait as long as the execution', () => {
    const stack = newStack();
    new SagaStateMachine(stack, 'Saga', {
      steps: [{ name: 'approve', actionTask: SagaTask.callbackViaQueue(queue(stack), { timeout: Duration.hours(1) }) }],
    });
    expect(warningsOf(stack)).toEqual([
      "the callback of step 'approve' may wait 1 hour, as long as the whole execution (1 hour): the execution can time out first, "
      + 'and a timed-out execution runs no compensation. Raise the saga timeout above every callback timeout plus the steps after it. '
      + '[ack: cdk-serverless-patterns:SagaStateMachine.callbackOutlivesExecution]']);
  });
});
