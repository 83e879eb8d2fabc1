// Callback, parallel and direct-service steps of SagaStateMachine, executed from the synthesized
// definition with aws-local-stepfunctions. Lambda tasks run the real bundled step handlers (their
// idempotency records in dynalite). Where the interpreter cannot run a resource, the state is
// overridden BY NAME with a local substitute that behaves as the service would:
// - a callback (sqs:sendMessage.waitForTaskToken): the service issues a task token, the message
//   body goes to the real bundled approval worker, and the state waits until the worker completes
//   the token through the runtime's signed HTTP client (awsJson1_0, as the SDK sends it) against TaskTokenService (test/support);
// - HeartbeatSeconds: the interpreter has no heartbeat clock, so the substitute of a silent worker
//   fails the task with States.HeartbeatTimeout, as Step Functions does when no heartbeat arrives;
// - DynamoDB PutItem/DeleteItem (optimized integration): the state's exact Parameters are sent to
//   dynalite; errors are renamed `DynamoDB.<exception>`, as the integration names them;
// - EventBridge PutEvents / SNS Publish: accepted, with an EventId / MessageId.
// TimeoutSeconds of a task and of the execution are the interpreter's own (real timers).
import { DeleteItemCommand, GetItemCommand, PutItemCommand, CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { addSagaStateMachineDemo } from '../examples/saga-state-machine';
import { SagaStateMachine, SagaStateMachineProps, SagaTask } from '../lib';
import { LocalDynamo, startLocalDynamo } from './support/dynalite';
import { DemoServices, demoServices } from './support/saga-demo-services';
import { compensationsRun, definitionOf, execute, LocalService, Options, ORDER_SAGA_HANDLERS, Run } from './support/saga-local';
import { TaskTokenService } from './support/task-token-service';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator = require('asl-validator') as (definition: unknown) => { isValid: boolean; errors: unknown[] };

type Json = any;
const TABLE = 'saga-shapes-idempotency';
const ORDERS = 'saga-shapes-orders';

const HANDLERS: Record<string, string> = { ...ORDER_SAGA_HANDLERS, 'send-confirmation': 'saga-state-machine/create-shipment' };

function order(orderId: string, simulate?: Json): Json {
  return { orderId, items: [{ sku: 'A', quantity: 2, price: 10 }, { sku: 'B', quantity: 1, price: 5.5 }], simulate };
}

function newStack(id: string): Stack {
  return new Stack(new App(), id, { env: { account: '123456789012', region: 'us-east-1' } });
}

function fn(stack: Stack, id: string): lambda.IFunction {
  return lambda.Function.fromFunctionArn(stack, id, `arn:aws:lambda:us-east-1:123456789012:function:${id}`);
}

const key = (field: string) => tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt(field));

/** reserve -> fulfil (charge-payment | create-shipment | record-order: DynamoDB) -> send-confirmation. */
function parallelSaga(chargeCompensatesOwnFailure = false): { definition: Json; saga: SagaStateMachine } {
  const stack = newStack('Parallel');
  const table = dynamodb.Table.fromTableName(stack, 'Orders', 'orders');
  const saga = new SagaStateMachine(stack, 'Saga', {
    steps: [
      { name: 'reserve-inventory', action: fn(stack, 'Reserve'), compensation: fn(stack, 'Release') },
      {
        name: 'fulfil',
        parallel: [
          { name: 'charge-payment', action: fn(stack, 'Charge'), compensation: fn(stack, 'Refund'), compensatesOwnFailure: chargeCompensatesOwnFailure },
          { name: 'create-shipment', action: fn(stack, 'Ship') },
          {
            name: 'record-order',
            actionTask: SagaTask.dynamoPutItem({
              table,
              item: { orderId: key('$.input.orderId'), state: tasks.DynamoAttributeValue.fromString('placed') },
              conditionExpression: 'attribute_not_exists(orderId)',
            }),
            compensationTask: SagaTask.dynamoDeleteItem({ table, key: { orderId: key('$.input.orderId') } }),
          },
        ],
      },
      { name: 'send-confirmation', action: fn(stack, 'Confirm') },
    ],
  });
  return { definition: definitionOf(stack), saga };
}

