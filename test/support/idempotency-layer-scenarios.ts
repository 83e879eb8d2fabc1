import { createServer, request, Server } from 'http';
import { AddressInfo } from 'net';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { ScanCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { lambdaContext } from './lambda';

/**
 * One idempotency scenario suite for any Powertools persistence layer on a DynamoDB endpoint
 * (dynalite here). Each scenario drives `makeIdempotent` with the layer the factory returns and
 * reports what the caller saw, how often the body ran, the items left in the table and the
 * DynamoDB requests the layer sent (recorded by a pass-through proxy), with clock-dependent
 * numbers replaced by placeholders, so two layers can be compared request for request.
 */
export type LayerFactory = (tableName: string) => BasePersistenceLayer | Promise<BasePersistenceLayer>;

export interface RecordedRequest {
  readonly operation: string;
  readonly input: unknown;
}

export interface ScenarioOutcome {
  /** One entry per call: `ok:<json result>` or `error:<error name>[<cause name>]`. */
  readonly calls: string[];
  /** How many times the idempotent body ran. */
  readonly runs: number;
  /** The table's items after the scenario (numbers that depend on the clock replaced). */
  readonly items: unknown[];
  /** The requests the layer sent, in order (the scenario's own reads and rewrites go around the proxy). */
  readonly requests: RecordedRequest[];
}

/** A proxy in front of the DynamoDB endpoint that records each request's operation and JSON body. */
export class RecordingProxy {
  public readonly requests: RecordedRequest[] = [];
  private server?: Server;

  constructor(private readonly target: string) {}

  public async start(): Promise<string> {
    const target = new URL(this.target);
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const operation = String(req.headers['x-amz-target'] ?? '').replace('DynamoDB_20120810.', '');
        this.requests.push({ operation, input: JSON.parse(body.toString('utf8') || '{}') });
        const upstream = request({
          hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers,
        }, (up) => {
          res.writeHead(up.statusCode ?? 500, up.headers);
          up.pipe(res);
        });
        upstream.on('error', (err) => { res.writeHead(502); res.end(String(err)); });
        upstream.end(body);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  public async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

const CLOCK_ATTRIBUTES = new Set(['expiration', 'in_progress_expiration', ':now', ':now_in_millis', ':expiry']);

/** Replaces clock-dependent numbers with a placeholder, recursively. */
export function normalize(value: unknown, key?: string): unknown {
  if (Array.isArray(value)) return value.map((v) => normalize(v));
  if (value && typeof value === 'object') {
    if (key && CLOCK_ATTRIBUTES.has(key) && 'N' in (value as object)) return { N: '<clock>' };
    return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, normalize(v, k)]));
  }
  return value;
}

export interface ScenarioEnv {
  readonly client: DynamoDBClient;
  readonly proxy: RecordingProxy;
  readonly tableName: string;
  readonly factory: LayerFactory;
}

interface Body { (event: Record<string, unknown>): Promise<unknown> }

async function idempotent(env: ScenarioEnv, body: Body, options: { payloadValidationJmesPath?: string } = {}) {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'orderId', throwOnNoIdempotencyKey: true, expiresAfterSeconds: 3600, ...options,
  });
  config.registerLambdaContext(lambdaContext('scenario'));
  const store = await env.factory(env.tableName);
  return makeIdempotent(body, { persistenceStore: store, config });
}

function describeResult(p: Promise<unknown>): Promise<string> {
  return p.then((r) => `ok:${JSON.stringify(r)}`, (e: Error & { cause?: Error }) => `error:${e.name}${e.cause ? `[${e.cause.name}]` : ''}`);
}

async function tableItems(env: ScenarioEnv): Promise<Array<Record<string, any>>> {
  const { Items = [] } = await env.client.send(new ScanCommand({ TableName: env.tableName }));
  return Items.sort((a, b) => String(a.id?.S).localeCompare(String(b.id?.S)));
}

/** Rewrites every item of the table (a stand-in for time passing), outside the recorded requests. */
async function rewriteItems(env: ScenarioEnv, update: string, values: Record<string, any>, names?: Record<string, string>) {
  for (const item of await tableItems(env)) {
    await env.client.send(new UpdateItemCommand({
      TableName: env.tableName, Key: { id: item.id }, UpdateExpression: update,
      ExpressionAttributeValues: values, ExpressionAttributeNames: names,
    }));
  }
}

