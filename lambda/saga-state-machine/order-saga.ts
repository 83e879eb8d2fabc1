/**
 * Pure logic of the example order saga (reserve inventory -> charge payment -> create shipment),
 * kept apart from the handlers so it can be tested alone. "Services" are simulated: ids are
 * made up, and `input.simulate` makes a chosen step fail.
 */
import { OrderInput, SagaBusinessError, SagaStepEvent } from './saga-event';

export interface Reservation { readonly reservationId: string; readonly units: number }
export interface Payment { readonly paymentId: string; readonly amount: number }
export interface Shipment { readonly shipmentId: string }

let sequence = 0;
function newId(prefix: string, orderId: string): string {
  sequence += 1;
  return `${prefix}-${orderId}-${sequence}`;
}

/** Throws the switches of `input.simulate` that apply to this call of the step's action. */
function simulateAction(event: SagaStepEvent, attempt: number, businessError: string): void {
  const simulate = event.input.simulate;
  const unavailableAttempts = simulate?.unavailable?.[event.step] ?? 0;
  if (attempt <= unavailableAttempts) {
    throw new SagaBusinessError('ServiceUnavailableError',
      `${event.step}: service unavailable (simulated, attempt ${attempt} of ${unavailableAttempts} failing)`);
  }
  if (simulate?.failStep === event.step) {
    throw new SagaBusinessError(businessError, `${event.step}: failed for order ${event.input.orderId} (simulated)`);
  }
}

function simulateCompensation(event: SagaStepEvent): void {
  if (event.input.simulate?.failCompensation === event.step) {
    throw new SagaBusinessError('CompensationError', `${event.step}: compensation failed for order ${event.input.orderId} (simulated)`);
  }
}

function validOrder(input: OrderInput): OrderInput {
  if (typeof input !== 'object' || input === null || typeof input.orderId !== 'string' || input.orderId.length === 0) {
    throw new SagaBusinessError('InvalidOrderError', 'input.orderId must be a non-empty string');
  }
  if (!Array.isArray(input.items) || input.items.length === 0) {
    throw new SagaBusinessError('InvalidOrderError', `order ${input.orderId} has no items`);
  }
  for (const item of input.items) {
    if (typeof item?.sku !== 'string' || !(item.quantity > 0) || !(item.price >= 0)) {
      throw new SagaBusinessError('InvalidOrderError', `order ${input.orderId} has an item without sku, quantity and price`);
    }
  }
  return input;
}

/** The result a completed step left under `$.results.<step>`, if any. */
function resultOf<T>(event: SagaStepEvent, step: string): T | undefined {
  return event.results?.[step] as T | undefined;
}

export function reserveInventory(event: SagaStepEvent, attempt: number): Reservation {
  const order = validOrder(event.input);
  simulateAction(event, attempt, 'OutOfStockError');
  return { reservationId: newId('res', order.orderId), units: order.items.reduce((n, i) => n + i.quantity, 0) };
}

/** Undoes `reserveInventory`; `reserveStep` is the name of the step whose result holds the reservation. */
export function releaseInventory(event: SagaStepEvent, reserveStep: string): { released: string | null } {
  simulateCompensation(event);
  return { released: resultOf<Reservation>(event, reserveStep)?.reservationId ?? null };
}

export function chargePayment(event: SagaStepEvent, attempt: number): Payment {
  const order = validOrder(event.input);
  simulateAction(event, attempt, 'PaymentDeclinedError');
  const amount = Math.round(order.items.reduce((sum, i) => sum + i.price * i.quantity, 0) * 100) / 100;
  return { paymentId: newId('pay', order.orderId), amount };
}

/** Undoes `chargePayment`. With no payment result (the charge itself failed) there is nothing to refund. */
export function refundPayment(event: SagaStepEvent, chargeStep: string): { refunded: string | null; amount: number } {
  simulateCompensation(event);
  const payment = resultOf<Payment>(event, chargeStep);
  return { refunded: payment?.paymentId ?? null, amount: payment?.amount ?? 0 };
}

export function createShipment(event: SagaStepEvent, attempt: number): Shipment {
  const order = validOrder(event.input);
  simulateAction(event, attempt, 'ShipmentRejectedError');
  return { shipmentId: newId('ship', order.orderId) };
}

/** What the approval step's worker receives from the queue: the step payload plus the task token. */
export interface ApprovalRequest extends SagaStepEvent {
  readonly taskToken: string;
}

/** The approval: an order up to `limit` is approved automatically; above it, or with `simulate.rejectApproval`, rejected. */
export function approveOrder(request: ApprovalRequest, limit: number): { approved: true; total: number } {
  const order = validOrder(request.input);
  const total = Math.round(order.items.reduce((sum, i) => sum + i.price * i.quantity, 0) * 100) / 100;
  if (order.simulate?.rejectApproval || total > limit) {
    throw new SagaBusinessError('OrderRejectedError', `order ${order.orderId} rejected: total ${total} above the approval limit ${limit}`
      + (order.simulate?.rejectApproval ? ' (simulated)' : ''));
  }
  return { approved: true, total };
}
