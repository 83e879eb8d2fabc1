// Defects of issue 25 in the saga definition, executed from the synthesized template with
// aws-local-stepfunctions (every task a local function named by its state).
import { createHash } from 'crypto';
import { App, Duration, Fn, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { HandlerCode, SagaStateMachine, SagaStep, SagaTask, SqsWorker } from '../lib';
import { definitionOf, execute, LocalService } from './support/saga-local';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator = require('asl-validator') as (definition: unknown) => { isValid: boolean; errors: unknown[] };

type Json = any;
const ENV = { account: '123456789012', region: 'us-east-1' };

function fn(stack: Stack, id: string): lambda.IFunction {
  return lambda.Function.fromFunctionArn(stack, id, `arn:aws:lambda:us-east-1:123456789012:function:${id}`);
}

/** A local task that succeeds, or fails with `error` as its name. */
const ok: LocalService = async () => ({ ok: true });
const failing = (error: string): LocalService => async () => { throw Object.assign(new Error(error), { name: error }); };

describe('"Not compensated" after a parallel group lists exactly what is left', () => {
  /** pay -> group { ship, pack (own failure compensated), notify } -> confirm. */
  function groupSaga(): Json {
    const stack = new Stack(new App(), 'Group', { env: ENV });
    new SagaStateMachine(stack, 'Saga', {
      steps: [
        { name: 'pay', action: fn(stack, 'Pay'), compensation: fn(stack, 'Refund') },
        {
          name: 'fulfil',
          parallel: [
            { name: 'ship', action: fn(stack, 'Ship'), compensation: fn(stack, 'Unship') },
            { name: 'pack', action: fn(stack, 'Pack'), compensation: fn(stack, 'Unpack'), compensatesOwnFailure: true },
            { name: 'notify', action: fn(stack, 'Notify'), compensation: fn(stack, 'Retract') },
          ],
        },
        { name: 'confirm', action: fn(stack, 'Confirm') },
      ],
    });
    return definitionOf(stack);
  }
  const definition = groupSaga();
  const services = (overrides: Record<string, LocalService>): Record<string, LocalService> => ({
    'pay': ok, 'ship': ok, 'pack': ok, 'notify': ok, 'confirm': ok,
    'Compensate pay': ok, 'Compensate ship': ok, 'Compensate pack': ok, 'Compensate notify': ok, ...overrides,
  });

  test('the definition is valid States Language', () => {
    expect(aslValidator(definition).errors).toEqual([]);
  });

  test('a successful execution\'s output: input, results and the group\'s branchFailures (as the README says)', async () => {
    const run = await execute(definition, { orderId: 'o-0' }, { services: services({}) });
    expect(run.status).toBe('SUCCEEDED');
    expect(Object.keys(run.output).sort()).toEqual(['branchFailures', 'input', 'results']);
    expect(run.output.branchFailures).toEqual([{}, {}, {}]);
  });

  test('a branch that failed is not listed; a completed one and an own-failure compensation are', async () => {
    // ship fails: notify completed, pack completed; notify's compensation then fails for good.
    const run = await execute(definition, { orderId: 'o-1' }, {
      services: services({ 'ship': failing('ShipError'), 'Compensate notify': failing('RetractError') }),
    });
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('SagaCompensationFailed');
    expect(run.cause).toMatch(/^compensation of step notify failed after retries: .*\. Original failure: fulfil failed: ship failed: ShipError\. Not compensated: notify, pack, pay\.$/);
  });

  test('a branch that failed and has no own-failure compensation is left out in the middle of the list', async () => {
    // ship completed, notify failed; pack's compensation fails for good: left are pack, ship, pay.
    const run = await execute(definition, { orderId: 'o-2' }, {
      services: services({ 'notify': failing('NotifyError'), 'Compensate pack': failing('UnpackError') }),
    });
    expect(run.cause).toMatch(/Original failure: fulfil failed: notify failed: NotifyError\. Not compensated: pack, ship, pay\.$/);
  });

  test('a later step\'s failure: every branch completed, so every one is listed, none "(if completed)"', async () => {
    const run = await execute(definition, { orderId: 'o-3' }, {
      services: services({ 'confirm': failing('ConfirmError'), 'Compensate notify': failing('RetractError') }),
    });
    expect(run.cause).toMatch(/Original failure: confirm failed: ConfirmError\. Not compensated: notify, pack, ship, pay\.$/);
  });

  test('a failed branch whose compensation fails: it is the first listed, and a failed later branch is not', async () => {
    // notify failed; ship completed; pack compensates its own failure and fails: left are pack, ship, pay.
    const run = await execute(definition, { orderId: 'o-4' }, {
      services: services({ 'notify': failing('NotifyError'), 'pack': failing('PackError'), 'Compensate pack': failing('UnpackError') }),
    });
    expect(run.cause).toMatch(/Not compensated: pack, ship, pay\.$/);
  });
});

describe('SQS steps: FIFO group and deduplication ids, and which SQS errors are retried', () => {
  const LONG_STEP = 's'.repeat(62);
  const EXECUTION = 'e'.repeat(80);

  function sendSaga(queue: (stack: Stack) => sqs.IQueue, messageGroupId?: string, step = LONG_STEP): { definition: () => Json; stack: Stack } {
    const stack = new Stack(new App(), 'Send', { env: ENV });
    new SagaStateMachine(stack, 'Saga', {
      steps: [
        { name: 'pay', action: fn(stack, 'Pay'), compensation: fn(stack, 'Refund') },
        { name: step, actionTask: SagaTask.sqsSendMessage({ queue: queue(stack), messageGroupId }) },
      ],
    });
    return { definition: () => definitionOf(stack), stack };
  }
  const fifoQueue = (stack: Stack) => new sqs.Queue(stack, 'Orders', { fifo: true });

  test('a FIFO send without a group id is a synth error naming the path, the prop and the fix', () => {
    expect(() => sendSaga(fifoQueue)).toThrow(
      `Send/Saga: invalid prop 'steps[1].actionTask.messageGroupId': is missing: the task sends to a FIFO queue, and SQS rejects a FIFO `
      + 'message without a MessageGroupId. Fix: pass messageGroupId to SagaTask.sqsSendMessage({ queue, messageGroupId }): '
      + 'a literal, or sfn.JsonPath.stringAt(\'$.input.<field>\')');
  });

  test('a FIFO callback queue (a FIFO SqsWorker) without a group id is a synth error; with one it synthesizes', () => {
    const saga = (messageGroupId?: string) => {
      const stack = new Stack(new App(), 'Callback', { env: ENV });
      const worker = new SqsWorker(stack, 'Approvals', { handler: HandlerCode.bundled('sqs-worker/example'), fifo: true });
      const steps: SagaStep[] = [
        { name: 'approve', actionTask: SagaTask.callbackViaQueue(worker.queue, { timeout: Duration.hours(1), messageGroupId }) },
      ];
      new SagaStateMachine(stack, 'Saga', { steps });
      return definitionOf(stack);
    };
    expect(() => saga()).toThrow("Callback/Saga: invalid prop 'steps[0].actionTask.messageGroupId': is missing: the task sends to a FIFO queue, "
      + 'and SQS rejects a FIFO message without a MessageGroupId. Fix: pass messageGroupId to '
      + 'SagaTask.callbackViaQueue(queue, { timeout, messageGroupId }): a literal, or sfn.JsonPath.stringAt(\'$.input.<field>\')');
    const parameters = saga(sfn.JsonPath.stringAt('$.input.customerId')).States.approve.Parameters;
    expect(parameters).toMatchObject({
      'MessageGroupId.$': '$.input.customerId',
      'MessageDeduplicationId.$': "States.Hash(States.Format('{}:approve', $$.Execution.Name), 'SHA-256')",
    });
  });

  test('a queue imported by a token ARN is not judged (its type is unknown); a group id gets a deduplication id', () => {
    const imported = (stack: Stack) => sqs.Queue.fromQueueArn(stack, 'Imported', Fn.importValue('OrdersQueueArn'));
    expect(() => sendSaga(imported)).not.toThrow();
    const { stack } = sendSaga(imported, 'orders');
    const json = JSON.stringify(stack.resolve((stack.node.findChild('Saga').node.findChild('StateMachine').node.defaultChild as sfn.CfnStateMachine).definitionString));
    expect(json).toContain('\\"MessageGroupId\\":\\"orders\\"');
    expect(json).toContain('MessageDeduplicationId.$');
  });

  /** Runs the send saga once; the parameters the SQS state sent. */
  async function send(definition: Json, executionName: string, step: string): Promise<Json> {
    const sent: Json[] = [];
    const run = await execute(definition, { customerId: 'c-7' }, {
      executionName,
      services: { pay: ok, [step]: async (parameters) => { sent.push(parameters); return { MessageId: 'm-1' }; } },
    });
    expect(run.status).toBe('SUCCEEDED');
    expect(sent).toHaveLength(1);
    return sent[0];
  }

  test('the deduplication id is the SHA-256 (hex) of the idempotency key, the group id the value the state holds', async () => {
    const sent = await send(sendSaga(fifoQueue, sfn.JsonPath.stringAt('$.input.customerId'), 'ship').definition(), 'run-1', 'ship');
    expect(sent.MessageGroupId).toBe('c-7');
    expect(sent.MessageDeduplicationId).toBe(createHash('sha256').update('run-1:ship').digest('hex'));
    expect(sent.MessageBody.idempotencyKey).toBe('run-1:ship');
  });

  test('an 80-character execution name and a 62-character step: the id stays 64 characters and unique', async () => {
    // aws-local-stepfunctions 3.0's own SHA-256 is wrong for inputs of 56 bytes or more (its padding),
    // so here the id is checked for shape and uniqueness; the exact hash is checked above with a short key.
    const definition = sendSaga(fifoQueue, 'orders').definition();
    expect(definition.States[LONG_STEP].Parameters['MessageDeduplicationId.$'])
      .toBe(`States.Hash(States.Format('{}:${LONG_STEP}', $$.Execution.Name), 'SHA-256')`);
    const first = await send(definition, EXECUTION, LONG_STEP);
    const other = await send(definition, `${EXECUTION.slice(0, 79)}f`, LONG_STEP);
    expect(first.MessageBody.idempotencyKey).toHaveLength(143);
    expect(first.MessageDeduplicationId).toMatch(/^[0-9a-f]{64}$/);
    expect(other.MessageDeduplicationId).toMatch(/^[0-9a-f]{64}$/);
    expect(other.MessageDeduplicationId).not.toBe(first.MessageDeduplicationId);
  });

  test('a permanent SQS error is not retried: the saga compensates after one attempt', async () => {
    const definition = sendSaga(fifoQueue, 'orders').definition();
    for (const error of ['SQS.AmazonSQSException', 'SQS.QueueDoesNotExistException', 'SQS.InvalidMessageContentsException', 'SQS.KmsDisabledException']) {
      const run = await execute(definition, {}, { services: { 'pay': ok, 'Compensate pay': ok, [LONG_STEP]: failing(error) } });
      expect({ error, status: run.status, sends: run.calls.filter((c) => c.state === LONG_STEP).length })
        .toEqual({ error, status: 'FAILED', sends: 1 });
      expect(run.error).toBe(`${LONG_STEP} failed: ${error}`);
    }
  });

  test('throttles and client faults are retried', async () => {
    const definition = sendSaga(fifoQueue, 'orders').definition();
    for (const error of ['SQS.RequestThrottledException', 'SQS.KmsThrottledException', 'SQS.SdkClientException']) {
      let attempts = 0;
      const flaky: LocalService = async () => {
        if (++attempts < 3) throw Object.assign(new Error(error), { name: error });
        return { MessageId: 'm-2' };
      };
      const run = await execute(definition, {}, { services: { pay: ok, [LONG_STEP]: flaky } });
      expect({ error, status: run.status, attempts }).toEqual({ error, status: 'SUCCEEDED', attempts: 3 });
    }
  });
});

describe('callback and message-body errors', () => {
  test('a callback with a heartbeat but no timeout says so, with the rule id', () => {
    const stack = new Stack(new App(), 'Heartbeat', { env: ENV });
    const approvals = new sqs.Queue(stack, 'Approvals');
    expect(() => new SagaStateMachine(stack, 'Saga', {
      steps: [{ name: 'approve', actionTask: SagaTask.callbackViaQueue(approvals, { heartbeat: Duration.minutes(1) }) }],
    })).toThrow("Heartbeat/Saga: invalid prop 'steps[0].actionTask.timeout': is missing: the callback has a heartbeat but no timeout, "
      + 'so a worker that keeps sending heartbeats holds the execution up to a year (SagaStateMachine requires a callback timeout, '
      + 'rule SPG-SFN-CALLBACK-TIMEOUT). Fix: set SagaTask.callbackVia*(..., { timeout, heartbeat }) with the heartbeat below the timeout');
  });
});

describe('a custom message body', () => {
  test('reads the saga state as $ and the idempotency key from SagaTask.idempotencyKey', async () => {
    const stack = new Stack(new App(), 'Body', { env: ENV });
    const notifications = new sqs.Queue(stack, 'Notifications');
    const body = (compensation: boolean) => sfn.TaskInput.fromObject({
      orderId: sfn.JsonPath.stringAt('$.input.orderId'), key: SagaTask.idempotencyKey('notify', compensation),
    });
    new SagaStateMachine(stack, 'Saga', {
      steps: [
        {
          name: 'notify',
          actionTask: SagaTask.sqsSendMessage({ queue: notifications, messageBody: body(false) }),
          compensationTask: SagaTask.sqsSendMessage({ queue: notifications, messageBody: body(true) }),
        },
        { name: 'ship', action: fn(stack, 'Ship') },
      ],
    });
    const sent: Json[] = [];
    const record: LocalService = async (parameters) => { sent.push(parameters.MessageBody); return { MessageId: 'm' }; };
    const run = await execute(definitionOf(stack), { orderId: 'o-9' }, {
      executionName: 'run-body', services: { 'notify': record, 'Compensate notify': record, 'ship': failing('ShipError') },
    });
    expect(run.status).toBe('FAILED');
    expect(sent).toEqual([{ orderId: 'o-9', key: 'run-body:notify' }, { orderId: 'o-9', key: 'run-body:notify:compensation' }]);
  });
});
