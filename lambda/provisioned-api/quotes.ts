/** The example API's business logic: price a cart. Pure and synchronous. */
import { HttpError, Route } from './http';

export interface QuoteLine {
  readonly sku: string;
  readonly quantity: number;
  readonly unitPrice: number;
  readonly lineTotal: number;
}

export interface Quote {
  readonly currency: string;
  readonly lines: QuoteLine[];
  readonly subtotal: number;
  readonly discount: number;
  readonly total: number;
}

const CURRENCIES = ['USD', 'EUR', 'GBP'];
/** 10% off carts of 100 or more (in the cart's currency). */
const DISCOUNT_FROM = 100;
const DISCOUNT_RATE = 0.1;
const MAX_LINES = 50;

const round = (n: number) => Math.round(n * 100) / 100;

/** Validates a cart and prices it; every problem is reported at once as a 400. */
export function quoteCart(body: unknown): Quote {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'request body must be a JSON object', ['body: expected {"currency": "USD", "items": [...]}']);
  }
  const { currency, items } = body as { currency?: unknown; items?: unknown };
  const errors: string[] = [];
  if (typeof currency !== 'string' || !CURRENCIES.includes(currency)) {
    errors.push(`currency: must be one of ${CURRENCIES.join(', ')}`);
  }
  if (!Array.isArray(items) || items.length === 0 || items.length > MAX_LINES) {
    errors.push(`items: must be a list of 1 to ${MAX_LINES} items`);
  } else {
    items.forEach((item: { sku?: unknown; quantity?: unknown; unitPrice?: unknown } | null, i: number) => {
      if (typeof item?.sku !== 'string' || !/^[A-Z0-9-]{1,32}$/.test(item.sku)) errors.push(`items[${i}].sku: must be 1-32 of A-Z, 0-9, '-'`);
      if (!Number.isInteger(item?.quantity) || (item!.quantity as number) < 1 || (item!.quantity as number) > 1000) {
        errors.push(`items[${i}].quantity: must be an integer from 1 to 1000`);
      }
      if (typeof item?.unitPrice !== 'number' || !Number.isFinite(item.unitPrice) || item.unitPrice < 0) {
        errors.push(`items[${i}].unitPrice: must be a number of 0 or more`);
      }
    });
  }
  if (errors.length > 0) throw new HttpError(400, 'invalid cart', errors);

  const lines = (items as Array<{ sku: string; quantity: number; unitPrice: number }>).map((item) => ({
    sku: item.sku, quantity: item.quantity, unitPrice: item.unitPrice, lineTotal: round(item.quantity * item.unitPrice),
  }));
  const subtotal = round(lines.reduce((sum, line) => sum + line.lineTotal, 0));
  const discount = subtotal >= DISCOUNT_FROM ? round(subtotal * DISCOUNT_RATE) : 0;
  return { currency: currency as string, lines, subtotal, discount, total: round(subtotal - discount) };
}

/** The example API's routes. */
export const routes: Route[] = [
  { method: 'GET', path: '/health', handle: () => ({ status: 200, body: { status: 'ok' } }) },
  { method: 'POST', path: '/quotes', handle: (req) => ({ status: 200, body: quoteCart(req.body) }) },
  {
    method: 'GET',
    path: '/currencies/{code}',
    handle: (req) => {
      const code = req.params.code.toUpperCase();
      if (!CURRENCIES.includes(code)) throw new HttpError(404, `currency ${code} is not supported`);
      return { status: 200, body: { code, discountFrom: DISCOUNT_FROM, discountRate: DISCOUNT_RATE } };
    },
  },
];
