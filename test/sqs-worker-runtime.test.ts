import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { lambdaContext, loadBundledHandler, sqsEvent, sqsRecord } from './support/lambda';
import { LocalDynamo, startLocalDynamo } from './support/dynalite';
import { createSqsWorkerHandler } from '../lambda/runtime/sqs-worker';

type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

const order = (orderId: string) => JSON.stringify({ orderId, items: [{ price: 12.5, quantity: 2 }] });

describe('bundled example worker (assets/sqs-worker/example), idempotency off', () => {
  let handler: SqsHandler;
  beforeAll(() => {
    delete process.env.IDEMPOTENCY_TABLE_NAME;
    process.env.SQS_WORKER_FIFO = 'false';
    handler = loadBundledHandler<SqsHandler>('sqs-worker/example');
  });

  test('a malformed JSON body and an invalid order are reported; the good records are not', async () => {
    const event = sqsEvent([
      sqsRecord('m1', order('o-1')),
      sqsRecord('m2', '{"orderId": "o-2", items: [}'),
      sqsRecord('m3', order('o-3')),
      sqsRecord('m4', JSON.stringify({ orderId: 'o-4', items: [] })),
      sqsRecord('m5', order('o-5')),
    ]);
    const response = await handler(event, lambdaContext());
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }, { itemIdentifier: 'm4' }] });
  });

  test('a clean batch reports no failures', async () => {
    const response = await handler(sqsEvent([sqsRecord('a', order('o-a')), sqsRecord('b', order('o-b'))]), lambdaContext());
    expect(response).toEqual({ batchItemFailures: [] });
  });

  test('a batch where every record fails throws, so the Errors alarm sees it and SQS retries all', async () => {
    await expect(handler(sqsEvent([sqsRecord('x', 'not json'), sqsRecord('y', '{}')]), lambdaContext()))
      .rejects.toThrow(/All records failed processing/);
  });
});

describe('bundled example worker on a FIFO queue', () => {
  afterEach(() => { process.env.SQS_WORKER_FIFO = 'false'; });

  test('stops at the first failure and reports it and every later record', async () => {
    delete process.env.IDEMPOTENCY_TABLE_NAME;
    process.env.SQS_WORKER_FIFO = 'true';
    const handler = loadBundledHandler<SqsHandler>('sqs-worker/example');
    const event = sqsEvent([
      sqsRecord('f1', order('o-1'), { groupId: 'g', sequence: 1 }),
      sqsRecord('f2', order('o-2'), { groupId: 'g', sequence: 2 }),
      sqsRecord('f3', 'broken', { groupId: 'g', sequence: 3 }),
      sqsRecord('f4', order('o-4'), { groupId: 'g', sequence: 4 }),
      sqsRecord('f5', order('o-5'), { groupId: 'h', sequence: 5 }),
    ]);
    const response = await handler(event, lambdaContext());
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['f3', 'f4', 'f5']);
  });
});

