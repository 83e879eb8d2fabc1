import { withDurableExecution } from '@aws/durable-execution-sdk-js';
import { durableSaga, DurableSagaStepEvent } from '@cdk-serverless-patterns/runtime/durable-saga';
import { chargePayment, createShipment, refundPayment, releaseInventory, reserveInventory } from '../saga-state-machine/order-saga';
import type { SagaStepEvent } from '../saga-state-machine/saga-event';

/** Attempts per idempotency key, for the example's `simulate.unavailable` switch only. */
const attempts = new Map<string, number>();
function attempt(event: DurableSagaStepEvent): number {
  const next = (attempts.get(event.idempotencyKey) ?? 0) + 1;
  attempts.set(event.idempotencyKey, next);
  return next;
}
const step = (event: DurableSagaStepEvent) => event as SagaStepEvent;

/**
 * The demo's order saga as a durable function: reserve inventory -> charge payment -> create
 * shipment, the same step logic and `simulate` switches as the SagaStateMachine demo's handlers
 * (lambda/saga-state-machine/order-saga.ts), run in-process as durable steps. ServiceUnavailableError
 * of reserve-inventory is retried; charge-payment compensates its own failure (a failed attempt may
 * have charged).
 */
export const handler = withDurableExecution(durableSaga({
  steps: [
    {
      name: 'reserve-inventory',
      action: async (event) => reserveInventory(step(event), attempt(event)),
      compensation: async (event) => releaseInventory(step(event), 'reserve-inventory'),
      retry: { retryErrors: ['ServiceUnavailableError'] },
    },
    {
      name: 'charge-payment',
      action: async (event) => chargePayment(step(event), attempt(event)),
      compensation: async (event) => refundPayment(step(event), 'charge-payment'),
      compensatesOwnFailure: true,
    },
    { name: 'create-shipment', action: async (event) => createShipment(step(event), attempt(event)) },
  ],
}));
