import type { SQSEvent } from 'aws-lambda';
import { sqsEvent, sqsRecord } from './lambda';

/**
 * SQS batches the worker runtime tests use (test/sqs-worker-runtime.test.ts), shared so a handler
 * in another language (test/python-handler.e2e.test.ts) runs against the very same records.
 */

/** A valid order body (lambda/sqs-worker/order.ts): one item, total 25. */
export const order = (orderId: string) => JSON.stringify({ orderId, items: [{ price: 12.5, quantity: 2 }] });

/** Five orders: m2 a malformed JSON body, m4 an order without items; the rest valid. */
export function mixedOrderBatch(): SQSEvent {
  return sqsEvent([
    sqsRecord('m1', order('o-1')),
    sqsRecord('m2', '{"orderId": "o-2", items: [}'),
    sqsRecord('m3', order('o-3')),
    sqsRecord('m4', JSON.stringify({ orderId: 'o-4', items: [] })),
    sqsRecord('m5', order('o-5')),
  ]);
}

/** Two valid orders. */
export function cleanOrderBatch(): SQSEvent {
  return sqsEvent([sqsRecord('a', order('o-a')), sqsRecord('b', order('o-b'))]);
}

/** Two records that both fail: a body that is not JSON, and an empty object. */
export function allFailingOrderBatch(): SQSEvent {
  return sqsEvent([sqsRecord('x', 'not json'), sqsRecord('y', '{}')]);
}

/** A FIFO batch: group g with a broken third record (f3), then group h. */
export function fifoOrderBatch(): SQSEvent {
  return sqsEvent([
    sqsRecord('f1', order('o-1'), { groupId: 'g', sequence: 1 }),
    sqsRecord('f2', order('o-2'), { groupId: 'g', sequence: 2 }),
    sqsRecord('f3', 'broken', { groupId: 'g', sequence: 3 }),
    sqsRecord('f4', order('o-4'), { groupId: 'g', sequence: 4 }),
    sqsRecord('f5', order('o-5'), { groupId: 'h', sequence: 5 }),
  ]);
}

/**
 * A FIFO batch of `groups` message groups with `perGroup` records each, interleaved as SQS may
 * deliver them. Record `g<g>-<n>`'s body is `body(g, n)`, by default `{ group: 'g<g>', n }`.
 */
export function fifoBatch(groups: number, perGroup: number,
  body: (group: number, n: number) => string = (g, n) => JSON.stringify({ group: `g${g}`, n })): SQSEvent {
  const records = [];
  let sequence = 0;
  for (let n = 1; n <= perGroup; n++) {
    for (let g = 0; g < groups; g++) {
      records.push(sqsRecord(`g${g}-${n}`, body(g, n), { groupId: `g${g}`, sequence: ++sequence }));
    }
  }
  return sqsEvent(records);
}

/** The "whatever was thrown" batch: message ids naming what the record function throws for them. */
export const THROWN_ANYTHING_IDS = ['good-1', 'null', 'undefined', 'no-reason', 'string', 'good-2'];

/** The record function of that batch: throws null, undefined, a bare rejection or a string; else 'ok'. */
export async function throwsAnything(_body: unknown, record: { messageId: string }): Promise<string> {
  if (record.messageId === 'null') throw null;
  if (record.messageId === 'undefined') throw undefined;
  if (record.messageId === 'no-reason') return Promise.reject();
  if (record.messageId === 'string') throw 'plain string';
  return 'ok';
}