describe('idempotency against a local DynamoDB (dynalite)', () => {
  let dynamo: LocalDynamo;
  beforeAll(async () => {
    dynamo = await startLocalDynamo();
    await dynamo.createIdempotencyTable('idempotency');
    await dynamo.createIdempotencyTable('idempotency-business-key');
    process.env.SQS_WORKER_FIFO = 'false';
  });
  afterAll(async () => {
    delete process.env.IDEMPOTENCY_TABLE_NAME;
    delete process.env.IDEMPOTENCY_KEY_PATH;
    await dynamo.stop();
  });

  test('the bundled worker stores one record per message id', async () => {
    process.env.IDEMPOTENCY_TABLE_NAME = 'idempotency';
    process.env.IDEMPOTENCY_TTL_SECONDS = '3600';
    process.env.IDEMPOTENCY_KEY_PATH = 'messageId';
    const handler = loadBundledHandler<SqsHandler>('sqs-worker/example');
    const first = await handler(sqsEvent([sqsRecord('dup-1', order('o-1')), sqsRecord('bad', 'nope')]), lambdaContext());
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: 'bad' }]);
    const again = await handler(sqsEvent([sqsRecord('dup-1', order('o-1'))]), lambdaContext());
    expect(again.batchItemFailures).toEqual([]);
    const items = await dynamo.client.send(new ScanCommand({ TableName: 'idempotency' }));
    // One completed record for dup-1; the malformed record never reached the idempotent section.
    expect(items.Items).toHaveLength(1);
    expect(items.Items![0].status.S).toBe('COMPLETED');
    expect(items.Items![0].data.M).toEqual({ orderId: { S: 'o-1' }, total: { N: '25' } });
    const ttl = Number(items.Items![0].expiration.N);
    const nowSeconds = Date.now() / 1000;
    expect(ttl).toBeGreaterThan(nowSeconds + 3500);
    expect(ttl).toBeLessThan(nowSeconds + 3700);
  });

  test('the same message delivered twice runs the user function once', async () => {
    const calls: string[] = [];
    const handler = createSqsWorkerHandler<{ orderId: string }>(async (body) => {
      calls.push(body.orderId);
      return { charged: body.orderId };
    }, { idempotency: { tableName: 'idempotency', expiresAfterSeconds: 60 } });
    const event = sqsEvent([sqsRecord('msg-7', JSON.stringify({ orderId: 'o-7' }))]);
    expect(await handler(event, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(await handler(event, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(calls).toEqual(['o-7']);
  });

  test('a business key deduplicates different message ids carrying the same order', async () => {
    const calls: string[] = [];
    const handler = createSqsWorkerHandler<{ orderId: string }>(async (body, record) => {
      calls.push(`${record.messageId}:${body.orderId}`);
    }, { idempotency: { tableName: 'idempotency-business-key', eventKeyJmesPath: 'powertools_json(body).orderId' } });
    const response = await handler(sqsEvent([
      sqsRecord('first', JSON.stringify({ orderId: 'o-9' })),
      sqsRecord('resent', JSON.stringify({ orderId: 'o-9' })),
      sqsRecord('other', JSON.stringify({ orderId: 'o-10' })),
    ]), lambdaContext());
    // Records run in parallel, so which of the two o-9 messages wins is a race. Either the loser
    // finds o-9 completed and returns the stored result, or finds it in progress and is handed
    // back to SQS (IdempotencyAlreadyInProgressError). Either way o-9 is processed exactly once.
    const orderCalls = (id: string) => calls.filter((c) => c.endsWith(`:${id}`));
    expect(orderCalls('o-9')).toHaveLength(1);
    expect(orderCalls('o-10')).toEqual(['other:o-10']);
    const failed = response.batchItemFailures.map((f) => f.itemIdentifier);
    expect(failed.every((id) => id === 'first' || id === 'resent')).toBe(true);
    expect(failed.length).toBeLessThanOrEqual(1);
    // Redelivery of whatever was handed back, and of both again: the function does not run again.
    const redelivery = await handler(sqsEvent([
      sqsRecord('first', JSON.stringify({ orderId: 'o-9' })),
      sqsRecord('resent', JSON.stringify({ orderId: 'o-9' })),
    ].filter((r, i) => failed.includes(r.messageId) || i === 0)), lambdaContext());
    expect(redelivery).toEqual({ batchItemFailures: [] });
    expect(orderCalls('o-9')).toHaveLength(1);
  });

  test('a failed record is not remembered: its retry runs the function again', async () => {
    const attempts: string[] = [];
    const handler = createSqsWorkerHandler(async (_body, record) => {
      attempts.push(record.messageId);
      if (record.messageId === 'retry-me' && attempts.filter((id) => id === 'retry-me').length === 1) {
        throw new Error('downstream timeout');
      }
      return 'ok';
    }, { idempotency: { tableName: 'idempotency' } });
    const event = sqsEvent([sqsRecord('retry-me', '{}'), sqsRecord('fine', '{}')]);
    expect(await handler(event, lambdaContext())).toEqual({ batchItemFailures: [{ itemIdentifier: 'retry-me' }] });
    expect(await handler(sqsEvent([sqsRecord('retry-me', '{}')]), lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(attempts.sort()).toEqual(['fine', 'retry-me', 'retry-me']);
  });

  test('a record without the configured key fails (no silent pass-through)', async () => {
    const handler = createSqsWorkerHandler(async () => 'never', {
      idempotency: { tableName: 'idempotency', eventKeyJmesPath: 'powertools_json(body).missing' },
    });
    const response = await handler(sqsEvent([sqsRecord('k1', '{"other":1}'), sqsRecord('k2', '{"missing":"x"}')]), lambdaContext());
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'k1' }] });
  });
});

describe('raw bodies', () => {
  test('body: raw hands the string through', async () => {
    const seen: unknown[] = [];
    const handler = createSqsWorkerHandler(async (body) => { seen.push(body); }, { body: 'raw', idempotency: false });
    await handler(sqsEvent([sqsRecord('r', 'plain text')]), lambdaContext());
    expect(seen).toEqual(['plain text']);
  });
});