async function run(env: ScenarioEnv, script: (call: (p: Promise<unknown>) => Promise<void>, counter: { runs: number }) => Promise<void>): Promise<ScenarioOutcome> {
  const calls: string[] = [];
  const counter = { runs: 0 };
  const start = env.proxy.requests.length;
  await script(async (p) => { calls.push(await describeResult(p)); }, counter);
  const requests = env.proxy.requests.slice(start);
  return { calls, runs: counter.runs, items: normalize(await tableItems(env)) as unknown[], requests: normalize(requests) as RecordedRequest[] };
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * The scenarios. Each gets an empty table and returns its outcome; the caller asserts on it and
 * compares it across layers.
 */
export const scenarios: Record<string, (env: ScenarioEnv) => Promise<ScenarioOutcome>> = {
  'first call runs the body and stores the result': (env) => run(env, async (call, counter) => {
    const fn = await idempotent(env, async (e) => { counter.runs++; return { charged: e.orderId }; });
    await call(fn({ orderId: 'o-1' }));
  }),

  'a repeat returns the stored result without running the body': (env) => run(env, async (call, counter) => {
    const fn = await idempotent(env, async (e) => { counter.runs++; return { charged: e.orderId, n: counter.runs }; });
    await call(fn({ orderId: 'o-1' }));
    await call(fn({ orderId: 'o-1', other: 'field' }));
  }),

  'a duplicate while the first call is in progress fails with IdempotencyAlreadyInProgressError': (env) => run(env, async (call, counter) => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    let started!: () => void;
    const running = new Promise<void>((resolve) => { started = resolve; });
    const fn = await idempotent(env, async () => { counter.runs++; started(); await gate; return 'done'; });
    const first = describeResult(fn({ orderId: 'o-1' }));
    await running;
    await call(fn({ orderId: 'o-1' }));
    release();
    await call(first.then((r) => (r.startsWith('ok') ? Promise.resolve(JSON.parse(r.slice(3))) : Promise.reject(new Error(r)))));
  }),

  'an expired record is overwritten and the body runs again': (env) => run(env, async (call, counter) => {
    const fn = await idempotent(env, async () => { counter.runs++; return counter.runs; });
    await call(fn({ orderId: 'o-1' }));
    await rewriteItems(env, 'SET expiration = :past', { ':past': { N: String(nowSeconds() - 10) } });
    await call(fn({ orderId: 'o-1' }));
  }),

  'an in-progress record whose in-progress expiry passed (a timed-out attempt) does not block a retry': (env) => run(env, async (call, counter) => {
    const fn = await idempotent(env, async () => { counter.runs++; return counter.runs; });
    await call(fn({ orderId: 'o-1' }));
    await rewriteItems(env, 'SET #s = :inprogress, in_progress_expiration = :past REMOVE #d',
      { ':inprogress': { S: 'INPROGRESS' }, ':past': { N: String(Date.now() - 1000) } }, { '#s': 'status', '#d': 'data' });
    await call(fn({ orderId: 'o-1' }));
  }),

  'a body that fails leaves no record, so the retry runs it': (env) => run(env, async (call, counter) => {
    const fn = await idempotent(env, async () => {
      counter.runs++;
      if (counter.runs === 1) throw Object.assign(new Error('boom'), { name: 'PaymentGatewayError' });
      return 'second time lucky';
    });
    await call(fn({ orderId: 'o-1' }));
    await call(fn({ orderId: 'o-1' }));
  }),

  'an event without the idempotency key fails before the body runs': (env) => run(env, async (call, counter) => {
    const fn = await idempotent(env, async () => { counter.runs++; return 'never'; });
    await call(fn({ notTheKey: 'x' }));
  }),

  'payload validation: the same key with a different payload fails with IdempotencyValidationError': (env) => run(env, async (call, counter) => {
    const fn = await idempotent(env, async (e) => { counter.runs++; return { amount: e.amount }; }, { payloadValidationJmesPath: 'amount' });
    await call(fn({ orderId: 'o-1', amount: 10 }));
    await call(fn({ orderId: 'o-1', amount: 10 }));
    await call(fn({ orderId: 'o-1', amount: 99 }));
  }),
};
