// Defects of issue 25 in the saga definition, executed from the synthesized template with
// aws-local-stepfunctions (every task a local function named by its state).
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SagaStateMachine } from '../lib';
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
