import { createServer, request, Server } from 'http';
import { AddressInfo } from 'net';
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DynamoDBClient,
  PutItemCommand,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Context } from 'aws-lambda';
import { lambdaContext } from './lambda';
import { DynamoDBHttpClient } from '../../packages/runtime/src/aws/dynamodb';
import { DynamoDBHttpPersistenceLayer } from '../../packages/runtime/src/idempotency/dynamodb-http-persistence-layer';

/**
 * The idempotency scenarios, written once and run against any DynamoDB implementation
 * (dynalite, moto) with any persistence layer (Powertools' DynamoDBPersistenceLayer, or a lighter
 * one): first call, repeat, in progress, in progress past the Lambda timeout, expired, failed then
 * retried, concurrent duplicates, missing key, and the conditional failure that returns (or not)
 * the stored item.
 *
 * The layer talks to the store through a recording proxy, so the suite sees the DynamoDB
 * operations any layer makes (X-Amz-Target) and what the store answered, whatever client the
 * layer uses.
 */

/** Where a persistence layer under test must send its requests. */
export interface DynamoTarget {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** Builds the persistence layer under test for a table (the Powertools record layout: key `id`). */
export type PersistenceLayerFactory = (tableName: string, target: DynamoTarget) => BasePersistenceLayer;

/** Powertools' own layer, with its SDK client pointed at the target. */
export const powertoolsDynamoDBLayer: PersistenceLayerFactory = (tableName, target) => new DynamoDBPersistenceLayer({
  tableName,
  clientConfig: { endpoint: target.endpoint, region: target.region, credentials: target.credentials },
});

/**
 * The runtime's DynamoDBHttpPersistenceLayer (signed HTTP, no SDK client) pointed at the target;
 * it reads credentials from the environment, which the dynalite and moto helpers set.
 */
export const httpDynamoDBLayer: PersistenceLayerFactory = (tableName, target) => new DynamoDBHttpPersistenceLayer({
  tableName,
  client: new DynamoDBHttpClient({ endpoint: target.endpoint, region: target.region }),
});

export interface IdempotencyScenarioOptions {
  /** The DynamoDB endpoint of the store (read in beforeAll, after the store started). */
  readonly endpoint: () => string;
  readonly persistenceLayer: PersistenceLayerFactory;
  /**
   * Whether this store returns the existing item on ConditionalCheckFailed when asked with
   * `ReturnValuesOnConditionCheckFailure: ALL_OLD` (DynamoDB and moto do, dynalite does not).
   */
  readonly returnsItemOnConditionFailure: boolean;
}

/** One DynamoDB request as the store saw it. */
export interface RecordedCall {
  readonly operation: string;
  readonly status: number;
  /** For a ConditionalCheckFailedException: did the answer carry the stored item? */
  readonly returnedItem?: boolean;
}

/** An HTTP proxy in front of a DynamoDB endpoint that records every operation and its answer. */
async function startRecordingProxy(upstream: string, calls: RecordedCall[]): Promise<{ endpoint: string; server: Server }> {
  const target = new URL(upstream);
  const server = createServer((req, res) => {
    const operation = String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
    const forward = request({ hostname: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.on('end', () => {
        const body = Buffer.concat(chunks);
        let returnedItem: boolean | undefined;
        if (answer.statusCode === 400 && body.toString().includes('ConditionalCheckFailedException')) {
          returnedItem = JSON.parse(body.toString()).Item !== undefined;
        }
        calls.push({ operation, status: answer.statusCode!, ...(returnedItem === undefined ? {} : { returnedItem }) });
        res.writeHead(answer.statusCode!, answer.headers);
        res.end(body);
      });
    });
    forward.on('error', (err) => { res.writeHead(502); res.end(String(err)); });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

interface Order { readonly orderId?: string; readonly amount: number }

/** A function that can be held mid-run, to create an in-progress record on purpose. */
function gatedFunction() {
  const runs: string[] = [];
  let release!: () => void;
  let started!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  const startedSignal = new Promise<void>((r) => { started = r; });
  const fn = async (event: Order, _context: Context) => {
    runs.push(event.orderId!);
    started();
    await gate;
    return { charged: event.orderId, amount: event.amount };
  };
  return { fn, runs, release, started: startedSignal };
}

/** Registers the scenario tests in the calling describe block. */
export function idempotencyScenarios(options: IdempotencyScenarioOptions): void {
  const tableName = 'idempotency-scenarios';
  const calls: RecordedCall[] = [];
  let proxy: { endpoint: string; server: Server };
  let store: DynamoDBClient;
  let target: DynamoTarget;

  beforeAll(async () => {
    const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
    store = new DynamoDBClient({ endpoint: options.endpoint(), region: 'us-east-1', credentials });
    await store.send(new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }));
    proxy = await startRecordingProxy(options.endpoint(), calls);
    target = { endpoint: proxy.endpoint, region: 'us-east-1', credentials };
  });
  afterAll(async () => {
    store.destroy();
    proxy.server.closeAllConnections(); // the layers' clients keep connections alive
    await new Promise<void>((resolve) => proxy.server.close(() => resolve()));
  });
  beforeEach(() => { calls.length = 0; });

  /** The function made idempotent with a fresh layer and config; keys are prefixed per scenario. */
  function idempotent<T>(fn: (event: Order, context: Context) => Promise<T>, keyPrefix: string) {
    const config = new IdempotencyConfig({ eventKeyJmesPath: 'orderId', expiresAfterSeconds: 3600, throwOnNoIdempotencyKey: true });
    return makeIdempotent(fn, { persistenceStore: options.persistenceLayer(tableName, target), config, keyPrefix });
  }

  async function recordsOf(keyPrefix: string) {
    const { Items = [] } = await store.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }));
    return Items.filter((i) => i.id.S!.startsWith(`${keyPrefix}#`));
  }

  const operations = () => calls.map((c) => c.operation);

  test('the store answers a failed conditional write with the stored item, or without it', async () => {
    const key = { id: { S: 'probe#1' } };
    await store.send(new PutItemCommand({ TableName: tableName, Item: { ...key, status: { S: 'COMPLETED' } } }));
    const error = await store.send(new PutItemCommand({
      TableName: tableName, Item: { ...key, status: { S: 'INPROGRESS' } },
      ConditionExpression: 'attribute_not_exists(id)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConditionalCheckFailedException);
    expect((error as ConditionalCheckFailedException).Item)
      .toEqual(options.returnsItemOnConditionFailure ? { ...key, status: { S: 'COMPLETED' } } : undefined);
  });

  test('first call: the function runs once and a COMPLETED record holds its result until the TTL', async () => {
    const { fn, runs, release } = gatedFunction();
    release();
    const handler = idempotent(fn, 'first');
    const before = Math.floor(Date.now() / 1000);
    expect(await handler({ orderId: 'o-1', amount: 5 }, lambdaContext())).toEqual({ charged: 'o-1', amount: 5 });
    expect(runs).toEqual(['o-1']);
    expect(operations()).toEqual(['PutItem', 'UpdateItem']);
    const [record, ...others] = await recordsOf('first');
    expect(others).toEqual([]);
    expect(record.status.S).toBe('COMPLETED');
    expect(JSON.parse(JSON.stringify(record.data))).toEqual({ M: { charged: { S: 'o-1' }, amount: { N: '5' } } });
    expect(Number(record.expiration.N)).toBeGreaterThanOrEqual(before + 3600);
    expect(Number(record.expiration.N)).toBeLessThanOrEqual(before + 3602);
  });

  test('repeat: the stored result comes back and the function does not run; the stored item is used when the store returns it', async () => {
    const { fn, runs, release } = gatedFunction();
    release();
    const handler = idempotent(fn, 'repeat');
    await handler({ orderId: 'o-2', amount: 7 }, lambdaContext());
    calls.length = 0;
    expect(await handler({ orderId: 'o-2', amount: 7 }, lambdaContext())).toEqual({ charged: 'o-2', amount: 7 });
    expect(runs).toEqual(['o-2']);
    // The conditional PutItem fails; with the item in the answer no GetItem follows.
    expect(calls[0]).toEqual({ operation: 'PutItem', status: 400, returnedItem: options.returnsItemOnConditionFailure });
    expect(operations()).toEqual(options.returnsItemOnConditionFailure ? ['PutItem'] : ['PutItem', 'GetItem']);
  });

  test('in progress: a duplicate while the first call runs is refused; once it completes, the duplicate gets its result', async () => {
    const { fn, runs, release, started } = gatedFunction();
    const first = idempotent(fn, 'in-progress');
    const duplicate = idempotent(fn, 'in-progress');
    const running = first({ orderId: 'o-3', amount: 1 }, lambdaContext());
    await started;
    await expect(duplicate({ orderId: 'o-3', amount: 1 }, lambdaContext())).rejects.toMatchObject({ name: 'IdempotencyAlreadyInProgressError' });
    expect((await recordsOf('in-progress')).map((r) => r.status.S)).toEqual(['INPROGRESS']);
    release();
    expect(await running).toEqual({ charged: 'o-3', amount: 1 });
    expect(await duplicate({ orderId: 'o-3', amount: 1 }, lambdaContext())).toEqual({ charged: 'o-3', amount: 1 });
    expect(runs).toEqual(['o-3']);
  });

  test('in progress past the Lambda timeout: the record is taken over and the function runs again', async () => {
    const stuck = gatedFunction();
    const shortContext = { ...lambdaContext(), getRemainingTimeInMillis: () => 50 }; // this invocation "times out" in 50 ms
    const running = idempotent(stuck.fn, 'timed-out')({ orderId: 'o-4', amount: 1 }, shortContext);
    await stuck.started;
    await new Promise((r) => setTimeout(r, 120));
    const retry = gatedFunction();
    retry.release();
    expect(await idempotent(retry.fn, 'timed-out')({ orderId: 'o-4', amount: 1 }, lambdaContext())).toEqual({ charged: 'o-4', amount: 1 });
    expect(retry.runs).toEqual(['o-4']);
    stuck.release();
    await running;
  });

  test('expired: a COMPLETED record past its expiry is overwritten and the function runs again', async () => {
    const { fn, runs, release } = gatedFunction();
    release();
    const handler = idempotent(fn, 'expired');
    await handler({ orderId: 'o-5', amount: 2 }, lambdaContext());
    const [record] = await recordsOf('expired');
    // The TTL passed (DynamoDB deletes expired items late, so the record is still there).
    await store.send(new UpdateItemCommand({
      TableName: tableName, Key: { id: record.id }, UpdateExpression: 'SET expiration = :past',
      ExpressionAttributeValues: { ':past': { N: String(Math.floor(Date.now() / 1000) - 10) } },
    }));
    calls.length = 0;
    expect(await handler({ orderId: 'o-5', amount: 2 }, lambdaContext())).toEqual({ charged: 'o-5', amount: 2 });
    expect(runs).toEqual(['o-5', 'o-5']);
    expect(operations()).toEqual(['PutItem', 'UpdateItem']);
    const [renewed] = await recordsOf('expired');
    expect(renewed.status.S).toBe('COMPLETED');
    expect(Number(renewed.expiration.N)).toBeGreaterThan(Date.now() / 1000 + 3500);
  });

  test('failed then retried: a failure deletes the record, so the retry runs the function', async () => {
    const attempts: string[] = [];
    const handler = idempotent(async (event: Order) => {
      attempts.push(event.orderId!);
      if (attempts.length === 1) throw new Error('downstream timeout');
      return { charged: event.orderId };
    }, 'failed');
    await expect(handler({ orderId: 'o-6', amount: 1 }, lambdaContext())).rejects.toThrow('downstream timeout');
    expect(operations()).toEqual(['PutItem', 'DeleteItem']);
    expect(await recordsOf('failed')).toEqual([]);
    expect(await handler({ orderId: 'o-6', amount: 1 }, lambdaContext())).toEqual({ charged: 'o-6' });
    expect(attempts).toEqual(['o-6', 'o-6']);
  });

  test('concurrent duplicates: of five simultaneous calls exactly one runs, the others are refused as in progress', async () => {
    const { fn, runs, release, started } = gatedFunction();
    const handlers = Array.from({ length: 5 }, () => idempotent(fn, 'concurrent'));
    const outcomes = Promise.allSettled(handlers.map((h) => h({ orderId: 'o-7', amount: 3 }, lambdaContext())));
    await started;
    // Let the four losers decide before the winner completes: their failed conditional writes, and
    // where the store does not return the item, the GetItem that follows each (a loser reading
    // after the winner completed would get the stored result instead, which is also correct).
    const losersDone = () => calls.filter((c) => c.operation === 'PutItem').length === 5
      && (options.returnsItemOnConditionFailure || calls.filter((c) => c.operation === 'GetItem').length === 4);
    while (!losersDone()) await new Promise((r) => setTimeout(r, 10));
    release();
    const settled = await outcomes;
    expect(runs).toEqual(['o-7']);
    expect(settled.filter((s) => s.status === 'fulfilled').map((s) => (s as PromiseFulfilledResult<unknown>).value)).toEqual([{ charged: 'o-7', amount: 3 }]);
    expect(settled.filter((s) => s.status === 'rejected').map((s) => (s as PromiseRejectedResult).reason.name))
      .toEqual(Array(4).fill('IdempotencyAlreadyInProgressError'));
    expect(calls.filter((c) => c.operation === 'PutItem').map((c) => c.status).sort()).toEqual([200, 400, 400, 400, 400]);
  });

  test('missing key: the call is rejected before anything runs or is written', async () => {
    const { fn, runs, release } = gatedFunction();
    release();
    await expect(idempotent(fn, 'missing')({ amount: 1 }, lambdaContext()))
      .rejects.toMatchObject({ name: 'IdempotencyPersistenceLayerError', cause: { name: 'IdempotencyKeyError' } });
    expect(runs).toEqual([]);
    expect(calls).toEqual([]);
    expect(await recordsOf('missing')).toEqual([]);
  });
}