/** reserve -> a callback through a queue -> charge. */
function callbackSaga(props: Partial<SagaStateMachineProps>, callback: { timeout: Duration; heartbeat?: Duration }): { definition: Json; stack: Stack } {
  const stack = newStack('Callback');
  new SagaStateMachine(stack, 'Saga', {
    ...props,
    steps: [
      { name: 'reserve-inventory', action: fn(stack, 'Reserve'), compensation: fn(stack, 'Release') },
      { name: 'approve-order', actionTask: SagaTask.callbackViaQueue(new sqs.Queue(stack, 'Approvals'), callback) },
      { name: 'charge-payment', action: fn(stack, 'Charge'), compensation: fn(stack, 'Refund') },
    ],
  });
  return { definition: definitionOf(stack), stack };
}

describe('SagaStateMachine callback, parallel and direct-service steps, executed locally', () => {
  let dynamo: LocalDynamo;
  let tokens: TaskTokenService;
  let demo: DemoServices;
  /** DynamoDB calls the direct-integration states made, in order. */
  let dynamoCalls: Array<{ state: string; at: number; error?: string }>;
  const demoDefinition = (() => {
    const stack = newStack('Demo');
    const saga = addSagaStateMachineDemo(stack, new sns.Topic(stack, 'Alarms'));
    return { definition: definitionOf(stack), saga };
  })();
  const parallel = parallelSaga();

  beforeAll(async () => {
    dynamo = await startLocalDynamo();
    await dynamo.createIdempotencyTable(TABLE);
    await dynamo.client.send(new CreateTableCommand({
      TableName: ORDERS,
      AttributeDefinitions: [{ AttributeName: 'orderId', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }));
    process.env.IDEMPOTENCY_TABLE_NAME = TABLE;
    tokens = await TaskTokenService.start();
    demo = demoServices(tokens);
  });
  beforeEach(() => { dynamoCalls = []; });
  afterAll(async () => {
    delete process.env.IDEMPOTENCY_TABLE_NAME;
    await tokens.stop();
    await dynamo.stop();
  });

  /** The optimized DynamoDB integration: the state's Parameters as the API request, errors named DynamoDB.<exception>. */
  function dynamoService(state: string, command: new (input: Json) => PutItemCommand | DeleteItemCommand, delayMs = 0): LocalService {
    return async (parameters) => {
      expect(parameters.TableName).toBe('orders');
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      try {
        const response = await dynamo.client.send(new command({ ...parameters, TableName: ORDERS }) as PutItemCommand) as Json;
        dynamoCalls.push({ state, at: Date.now() });
        delete response.$metadata; // the SDK's, not part of the API response
        return response;
      } catch (error) {
        dynamoCalls.push({ state, at: Date.now(), error: (error as Error).name });
        throw Object.assign(new Error((error as Error).message), { name: `DynamoDB.${(error as Error).name}` });
      }
    };
  }

  const runParallel = (input: Json, options: Options = {}, definition = parallel.definition): Promise<Run> => execute(definition, input, {
    handlers: HANDLERS,
    services: {
      'record-order': dynamoService('record-order', PutItemCommand),
      'Compensate record-order': dynamoService('Compensate record-order', DeleteItemCommand),
    },
    ...options,
  });
  const stored = async (orderId: string) =>
    (await dynamo.client.send(new GetItemCommand({ TableName: ORDERS, Key: { orderId: { S: orderId } } }))).Item;

  // ---------------------------------------------------------------------------------------------
  // The task-token runtime helper and the local token service it talks to

  test('runtime helper: the client is created on first use; success, failure and heartbeat reach the service', async () => {
    process.env.AWS_ENDPOINT_URL_SFN = tokens.endpoint;
    let helper: typeof import('../packages/runtime/src/task-token') | undefined;
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      helper = require('../packages/runtime/src/task-token');
    });
    expect(helper!.taskTokenClientLoaded()).toBe(false);
    const ok = tokens.issue('helper-ok');
    await helper!.sendTaskHeartbeat(ok.token);
    expect(helper!.taskTokenClientLoaded()).toBe(true);
    await helper!.sendTaskSuccess(ok.token, { approved: true });
    await expect(ok.result).resolves.toEqual({ approved: true });
    const bad = tokens.issue('helper-bad');
    await helper!.sendTaskFailure(bad.token, `E${'x'.repeat(300)}`, 'c'.repeat(40000));
    await expect(bad.result).rejects.toMatchObject({ name: `E${'x'.repeat(255)}` });
    const failure = tokens.calls.find((c) => c.taskToken === bad.token)!;
    expect([failure.error!.length, failure.cause!.length]).toEqual([256, 32768]);
    expect(tokens.calls.filter((c) => c.taskToken === ok.token).map((c) => c.action)).toEqual(['SendTaskHeartbeat', 'SendTaskSuccess']);
    // A completed token is closed: the service answers TaskTimedOut, and the helper throws it.
    await expect(helper!.sendTaskSuccess(ok.token, {})).rejects.toMatchObject({ name: 'TaskTimedOut' });
  });

  // ---------------------------------------------------------------------------------------------
  // Callbacks

  test('callback success: the worker gets the token and the payload, sends a heartbeat, then its output is the result', async () => {
    const before = demo.approvals.length;
    const run = await execute(demoDefinition.definition, order('o-cb-1'), { handlers: HANDLERS, services: demo.services, executionName: 'cb-1' });
    expect(run.status).toBe('SUCCEEDED');
    const message = demo.approvals[before];
    // The state sent $$.Task.Token; the service substitute issued its own token for this attempt.
    expect(run.calls.find((c) => c.state === 'approve-order')!.event.MessageBody.taskToken).toBe('context-token-cb-1');
    expect(message).toEqual({
      taskToken: expect.stringMatching(/^token-\d+-approve-order$/),
      step: 'approve-order',
      idempotencyKey: 'cb-1:approve-order',
      input: order('o-cb-1'),
      results: { 'reserve-inventory': { reservationId: expect.stringMatching(/^res-o-cb-1-/), units: 3 } },
    });
    expect(tokens.calls.filter((c) => c.taskToken === message.taskToken).map((c) => c.action)).toEqual(['SendTaskHeartbeat', 'SendTaskSuccess']);
    expect(run.output.results['approve-order']).toEqual({ approved: true, total: 25.5 });
    // charge-payment ran after the approval and saw it.
    expect(run.calls.find((c) => c.state === 'charge-payment')!.event.results['approve-order']).toEqual({ approved: true, total: 25.5 });
  });

  test('callback failure (SendTaskFailure): the worker\'s error fails the step, earlier steps are compensated, nothing retried', async () => {
    const run = await execute(demoDefinition.definition, order('o-cb-2', { rejectApproval: true }), { handlers: HANDLERS, services: demo.services });
    expect(run.status).toBe('FAILED');
    expect(run.calls.filter((c) => c.state === 'approve-order')).toHaveLength(1);
    expect(compensationsRun(run)).toEqual(['Compensate reserve-inventory']);
    expect(run.calls.map((c) => c.state)).not.toContain('charge-payment');
    expect(run.error).toBe('approve-order failed: OrderRejectedError');
    expect(run.cause).toContain('order o-cb-2 rejected: total 25.5 above the approval limit 1000 (simulated)');
    expect(run.cause).toContain('Compensated in reverse order: reserve-inventory.');
    const release = run.calls.find((c) => c.state === 'Compensate reserve-inventory')!;
    expect(release.event.failure).toMatchObject({ step: 'approve-order', originalError: 'OrderRejectedError', error: 'approve-order failed: OrderRejectedError' });
    expect(release.result).toEqual({ released: run.calls.find((c) => c.state === 'reserve-inventory')!.result.reservationId });
  });

  test('heartbeat timeout: a worker that goes silent fails the step with States.HeartbeatTimeout, compensated, not retried', async () => {
    const { definition } = callbackSaga({}, { timeout: Duration.minutes(30), heartbeat: Duration.minutes(5) });
    expect(definition.States['approve-order']).toMatchObject({ TimeoutSeconds: 1800, HeartbeatSeconds: 300 });
    const silent: LocalService = async () => {
      // Step Functions fails the task when HeartbeatSeconds pass without SendTaskHeartbeat.
      throw Object.assign(new Error('no heartbeat within 300 seconds'), { name: 'States.HeartbeatTimeout' });
    };
    const run = await execute(definition, order('o-cb-3'), { handlers: HANDLERS, services: { 'approve-order': silent } });
    expect(run.calls.filter((c) => c.state === 'approve-order').map((c) => c.error)).toEqual(['States.HeartbeatTimeout']);
    expect(compensationsRun(run)).toEqual(['Compensate reserve-inventory']);
    expect(run.error).toBe('approve-order failed: States.HeartbeatTimeout');
    expect(run.states[run.states.length - 1]).toBe('SagaFailed');
  });

  test('callback timeout: TimeoutSeconds passes (the interpreter\'s own timer) -> States.Timeout, compensated, not retried', async () => {
    const { definition } = callbackSaga({}, { timeout: Duration.seconds(1) });
    let issued: string | undefined;
    const neverAnswered: LocalService = async () => {
      const { token, result } = tokens.issue('approve-order');
      issued = token;
      return result; // the worker never completes the token
    };
    const started = Date.now();
    const run = await execute(definition, order('o-cb-4'), { handlers: HANDLERS, services: { 'approve-order': neverAnswered } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    // One attempt: the interpreter timed the task out while the substitute still waited.
    expect(run.calls.filter((c) => c.state === 'approve-order')).toHaveLength(1);
    expect(compensationsRun(run)).toEqual(['Compensate reserve-inventory']);
    expect(run.error).toBe('approve-order failed: States.Timeout');
    // A late answer finds the task closed, as the service answers for a timed-out task.
    tokens.close(issued!);
    await expect(fetch(tokens.endpoint, {
      method: 'POST', headers: { 'x-amz-target': 'AWSStepFunctions.SendTaskSuccess' }, body: JSON.stringify({ taskToken: issued, output: '{}' }),
    }).then((r) => r.status)).resolves.toBe(400);
  });

  test('execution timeout before the callback\'s: the saga warns at synth, and the timed-out execution runs no compensation', async () => {
    const { definition, stack } = callbackSaga({ timeout: Duration.seconds(1) }, { timeout: Duration.seconds(2) });
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('callback of step \'approve-order\' may wait 2 seconds'))).toHaveLength(1);
    const neverAnswered: LocalService = () => tokens.issue('approve-order').result;
    const run = await execute(definition, order('o-cb-5'), { handlers: HANDLERS, services: { 'approve-order': neverAnswered } });
    expect(run.status).toBe('TIMED_OUT');
    expect(compensationsRun(run)).toEqual([]);
    expect(run.states).toEqual(['Start', 'reserve-inventory', 'approve-order']);
    // The interpreter leaves the aborted task's own 2-second timer running: let it fire, so no timer outlives the file.
    await new Promise((resolve) => setTimeout(resolve, 1100));
  });

  // ---------------------------------------------------------------------------------------------
  // Parallel groups and direct-service steps

  test('the definitions are valid ASL (asl-validator)', () => {
    for (const definition of [parallel.definition, demoDefinition.definition, callbackSaga({}, { timeout: Duration.minutes(5) }).definition]) {
      expect(aslValidator(structuredClone(definition)).errors).toEqual([]);
    }
  });

  test('all branches complete: results merged under $.results, the DynamoDB item written', async () => {
    const run = await runParallel(order('o-p-0'));
    expect(run.status).toBe('SUCCEEDED');
    expect(Object.keys(run.output.results)).toEqual(['reserve-inventory', 'charge-payment', 'create-shipment', 'record-order', 'send-confirmation']);
    expect(run.output.results['record-order']).toEqual({});
    expect(run.output.branchFailures).toEqual([{}, {}, {}]);
    expect(await stored('o-p-0')).toEqual({ orderId: { S: 'o-p-0' }, state: { S: 'placed' } });
    expect(run.states).toHaveLength(parallel.saga.costEstimate.happyPathTransitions);
  });

  test.each([
    ['charge-payment', { failStep: 'charge-payment' }, 'PaymentDeclinedError', ['Compensate record-order', 'Compensate reserve-inventory']],
    ['create-shipment', { failStep: 'create-shipment' }, 'ShipmentRejectedError',
      ['Compensate record-order', 'Compensate charge-payment', 'Compensate reserve-inventory']],
  ])('branch %s fails: the completed branches are compensated (latest declared first), then the earlier steps',
    async (branch, simulate, errorName, expected) => {
      const orderId = `o-p-${branch}`;
      const run = await runParallel(order(orderId, simulate));
      expect(run.status).toBe('FAILED');
      expect(compensationsRun(run)).toEqual(expected);
      expect(run.calls.map((c) => c.state)).not.toContain('send-confirmation');
      expect(run.error).toBe(`fulfil failed: ${branch} failed: ${errorName}`);
      expect(run.cause).toMatch(new RegExp(`^step fulfil failed: 1 of 3 branches failed, the first: branch ${branch} of fulfil failed: \\{"Error":"${errorName}"`));
      expect(run.cause).toContain('Compensated in reverse order: record-order (if completed), charge-payment (if completed), reserve-inventory.');
      // The item the completed record-order branch wrote is gone again.
      expect(await stored(orderId)).toBeUndefined();
      // Every compensation gets the group's failure.
      for (const call of run.calls.filter((c) => c.state.startsWith('Compensate ') && c.state !== 'Compensate record-order')) {
        expect(call.event.failure).toMatchObject({
          step: 'fulfil', failedBranches: [branch], originalError: errorName, error: `fulfil failed: ${branch} failed: ${errorName}`,
          branchFailures: [{ step: branch, group: 'fulfil', originalError: errorName }],
        });
      }
    });

  test('a direct-integration branch fails (DynamoDB condition): the others are compensated, its own item is left alone', async () => {
    await dynamo.client.send(new PutItemCommand({ TableName: ORDERS, Item: { orderId: { S: 'o-p-dup' }, state: { S: 'earlier' } } }));
    const run = await runParallel(order('o-p-dup'));
    expect(dynamoCalls).toEqual([{ state: 'record-order', at: expect.any(Number), error: 'ConditionalCheckFailedException' }]);
    expect(run.error).toBe('fulfil failed: record-order failed: DynamoDB.ConditionalCheckFailedException');
    // Not a transient error: one attempt.
    expect(run.calls.filter((c) => c.state === 'record-order')).toHaveLength(1);
    expect(compensationsRun(run)).toEqual(['Compensate charge-payment', 'Compensate reserve-inventory']);
    expect(await stored('o-p-dup')).toEqual({ orderId: { S: 'o-p-dup' }, state: { S: 'earlier' } });
  });

  test('a branch fails while another is still running: the slow one finishes and is then compensated', async () => {
    const run = await runParallel(order('o-p-slow', { failStep: 'charge-payment' }), {
      services: {
        'record-order': dynamoService('record-order', PutItemCommand, 150),
        'Compensate record-order': dynamoService('Compensate record-order', DeleteItemCommand),
      },
    });
    const chargeFailedAt = run.states.indexOf('charge-payment failed');
    expect(chargeFailedAt).toBeGreaterThan(-1);
    // record-order completed after charge-payment had failed, and was compensated after that.
    expect(dynamoCalls.map((c) => c.state)).toEqual(['record-order', 'Compensate record-order']);
    expect(compensationsRun(run)).toEqual(['Compensate record-order', 'Compensate reserve-inventory']);
    expect(await stored('o-p-slow')).toBeUndefined();
  });

  test('two branches fail: the error names the first declared, every failure is in the payload, the rest compensated', async () => {
    const failShipment: LocalService = async () => {
      throw Object.assign(new Error('carrier down'), { name: 'ShipmentRejectedError' });
    };
    const run = await runParallel(order('o-p-two', { failStep: 'charge-payment' }), {
      services: {
        'create-shipment': failShipment,
        'record-order': dynamoService('record-order', PutItemCommand),
        'Compensate record-order': dynamoService('Compensate record-order', DeleteItemCommand),
      },
    });
    expect(run.error).toBe('fulfil failed: charge-payment failed: PaymentDeclinedError');
    expect(run.cause).toMatch(/^step fulfil failed: 2 of 3 branches failed, the first: branch charge-payment/);
    expect(compensationsRun(run)).toEqual(['Compensate record-order', 'Compensate reserve-inventory']);
    const release = run.calls.find((c) => c.state === 'Compensate reserve-inventory')!;
    expect(release.event.failure.failedBranches).toEqual(['charge-payment', 'create-shipment']);
    expect(release.event.failure.branchFailures.map((f: Json) => f.originalError)).toEqual(['PaymentDeclinedError', 'ShipmentRejectedError']);
  });

  test('a branch with compensatesOwnFailure that fails is compensated too, without the "completed?" check', async () => {
    const own = parallelSaga(true);
    expect(own.definition.States['Compensate charge-payment?']).toBeUndefined();
    const run = await runParallel(order('o-p-own', { failStep: 'charge-payment' }), {}, own.definition);
    expect(compensationsRun(run)).toEqual(['Compensate record-order', 'Compensate charge-payment', 'Compensate reserve-inventory']);
    // The failed charge left no result: the refund has nothing to undo.
    expect(run.calls.find((c) => c.state === 'Compensate charge-payment')!.result).toEqual({ refunded: null, amount: 0 });
    expect(run.cause).toContain('Compensated in reverse order: record-order (if completed), charge-payment, reserve-inventory.');
  });

  test('a step after the group fails: every branch is compensated (latest declared first), then the earlier steps', async () => {
    const run = await runParallel(order('o-p-after', { failStep: 'send-confirmation' }));
    expect(run.error).toBe('send-confirmation failed: ShipmentRejectedError');
    expect(compensationsRun(run)).toEqual(['Compensate record-order', 'Compensate charge-payment', 'Compensate reserve-inventory']);
    expect(run.cause).toContain('Compensated in reverse order: record-order, charge-payment, reserve-inventory.');
    // The DeleteItem of the compensation got the key from the execution input.
    expect(run.calls.find((c) => c.state === 'Compensate record-order')!.event).toEqual({ TableName: 'orders', Key: { orderId: { S: 'o-p-after' } } });
    const refund = run.calls.find((c) => c.state === 'Compensate charge-payment')!;
    expect(refund.event.failure).toMatchObject({ step: 'send-confirmation', originalError: 'ShipmentRejectedError' });
    expect(refund.event.results['record-order']).toEqual({});
    expect(refund.result).toEqual({ refunded: run.calls.find((c) => c.state === 'charge-payment')!.result.paymentId, amount: 25.5 });
    expect(await stored('o-p-after')).toBeUndefined();
  });

  // ---------------------------------------------------------------------------------------------
  // Cost: the annotation's transition counts are the states an execution enters

  test('the demo saga: happy path and worst failure path enter exactly the states the cost estimate counts', async () => {
    const estimate = demoDefinition.saga.costEstimate;
    const happy = await execute(demoDefinition.definition, order('o-cost-1'), { handlers: HANDLERS, services: demo.services });
    expect(happy.status).toBe('SUCCEEDED');
    expect(happy.states).toHaveLength(estimate.happyPathTransitions);

    // The worst failure path: every step before the last group completes, a branch of it fails,
    // every compensation runs and the last one fails.
    const receiptFails: LocalService = async () => { throw Object.assign(new Error('throttled'), { name: 'SNS.InvalidParameterException' }); };
    const worst = await execute(demoDefinition.definition, order('o-cost-2', { failCompensation: 'reserve-inventory' }), {
      handlers: HANDLERS, services: { ...demo.services, 'send-receipt': receiptFails },
    });
    expect(worst.states).toEqual([
      'Start', 'reserve-inventory', 'approve-order', 'charge-payment', 'create-shipment',
      'notify', 'publish-order-placed', 'send-receipt', 'send-receipt failed', 'Check notify', 'notify failed',
      'Compensate publish-order-placed?', 'Compensate publish-order-placed', 'Compensate charge-payment', 'Compensate reserve-inventory',
      'Compensate reserve-inventory failed', 'RecordCompensationFailure', 'CompensationFailed',
    ]);
    expect(worst.states).toHaveLength(estimate.worstFailurePathTransitions);
    // The compensation event went to the bus (the group's own compensation).
    expect(demo.events.filter((e) => e.DetailType === 'OrderCancelled').at(-1)).toMatchObject({ Source: 'orders', Detail: { orderId: 'o-cost-2', state: 'cancelled' } });
  });
});
