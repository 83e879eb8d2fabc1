import { Server } from 'http';
import {
  AttributeValue,
  ConditionalCheckFailedException,
  CreateTableCommand,
  DynamoDBClient,
  PutItemCommand,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { Context } from 'aws-lambda';
import { DynamoTarget, normalize, PersistenceLayerFactory, RecordedCall, sortedKeys, startRecordingProxy } from './idempotency-layers';
import { lambdaContext } from './lambda';

export { BOTH_LAYERS, httpDynamoDBLayer, powertoolsDynamoDBLayer } from './idempotency-layers';

/**
 * The idempotency scenarios, written once and run against any DynamoDB implementation (dynalite,
 * moto) with any number of persistence layers (Powertools' DynamoDBPersistenceLayer, the runtime's
 * signed-HTTP one): first call, repeat, in progress, in progress past the Lambda timeout, expired,
 * failed then retried, concurrent duplicates, missing key, payload validation, and the conditional
 * failure that returns (or not) the stored item.
 *
 * Each scenario runs on each layer in turn, on a table of its own, and asserts what the caller saw,
 * how often the function ran, the DynamoDB operations sent and the records left. The layers reach
 * the store through a recording proxy, whatever client they use; with two or more layers, they must
 * also have sent the same requests (operation, body, answer) and left the same records, clock
 * values aside.
 */
export interface IdempotencyScenarioOptions {
  /** The DynamoDB endpoint of the store (read in beforeAll, after the store started). */
  readonly endpoint: () => string;
  /** The layers under test, by name; with two or more, their requests and records must be identical. */
  readonly layers: Record<string, PersistenceLayerFactory>;
  /**
   * Whether this store returns the existing item on ConditionalCheckFailed when asked with
   * `ReturnValuesOnConditionCheckFailure: ALL_OLD` (DynamoDB and moto do, dynalite does not).
   */
  readonly returnsItemOnConditionFailure: boolean;
}

interface Order { readonly orderId?: string; readonly amount: number; readonly [key: string]: unknown }
type Item = Record<string, AttributeValue>;

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

/** What a scenario works with: one layer, one empty table. */
interface ScenarioRun {
  readonly returnsItemOnConditionFailure: boolean;
  /** The function made idempotent with a fresh layer and config (key: `orderId`, TTL one hour). */
  idempotent<T>(fn: (event: Order, context: Context) => Promise<T>, options?: { payloadValidationJmesPath?: string }): (event: Order, context: Context) => Promise<T>;
  /** The requests the layers sent in this run, from the `from`-th on. */
  calls(from?: number): RecordedCall[];
  /** Their operations, from the `from`-th on. */
  operations(from?: number): string[];
  /** The table's records (read directly, not through the proxy). */
  records(): Promise<Item[]>;
  /** Rewrites every record (a stand-in for time passing), directly. */
  rewriteRecords(update: string, values: Item): Promise<void>;
}

interface Scenario {
  readonly run: (s: ScenarioRun) => Promise<void>;
  /** Requests race each other: compare them across layers as a set, not in order. */
  readonly concurrent?: boolean;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
/** The function name the layers take as the key prefix (`<function>#<hash of the key>`). */
const FUNCTION_NAME = 'orders-worker';

const SCENARIOS: Record<string, Scenario> = {
  'first call: the function runs once and a COMPLETED record in Powertools\' layout holds its result until the TTL': {
    run: async (s) => {
      const { fn, runs, release } = gatedFunction();
      release();
      const before = nowSeconds();
      expect(await s.idempotent(fn)({ orderId: 'o-1', amount: 5 }, lambdaContext())).toEqual({ charged: 'o-1', amount: 5 });
      expect(runs).toEqual(['o-1']);
      expect(s.operations()).toEqual(['PutItem', 'UpdateItem']);
      expect(s.calls()[0].input).toMatchObject({
        ConditionExpression: 'attribute_not_exists(#id) OR #expiry < :now OR (#status = :inprogress AND '
          + 'attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_in_millis)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
      const records = await s.records();
      expect(normalize(records)).toEqual([{
        id: { S: expect.stringMatching(new RegExp(`^${FUNCTION_NAME}#[A-Za-z0-9+/=]+$`)) },
        status: { S: 'COMPLETED' },
        expiration: { N: '<clock>' },
        in_progress_expiration: { N: '<clock>' },
        data: { M: { charged: { S: 'o-1' }, amount: { N: '5' } } },
      }]);
      expect(Number(records[0].expiration.N)).toBeGreaterThanOrEqual(before + 3600);
      expect(Number(records[0].expiration.N)).toBeLessThanOrEqual(before + 3602);
    },
  },

  'repeat: the stored result comes back and the function does not run; the stored item is used when the store returns it': {
    run: async (s) => {
      const { fn, runs, release } = gatedFunction();
      release();
      const handler = s.idempotent(fn);
      await handler({ orderId: 'o-2', amount: 7 }, lambdaContext());
      const mark = s.calls().length;
      // The same key with another field: the key decides, not the payload (no validation configured).
      expect(await handler({ orderId: 'o-2', amount: 7, other: 'field' }, lambdaContext())).toEqual({ charged: 'o-2', amount: 7 });
      expect(runs).toEqual(['o-2']);
      // The conditional PutItem fails; with the item in the answer no GetItem follows.
      expect(s.calls(mark)[0]).toMatchObject({ operation: 'PutItem', status: 400, returnedItem: s.returnsItemOnConditionFailure });
      expect(s.operations(mark)).toEqual(s.returnsItemOnConditionFailure ? ['PutItem'] : ['PutItem', 'GetItem']);
    },
  },

  'in progress: a duplicate while the first call runs is refused; once it completes, the duplicate gets its result': {
    run: async (s) => {
      const { fn, runs, release, started } = gatedFunction();
      const first = s.idempotent(fn);
      const duplicate = s.idempotent(fn);
      const running = first({ orderId: 'o-3', amount: 1 }, lambdaContext());
      await started;
      await expect(duplicate({ orderId: 'o-3', amount: 1 }, lambdaContext())).rejects.toMatchObject({ name: 'IdempotencyAlreadyInProgressError' });
      expect((await s.records()).map((r) => r.status.S)).toEqual(['INPROGRESS']);
      release();
      expect(await running).toEqual({ charged: 'o-3', amount: 1 });
      expect(await duplicate({ orderId: 'o-3', amount: 1 }, lambdaContext())).toEqual({ charged: 'o-3', amount: 1 });
      expect(runs).toEqual(['o-3']);
      const readBack = s.returnsItemOnConditionFailure ? [] : ['GetItem'];
      expect(s.operations()).toEqual(['PutItem', 'PutItem', ...readBack, 'UpdateItem', 'PutItem', ...readBack]);
    },
  },

  'in progress past the Lambda timeout (a timed-out attempt): the record is taken over and the function runs again': {
    run: async (s) => {
      const stuck = gatedFunction();
      const shortContext = { ...lambdaContext(), getRemainingTimeInMillis: () => 50 }; // this invocation "times out" in 50 ms
      const running = s.idempotent(stuck.fn)({ orderId: 'o-4', amount: 1 }, shortContext);
      await stuck.started;
      await new Promise((r) => setTimeout(r, 120));
      const retry = gatedFunction();
      retry.release();
      expect(await s.idempotent(retry.fn)({ orderId: 'o-4', amount: 1 }, lambdaContext())).toEqual({ charged: 'o-4', amount: 1 });
      expect(retry.runs).toEqual(['o-4']);
      // The retry's conditional write succeeded over the stale INPROGRESS record.
      expect(s.calls().map((c) => `${c.operation} ${c.status}`)).toEqual(['PutItem 200', 'PutItem 200', 'UpdateItem 200']);
      stuck.release();
      await running;
      expect((await s.records()).map((r) => r.status.S)).toEqual(['COMPLETED']);
    },
  },

  'expired: a COMPLETED record past its expiry is overwritten and the function runs again': {
    run: async (s) => {
      const { fn, runs, release } = gatedFunction();
      release();
      const handler = s.idempotent(fn);
      await handler({ orderId: 'o-5', amount: 2 }, lambdaContext());
      // The TTL passed (DynamoDB deletes expired items late, so the record is still there).
      await s.rewriteRecords('SET expiration = :past', { ':past': { N: String(nowSeconds() - 10) } });
      const mark = s.calls().length;
      expect(await handler({ orderId: 'o-5', amount: 2 }, lambdaContext())).toEqual({ charged: 'o-5', amount: 2 });
      expect(runs).toEqual(['o-5', 'o-5']);
      expect(s.operations(mark)).toEqual(['PutItem', 'UpdateItem']);
      const [renewed, ...others] = await s.records();
      expect(others).toEqual([]);
      expect(renewed.status.S).toBe('COMPLETED');
      expect(Number(renewed.expiration.N)).toBeGreaterThan(Date.now() / 1000 + 3500);
    },
  },

  'failed then retried: a failure deletes the record, so the retry runs the function': {
    run: async (s) => {
      const attempts: string[] = [];
      const handler = s.idempotent(async (event: Order) => {
        attempts.push(event.orderId!);
        if (attempts.length === 1) throw Object.assign(new Error('downstream timeout'), { name: 'PaymentGatewayError' });
        return { charged: event.orderId };
      });
      await expect(handler({ orderId: 'o-6', amount: 1 }, lambdaContext())).rejects.toMatchObject({ name: 'PaymentGatewayError', message: 'downstream timeout' });
      expect(s.operations()).toEqual(['PutItem', 'DeleteItem']);
      expect(await s.records()).toEqual([]);
      expect(await handler({ orderId: 'o-6', amount: 1 }, lambdaContext())).toEqual({ charged: 'o-6' });
      expect(attempts).toEqual(['o-6', 'o-6']);
      expect(s.operations(2)).toEqual(['PutItem', 'UpdateItem']);
    },
  },

  'concurrent duplicates: of five simultaneous calls exactly one runs, the others are refused as in progress': {
    concurrent: true,
    run: async (s) => {
      const { fn, runs, release, started } = gatedFunction();
      const handlers = Array.from({ length: 5 }, () => s.idempotent(fn));
      const outcomes = Promise.allSettled(handlers.map((h) => h({ orderId: 'o-7', amount: 3 }, lambdaContext())));
      await started;
      // Let the four losers decide before the winner completes: their failed conditional writes, and
      // where the store does not return the item, the GetItem that follows each (a loser reading
      // after the winner completed would get the stored result instead, which is also correct).
      const count = (operation: string) => s.calls().filter((c) => c.operation === operation).length;
      const losersDone = () => count('PutItem') === 5 && (s.returnsItemOnConditionFailure || count('GetItem') === 4);
      while (!losersDone()) await new Promise((r) => setTimeout(r, 10));
      release();
      const settled = await outcomes;
      expect(runs).toEqual(['o-7']);
      expect(settled.filter((o) => o.status === 'fulfilled').map((o) => (o as PromiseFulfilledResult<unknown>).value)).toEqual([{ charged: 'o-7', amount: 3 }]);
      expect(settled.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason.name))
        .toEqual(Array(4).fill('IdempotencyAlreadyInProgressError'));
      expect(s.calls().filter((c) => c.operation === 'PutItem').map((c) => c.status).sort()).toEqual([200, 400, 400, 400, 400]);
    },
  },

  'missing key: the call is rejected before anything runs or is written': {
    run: async (s) => {
      const { fn, runs, release } = gatedFunction();
      release();
      await expect(s.idempotent(fn)({ amount: 1 }, lambdaContext()))
        .rejects.toMatchObject({ name: 'IdempotencyPersistenceLayerError', cause: { name: 'IdempotencyKeyError' } });
      expect(runs).toEqual([]);
      expect(s.calls()).toEqual([]);
      expect(await s.records()).toEqual([]);
    },
  },

  'payload validation: the same key with a different payload fails with IdempotencyValidationError': {
    run: async (s) => {
      const amounts: number[] = [];
      const handler = s.idempotent(async (event: Order) => { amounts.push(event.amount); return { amount: event.amount }; },
        { payloadValidationJmesPath: 'amount' });
      expect(await handler({ orderId: 'o-8', amount: 10 }, lambdaContext())).toEqual({ amount: 10 });
      expect(await handler({ orderId: 'o-8', amount: 10 }, lambdaContext())).toEqual({ amount: 10 });
      await expect(handler({ orderId: 'o-8', amount: 99 }, lambdaContext())).rejects.toMatchObject({ name: 'IdempotencyValidationError' });
      expect(amounts).toEqual([10]);
      const readBack = s.returnsItemOnConditionFailure ? [] : ['GetItem'];
      expect(s.operations()).toEqual(['PutItem', 'UpdateItem', 'PutItem', ...readBack, 'PutItem', ...readBack]);
      // The record keeps the hash of the validated part of the payload.
      expect((await s.records()).map((r) => Object.keys(r).sort())).toEqual([['data', 'expiration', 'id', 'in_progress_expiration', 'status', 'validation']]);
    },
  },
};

/** The scenario names, for the suites' documentation and the count check. */
export const IDEMPOTENCY_SCENARIOS = Object.keys(SCENARIOS);

/** A failure inside one layer's run, named after the layer. */
function inLayer(layer: string, error: unknown): Error {
  const cause = error as Error;
  const named = new Error(`${layer}: ${cause.message}`, { cause });
  named.stack = [named.message, ...(cause.stack ?? '').split('\n').filter((line) => line.trimStart().startsWith('at '))].join('\n');
  return named;
}

/** Registers the store probe and one test per scenario (each running every layer) in the calling describe block. */
export function idempotencyScenarios(options: IdempotencyScenarioOptions): void {
  const calls: RecordedCall[] = [];
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const savedFunctionName = process.env.AWS_LAMBDA_FUNCTION_NAME;
  let proxy: { endpoint: string; server: Server };
  let store: DynamoDBClient;
  let tables = 0;

  beforeAll(async () => {
    store = new DynamoDBClient({ endpoint: options.endpoint(), region: 'us-east-1', credentials });
    proxy = await startRecordingProxy(options.endpoint(), calls);
    process.env.AWS_LAMBDA_FUNCTION_NAME = FUNCTION_NAME;
  });
  afterAll(async () => {
    if (savedFunctionName === undefined) delete process.env.AWS_LAMBDA_FUNCTION_NAME;
    else process.env.AWS_LAMBDA_FUNCTION_NAME = savedFunctionName;
    store.destroy();
    proxy.server.closeAllConnections(); // the layers' clients keep connections alive
    await new Promise<void>((resolve) => proxy.server.close(() => resolve()));
  });

  async function newTable(): Promise<string> {
    const tableName = `idempotency-${++tables}`;
    await store.send(new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }));
    return tableName;
  }

  /** Runs a scenario with one layer on a fresh table; returns what can be compared across layers. */
  async function runOn(scenario: Scenario, factory: PersistenceLayerFactory) {
    const tableName = await newTable();
    const target: DynamoTarget = { endpoint: proxy.endpoint, region: 'us-east-1', credentials };
    const start = calls.length;
    const ownCalls = (from = 0) => calls.slice(start + from);
    const records = async () => {
      const { Items = [] } = await store.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }));
      return Items.sort((a, b) => String(a.id.S).localeCompare(String(b.id.S)));
    };
    await scenario.run({
      returnsItemOnConditionFailure: options.returnsItemOnConditionFailure,
      idempotent: (fn, extra = {}) => makeIdempotent(fn, {
        persistenceStore: factory(tableName, target),
        config: new IdempotencyConfig({ eventKeyJmesPath: 'orderId', expiresAfterSeconds: 3600, throwOnNoIdempotencyKey: true, ...extra }),
      }),
      calls: ownCalls,
      operations: (from) => ownCalls(from).map((c) => c.operation),
      records,
      rewriteRecords: async (update, values) => {
        for (const item of await records()) {
          await store.send(new UpdateItemCommand({ TableName: tableName, Key: { id: item.id }, UpdateExpression: update, ExpressionAttributeValues: values }));
        }
      },
    });
    // The table name differs per run; everything else must not.
    const comparable = JSON.parse(JSON.stringify({ requests: ownCalls(), records: normalize(await records()) }).split(tableName).join('<table>'));
    if (scenario.concurrent) comparable.requests = comparable.requests.map((r: unknown) => JSON.stringify(sortedKeys(r))).sort();
    return comparable as { requests: unknown[]; records: unknown[] };
  }

  test('the store answers a failed conditional write with the stored item, or without it', async () => {
    const tableName = await newTable();
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

  const layerNames = Object.keys(options.layers);
  const title = layerNames.length > 1 ? ' (every layer; the same requests and records)' : '';
  test.each(IDEMPOTENCY_SCENARIOS)(`%s${title}`, async (name) => {
    const outcomes: Array<{ layer: string; requests: unknown[]; records: unknown[] }> = [];
    for (const layer of layerNames) {
      try {
        outcomes.push({ layer, ...await runOn(SCENARIOS[name], options.layers[layer]) });
      } catch (error) {
        throw inLayer(layer, error);
      }
    }
    const [reference, ...others] = outcomes;
    for (const other of others) {
      expect({ layer: other.layer, requests: other.requests, records: other.records })
        .toEqual({ layer: other.layer, requests: reference.requests, records: reference.records });
    }
  });
}
