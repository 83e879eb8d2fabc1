/** Pure logic of the example worker, kept apart from the handler so it can be tested alone. */
export interface OrderResult {
  readonly orderId: string;
  readonly total: number;
}

export class InvalidOrderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidOrderError';
  }
}

export function processOrder(body: unknown): OrderResult {
  if (typeof body !== 'object' || body === null) throw new InvalidOrderError('order must be a JSON object');
  const { orderId, items } = body as { orderId?: unknown; items?: unknown };
  if (typeof orderId !== 'string' || orderId.length === 0) throw new InvalidOrderError('orderId must be a non-empty string');
  if (!Array.isArray(items) || items.length === 0) throw new InvalidOrderError(`order ${orderId} has no items`);
  let total = 0;
  for (const item of items as Array<{ price?: unknown; quantity?: unknown }>) {
    if (typeof item?.price !== 'number' || typeof item?.quantity !== 'number' || item.price < 0 || item.quantity <= 0) {
      throw new InvalidOrderError(`order ${orderId} has an item without a valid price and quantity`);
    }
    total += item.price * item.quantity;
  }
  return { orderId, total: Math.round(total * 100) / 100 };
}
