import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { lambdaContext, loadBundledHandler, sqsEvent, sqsRecord } from './support/lambda';
import { LocalDynamo, startLocalDynamo } from './support/dynalite';
import {
  allFailingOrderBatch, cleanOrderBatch, fifoBatch, fifoOrderBatch, mixedOrderBatch, order, THROWN_ANYTHING_IDS, throwsAnything,
} from './support/sqs-batches';
import { logger as runtimeLogger } from '../packages/runtime/src/logger';
import { createSqsWorkerHandler, toError } from '../packages/runtime/src/sqs-worker';
import { sdkPersistenceLayer } from '../packages/runtime/src/idempotency/sdk';

type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

describe('bundled example worker (assets/sqs-worker/example), idempotency off', () => {
  let handler: SqsHandler;
  beforeAll(() => {
    delete process.env.IDEMPOTENCY_TABLE_NAME;
    process.env.SQS_WORKER_FIFO = 'false';
    handler = loadBundledHandler<SqsHandler>('sqs-worker/example');
  });

  test('a malformed JSON body and an invalid order are reported; the good records are not', async () => {
    const event = mixedOrderBatch();
    const response = await handler(event, lambdaContext());
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }, { itemIdentifier: 'm4' }] });
  });

  test('a clean batch reports no failures', async () => {
    const response = await handler(cleanOrderBatch(), lambdaContext());
    expect(response).toEqual({ batchItemFailures: [] });
  });

  test('a batch where every record fails throws, so the Errors alarm sees it and SQS retries all', async () => {
    await expect(handler(allFailingOrderBatch(), lambdaContext()))
      .rejects.toThrow(/All records failed processing/);
  });
});

describe('bundled example worker on a FIFO queue', () => {
  afterEach(() => { process.env.SQS_WORKER_FIFO = 'false'; });

  test('a failure hands back the rest of its message group; other groups keep flowing', async () => {
    delete process.env.IDEMPOTENCY_TABLE_NAME;
    process.env.SQS_WORKER_FIFO = 'true';
    const handler = loadBundledHandler<SqsHandler>('sqs-worker/example');
    const event = fifoOrderBatch();
    const response = await handler(event, lambdaContext());
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['f3', 'f4']);
  });
});

