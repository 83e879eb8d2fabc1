/**
 * Pure logic of the example stream workers: what an order event or an order change does to the
 * read model, as DynamoDB requests. Kept apart from the handlers so it can be tested alone.
 */
import type { DynamoDbChange, KinesisItem } from '@cdk-serverless-patterns/runtime/stream-worker';

export class InvalidOrderEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidOrderEventError';
  }
}

/** An order event on the Kinesis stream. */
export interface OrderEvent {
  readonly orderId: string;
  readonly customerId: string;
  readonly amount: number;
}

/** An order item of the orders table (the write model). */
export interface OrderItem {
  readonly orderId: string;
  readonly customerId: string;
  readonly status: string;
  readonly total: number;
}

function requireString(value: unknown, name: string, context: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new InvalidOrderEventError(`${context}: ${name} must be a non-empty string`);
  return value;
}

function requireAmount(value: unknown, name: string, context: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidOrderEventError(`${context}: ${name} must be a number >= 0`);
  }
  return value;
}

export function parseOrderEvent(item: KinesisItem): OrderEvent {
  const data = item.data as Record<string, unknown> | null;
  if (typeof data !== 'object' || data === null) throw new InvalidOrderEventError(`record ${item.sequenceNumber}: data must be a JSON object`);
  const context = `record ${item.sequenceNumber}`;
  return {
    orderId: requireString(data.orderId, 'orderId', context),
    customerId: requireString(data.customerId, 'customerId', context),
    amount: requireAmount(data.amount, 'amount', context),
  };
}

export function parseOrderItem(image: Record<string, unknown> | undefined, context: string): OrderItem {
  if (!image) throw new InvalidOrderEventError(`${context}: the change has no image (the table's stream view type must include images)`);
  return {
    orderId: requireString(image.orderId, 'orderId', context),
    customerId: requireString(image.customerId, 'customerId', context),
    status: requireString(image.status, 'status', context),
    total: requireAmount(image.total, 'total', context),
  };
}

/** A DynamoDB request in the shape of the low-level client's input (attribute values in DynamoDB JSON). */
export interface ProjectionRequest {
  readonly kind: 'update' | 'delete';
  readonly key: Record<string, { S: string }>;
  readonly updateExpression?: string;
  readonly values?: Record<string, { S: string } | { N: string }>;
  readonly names?: Record<string, string>;
}

/**
 * Kinesis worker: a running total per customer. Deliberately not idempotent by itself (ADD), so
 * a record processed twice shows up as a wrong total: idempotency is what keeps it right.
 */
export function customerTotalUpdate(event: OrderEvent): ProjectionRequest {
  return {
    kind: 'update',
    key: { pk: { S: `CUSTOMER#${event.customerId}` }, sk: { S: 'TOTALS' } },
    updateExpression: 'ADD #total :amount, #orders :one SET #lastOrder = :orderId',
    names: { '#total': 'total', '#orders': 'orders', '#lastOrder': 'lastOrderId' },
    values: { ':amount': { N: String(event.amount) }, ':one': { N: '1' }, ':orderId': { S: event.orderId } },
  };
}

/**
 * DynamoDB worker (CQRS): the read model keeps one summary per order under its customer, so
 * "orders of a customer" is one Query. INSERT and MODIFY write the summary (and count the changes
 * applied); REMOVE deletes it.
 */
export function orderSummaryChange(change: DynamoDbChange): ProjectionRequest {
  const context = `change ${change.sequenceNumber} (${change.eventName})`;
  if (change.eventName === 'REMOVE') {
    const old = change.oldImage ?? change.keys;
    const customerId = requireString(old.customerId ?? change.keys.customerId, 'customerId', context);
    const orderId = requireString(old.orderId ?? change.keys.orderId, 'orderId', context);
    return { kind: 'delete', key: { pk: { S: `CUSTOMER#${customerId}` }, sk: { S: `ORDER#${orderId}` } } };
  }
  const order = parseOrderItem(change.newImage, context);
  return {
    kind: 'update',
    key: { pk: { S: `CUSTOMER#${order.customerId}` }, sk: { S: `ORDER#${order.orderId}` } },
    updateExpression: 'SET #status = :status, #total = :total ADD #changes :one',
    names: { '#status': 'status', '#total': 'total', '#changes': 'changes' },
    values: { ':status': { S: order.status }, ':total': { N: String(order.total) }, ':one': { N: '1' } },
  };
}