describe('FIFO: one poison message group does not hold up the others', () => {
  type Msg = { group: string; n: number };

  test('10 groups, one poison: >= 90% of the healthy records processed in this invocation, in order within each group', async () => {
    const processed: Msg[] = [];
    const handler = createSqsWorkerHandler<Msg>(async (msg) => {
      if (msg.group === 'g3' && msg.n === 2) throw new Error('poison');
      processed.push(msg);
    }, { fifo: true, idempotency: false });
    const event = fifoBatch(10, 5);

    const response = await handler(event, lambdaContext());

    // The poison record and the rest of its group are handed back, in delivery order.
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['g3-2', 'g3-3', 'g3-4', 'g3-5']);
    const healthy = event.Records.length - 1;
    expect(processed.length / healthy).toBeGreaterThanOrEqual(0.9);
    expect(processed).toHaveLength(46);
    for (let g = 0; g < 10; g++) {
      const seen = processed.filter((m) => m.group === `g${g}`).map((m) => m.n);
      expect(seen).toEqual(g === 3 ? [1] : [1, 2, 3, 4, 5]);
    }
  });

  test('fifoFailureScope batch: every record after the first failure is handed back (the previous default)', async () => {
    const processed: string[] = [];
    const handler = createSqsWorkerHandler<Msg>(async (msg, record) => {
      if (msg.group === 'g3' && msg.n === 2) throw new Error('poison');
      processed.push(record.messageId);
    }, { fifo: true, fifoFailureScope: 'batch', idempotency: false });
    const event = fifoBatch(10, 5);
    const response = await handler(event, lambdaContext());
    const firstFailure = event.Records.findIndex((r) => r.messageId === 'g3-2');
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(event.Records.slice(firstFailure).map((r) => r.messageId));
    expect(processed).toEqual(event.Records.slice(0, firstFailure).map((r) => r.messageId));
  });

  test('the retry of a failed group on the same warm handler runs (Powertools bug #3673 does not apply)', async () => {
    // #3673: with skipGroupOnError, a processor reused across invocations remembered the failed
    // group and skipped its retry without calling the record function.
    let poisoned = true;
    const processed: string[] = [];
    const handler = createSqsWorkerHandler<Msg>(async (msg, record) => {
      if (msg.group === 'g3' && poisoned) throw new Error('poison');
      processed.push(record.messageId);
    }, { fifo: true, idempotency: false });
    const first = await handler(fifoBatch(4, 2), lambdaContext());
    expect(first.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['g3-1', 'g3-2']);
    poisoned = false;
    processed.length = 0;
    const retry = sqsEvent(fifoBatch(4, 2).Records.filter((r) => r.attributes.MessageGroupId === 'g3'));
    expect(await handler(retry, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(processed).toEqual(['g3-1', 'g3-2']);
  });
});

describe('failures are reported per record, whatever was thrown', () => {
  test('a record function that throws null or undefined, or rejects without a reason, fails only its record', async () => {
    const ran: string[] = [];
    const handler = createSqsWorkerHandler(async (body, record) => {
      ran.push(record.messageId);
      return throwsAnything(body, record);
    }, { idempotency: false });
    const ids = THROWN_ANYTHING_IDS;
    const response = await handler(sqsEvent(ids.map((id) => sqsRecord(id, '{}'))), lambdaContext());
    expect(response).toEqual({ batchItemFailures: ['null', 'undefined', 'no-reason', 'string'].map((itemIdentifier) => ({ itemIdentifier })) });
    expect(ran.sort()).toEqual([...ids].sort());
  });

  test('toError names what was thrown', () => {
    expect(toError(null)).toMatchObject({ name: 'NonErrorThrownError', message: 'the record function threw null, not an Error', cause: null });
    expect(toError(undefined).message).toBe('the record function threw undefined, not an Error');
    expect(toError('x').message).toBe('the record function threw the string "x", not an Error');
    expect(toError({ code: 7 }).message).toBe('the record function threw object {"code":7}, not an Error');
    const original = new RangeError('kept');
    expect(toError(original)).toBe(original);
  });

  test('batchItemFailures come in delivery order, not in the order the records failed', async () => {
    const handler = createSqsWorkerHandler(async (body: { delayMs?: number; fail?: boolean }) => {
      await new Promise((resolve) => setTimeout(resolve, body.delayMs ?? 0));
      if (body.fail) throw new Error('failed');
    }, { idempotency: false });
    const response = await handler(sqsEvent([
      sqsRecord('slow-fail', JSON.stringify({ delayMs: 40, fail: true })),
      sqsRecord('ok', '{}'),
      sqsRecord('malformed', '{not json'),
      sqsRecord('fast-fail', JSON.stringify({ fail: true })),
      sqsRecord('ok-2', JSON.stringify({ delayMs: 5 })),
    ]), lambdaContext());
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['slow-fail', 'malformed', 'fast-fail']);
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

  test('the bundled worker does not carry the AWS SDK layer: IDEMPOTENCY_PERSISTENCE_LAYER=sdk fails each invocation, saying how to get it', async () => {
    process.env.IDEMPOTENCY_TABLE_NAME = 'idempotency';
    process.env.IDEMPOTENCY_PERSISTENCE_LAYER = 'sdk';
    try {
      const handler = loadBundledHandler<SqsHandler>('sqs-worker/example');
      await expect(handler(sqsEvent([sqsRecord('no-sdk-layer', order('o-1'))]), lambdaContext()))
        .rejects.toThrow("persistence layer 'sdk' is not in this bundle: import @cdk-serverless-patterns/runtime/idempotency/sdk");
    } finally {
      delete process.env.IDEMPOTENCY_PERSISTENCE_LAYER;
    }
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

  test('with IDEMPOTENCY_KEY_PREFIX (a shared table) every record key starts with that prefix, which the role is limited to', async () => {
    await dynamo.createIdempotencyTable('idempotency-shared');
    process.env.IDEMPOTENCY_TABLE_NAME = 'idempotency-shared';
    process.env.IDEMPOTENCY_KEY_PATH = 'messageId';
    process.env.IDEMPOTENCY_KEY_PREFIX = 'DemoOrdersWorker1A2B3C4D';
    try {
      const handler = loadBundledHandler<SqsHandler>('sqs-worker/example');
      const response = await handler(sqsEvent([sqsRecord('p-1', order('o-1')), sqsRecord('p-2', order('o-2'))]), lambdaContext());
      expect(response.batchItemFailures).toEqual([]);
      const items = await dynamo.client.send(new ScanCommand({ TableName: 'idempotency-shared' }));
      const ids = items.Items!.map((item) => item.id.S!);
      expect(ids).toHaveLength(2);
      // `<prefix>#<hash>`: the grant's dynamodb:LeadingKeys pattern `<prefix>#*` matches each.
      for (const id of ids) expect(id).toMatch(/^DemoOrdersWorker1A2B3C4D#[A-Za-z0-9+/]{22}==$/);
    } finally {
      delete process.env.IDEMPOTENCY_KEY_PREFIX;
    }
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

  test('a lone duplicate that arrives while the first delivery runs is handed back without failing the invocation', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    let started!: () => void;
    const running = new Promise<void>((resolve) => { started = resolve; });
    const runs: string[] = [];
    const handler = createSqsWorkerHandler(async (_body, record) => {
      runs.push(record.messageId);
      started();
      await gate;
      return 'done';
    }, { idempotency: { tableName: 'idempotency' } });
    const first = handler(sqsEvent([sqsRecord('in-flight', '{}')]), lambdaContext());
    await running;
    const lines = await captureLogs(() => handler(sqsEvent([sqsRecord('in-flight', '{}')]), lambdaContext()))
      .finally(() => release());
    // The redelivery is a batch item failure (SQS delivers it again later), not a function error.
    expect(lines.result).toEqual({ batchItemFailures: [{ itemIdentifier: 'in-flight' }] });
    expect(lines.logs).toEqual(expect.arrayContaining([expect.objectContaining({
      level: 'INFO', message: 'duplicate delivery while the first is still in progress; handed back to SQS', messageId: 'in-flight',
    })]));
    expect(lines.logs.filter((l) => l.level === 'ERROR')).toEqual([]);
    expect(lines.logs).toEqual(expect.arrayContaining([expect.objectContaining({
      level: 'WARN', message: 'batch finished with failures', records: 1, failed: 1, inProgressDuplicates: 1,
    })]));
    expect(await first).toEqual({ batchItemFailures: [] });
    expect(runs).toEqual(['in-flight']);
  });

  test('a batch in which every record fails for a real error still fails the invocation', async () => {
    const handler = createSqsWorkerHandler(async () => { throw new Error('down'); }, { idempotency: { tableName: 'idempotency' } });
    await expect(handler(sqsEvent([sqsRecord('all-fail-1', '{}'), sqsRecord('all-fail-2', '{}')]), lambdaContext()))
      .rejects.toMatchObject({ name: 'FullBatchFailureError', recordErrors: [expect.objectContaining({ message: 'down' }), expect.objectContaining({ message: 'down' })] });
  });

  test('a persistence layer factory (runtime/idempotency/sdk: Powertools DynamoDBPersistenceLayer) is used', async () => {
    const calls: string[] = [];
    const handler = createSqsWorkerHandler(async (_body, record) => { calls.push(record.messageId); return 'ok'; },
      { idempotency: { tableName: 'idempotency', persistenceLayer: sdkPersistenceLayer } });
    const event = sqsEvent([sqsRecord('via-sdk-factory', '{}')]);
    expect(await handler(event, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(await handler(event, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(calls).toEqual(['via-sdk-factory']);
  });

  test('IDEMPOTENCY_PERSISTENCE_LAYER=sdk (runtime/idempotency/sdk imported): Powertools DynamoDBPersistenceLayer writes the same record', async () => {
    process.env.IDEMPOTENCY_PERSISTENCE_LAYER = 'sdk';
    try {
      const calls: string[] = [];
      const handler = createSqsWorkerHandler(async (_body, record) => { calls.push(record.messageId); return 'ok'; },
        { idempotency: { tableName: 'idempotency' } });
      const event = sqsEvent([sqsRecord('via-sdk', '{}')]);
      expect(await handler(event, lambdaContext())).toEqual({ batchItemFailures: [] });
      expect(await handler(event, lambdaContext())).toEqual({ batchItemFailures: [] });
      expect(calls).toEqual(['via-sdk']);
    } finally {
      delete process.env.IDEMPOTENCY_PERSISTENCE_LAYER;
    }
  });

  test('an unknown persistence layer fails each invocation with a message naming the variable', async () => {
    process.env.IDEMPOTENCY_PERSISTENCE_LAYER = 'dax';
    try {
      const handler = createSqsWorkerHandler(async () => 'never', { idempotency: { tableName: 'idempotency' } });
      await expect(handler(sqsEvent([sqsRecord('m', '{}')]), lambdaContext()))
        .rejects.toThrow("IDEMPOTENCY_PERSISTENCE_LAYER must be 'http' or 'sdk' (given 'dax')");
    } finally {
      delete process.env.IDEMPOTENCY_PERSISTENCE_LAYER;
    }
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

/**
 * Runs `fn` with the runtime's Powertools logger at INFO, capturing its JSON lines (it writes
 * INFO to process.stdout, WARN and ERROR to process.stderr) instead of printing them.
 */
async function captureLogs<T>(fn: () => Promise<T>): Promise<{ result: T; logs: Array<Record<string, unknown>> }> {
  const powertools = runtimeLogger;
  const previous = powertools.getLevelName();
  const chunks: string[] = [];
  const capture = (chunk: string | Uint8Array) => { chunks.push(String(chunk)); return true; };
  const spies = [jest.spyOn(process.stdout, 'write').mockImplementation(capture), jest.spyOn(process.stderr, 'write').mockImplementation(capture)];
  powertools.setLogLevel('INFO');
  try {
    const result = await fn();
    const logs = chunks.join('').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    return { result, logs };
  } finally {
    spies.forEach((spy) => spy.mockRestore());
    powertools.setLogLevel(previous);
  }
}
