import type { Context, SQSEvent } from 'aws-lambda';
import { DynamoDBHttpClient } from '../packages/runtime/src/aws/dynamodb';
import { CredentialProvider } from '../packages/runtime/src/aws/credentials';
import { DynamoDBHttpPersistenceLayer } from '../packages/runtime/src/idempotency/dynamodb-http-persistence-layer';
import { runInvocation } from '../packages/runtime/src/invocation';
import { createSqsWorkerHandler } from '../packages/runtime/src/sqs-worker';
import { startContainerCredentials } from './support/container-credentials';
import { LocalDynamo, startLocalDynamo } from './support/dynalite';
import { Fault, startFaultProxy } from './support/fault-proxy';
import { lambdaContext, sqsEvent, sqsRecord } from './support/lambda';
import { logsOf, withRuntimeLogs } from './support/runtime-logs';

// The runtime's SQS worker, idempotency on (the DynamoDB HTTP persistence layer), against dynalite
// through a fault proxy; credentials from a local container credentials endpoint. Each scenario
// must end before the function's deadline with the affected records handed back to SQS, every
// record processed exactly once over the delivery and the redelivery, and a log line saying what
// happened.

const TABLE = 'idempotency';
const TOKEN = 'Bearer local-container-token';
const saved = { ...process.env };
let dynamo: LocalDynamo;
let proxy: Awaited<ReturnType<typeof startFaultProxy>>;
let credentials: Awaited<ReturnType<typeof startContainerCredentials>>;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  await dynamo.createIdempotencyTable(TABLE);
  proxy = await startFaultProxy(dynamo.endpoint);
  credentials = await startContainerCredentials(TOKEN, { accessKeyId: 'AKIDCONTAINER', secretAccessKey: 's', token: 'session', expiresInMs: 3_600_000 });
  // What Lambda sets for a SnapStart function: no key variables, a credentials endpoint and its token.
  delete process.env.AWS_ACCESS_KEY_ID;
  delete process.env.AWS_SECRET_ACCESS_KEY;
  delete process.env.AWS_SESSION_TOKEN;
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
    AWS_CONTAINER_CREDENTIALS_FULL_URI: credentials.url,
    AWS_CONTAINER_AUTHORIZATION_TOKEN: TOKEN,
    AWS_LAMBDA_FUNCTION_NAME: 'faults',
  });
});
afterAll(async () => {
  await proxy.stop();
  await credentials.stop();
  await dynamo.stop();
  process.env = saved;
});

/** A context whose remaining time counts down from `budgetMs`, and the moment it runs out. */
function contextWithBudget(budgetMs: number): Context & { end: number } {
  const end = Date.now() + budgetMs;
  return { ...lambdaContext('faults'), end, getRemainingTimeInMillis: () => Math.max(0, end - Date.now()) };
}

let batchNumber = 0;
/** Three records with ids unique to the test; FIFO ones each in their own message group. */
function batch(fifo: boolean): SQSEvent {
  const n = ++batchNumber;
  return sqsEvent([1, 2, 3].map((i) => sqsRecord(`b${n}-m${i}`, JSON.stringify({ order: i }), fifo ? { groupId: `g${i}`, sequence: i } : undefined)));
}

/** The worker under test, counting record-function calls per message id; short client timeouts. */
function worker(options: { fifo: boolean; responseTimeoutMs?: number; credentials?: CredentialProvider; calls?: Map<string, number> }) {
  const calls = options.calls ?? new Map<string, number>();
  const handler = createSqsWorkerHandler(async (_body, record) => {
    calls.set(record.messageId, (calls.get(record.messageId) ?? 0) + 1);
    return { processed: record.messageId };
  }, {
    fifo: options.fifo,
    idempotency: {
      tableName: TABLE,
      persistenceLayer: (tableName) => new DynamoDBHttpPersistenceLayer({
        tableName,
        client: new DynamoDBHttpClient({
          connectTimeoutMs: 500, responseTimeoutMs: options.responseTimeoutMs ?? 1200, credentials: options.credentials,
          retry: { baseDelayMs: 10, throttlingBaseDelayMs: 20 },
        }),
      }),
    },
  });
  const invoke = (event: SQSEvent, context: Context) => withRuntimeLogs(() => runInvocation(context, () => handler(event, context)));
  return { calls, invoke };
}

/** One delivery of a new three-record batch while the proxy injects `fault`, with a 6 s budget (room for three timed-out attempts and a loaded machine). */
async function deliverWith(fault: Fault, fifo: boolean) {
  const { calls, invoke } = worker({ fifo });
  const event = batch(fifo);
  const context = contextWithBudget(6000);
  proxy.inject(fault);
  const { result, logs } = await invoke(event, context);
  return { calls, event, context, result, logs };
}

const failedIds = (response: { batchItemFailures: Array<{ itemIdentifier: string }> }) => response.batchItemFailures.map((f) => f.itemIdentifier);
const logsWith = (logs: Array<Record<string, unknown>>, message: string) => logs.filter((l) => l.message === message);

describe('persistent faults: the record they hit is handed back to SQS, the others go through', () => {
  // FIFO, one record per message group: records run one after another, so the first record's three
  // PutItem attempts are the three requests that meet the fault.
  test.each<[string, Fault, string]>([
    ['black hole', { mode: 'blackhole', count: 3 }, 'dynamodb PutItem timed out after 1200 ms: no response within the response timeout (gave up after 3 attempts)'],
    ['slow response', { mode: 'slow', count: 3, delayMs: 2500 }, 'dynamodb PutItem timed out after 1200 ms: no response within the response timeout (gave up after 3 attempts)'],
    ['connection reset', { mode: 'reset', count: 3 }, 'dynamodb PutItem failed: the connection was reset (ECONNRESET) (gave up after 3 attempts)'],
    ['HTTP 500', { mode: 'http500', count: 3 }, 'Internal server error (dynamodb PutItem, gave up after 3 attempts)'],
    ['ThrottlingException', { mode: 'throttle', count: 3 }, 'Rate of requests exceeds the allowed throughput. (dynamodb PutItem, gave up after 3 attempts)'],
  ])('%s', async (_name, fault, cause) => {
    const { calls, event, context, result, logs } = await deliverWith(fault, true);
    const [first, second, third] = event.Records.map((r) => r.messageId);

    expect(Date.now()).toBeLessThan(context.end);
    expect(failedIds(result)).toEqual([first]);
    expect([...calls.keys()]).toEqual([second, third]);
    expect(proxy.seen.filter((s) => s.fault).map((s) => s.target)).toEqual(Array(3).fill('DynamoDB_20120810.PutItem'));
    expect(logsWith(logs, 'AWS call failed; retrying')).toHaveLength(2);
    expect(logsWith(logs, 'record failed')).toEqual([expect.objectContaining({
      messageId: first,
      error: expect.objectContaining({
        name: 'IdempotencyPersistenceLayerError',
        message: 'Failed to save in progress record to idempotency store',
        cause: expect.objectContaining({ message: cause }),
      }),
    })]);

    // SQS delivers the handed-back record again, after the visibility timeout (which outlasts the
    // function's timeout). A slow PutItem did reach the table: its in-progress record holds the key
    // until the first invocation's deadline, so the redelivery comes after that.
    proxy.inject(undefined);
    if (fault.mode === 'slow') await new Promise((resolve) => setTimeout(resolve, Math.max(0, context.end - Date.now() + 10)));
    const redelivery = worker({ fifo: true, responseTimeoutMs: 3000, calls });
    const again = await redelivery.invoke(sqsEvent(event.Records.filter((r) => r.messageId === first)), contextWithBudget(5000));
    expect(failedIds(again.result)).toEqual([]);
    expect(Object.fromEntries(calls)).toEqual({ [first]: 1, [second]: 1, [third]: 1 });
  });
});

describe('transient faults are retried and the batch succeeds', () => {
  test.each<[string, Fault, string]>([
    ['one black-holed request', { mode: 'blackhole', count: 1 }, 'TimeoutError'],
    ['one reset connection', { mode: 'reset', count: 1 }, 'ECONNRESET'],
    ['one HTTP 500', { mode: 'http500', count: 1 }, 'InternalServerError'],
    ['one ThrottlingException', { mode: 'throttle', count: 1 }, 'ThrottlingException'],
  ])('%s', async (_name, fault, code) => {
    const { calls, event, context, result, logs } = await deliverWith(fault, false);

    expect(Date.now()).toBeLessThan(context.end);
    expect(result).toEqual({ batchItemFailures: [] });
    expect(Object.fromEntries(calls)).toEqual(Object.fromEntries(event.Records.map((r) => [r.messageId, 1])));
    expect(proxy.seen.filter((s) => s.fault)).toHaveLength(1);
    expect(logsWith(logs, 'AWS call failed; retrying')).toEqual([expect.objectContaining({
      level: 'WARN', awsService: 'dynamodb', operation: 'PutItem', attempt: 1, maxAttempts: 3, code,
    })]);
  });
});

test("a dependency that hangs past the invocation's deadline: every call gives up before the function times out", async () => {
  const { calls, invoke } = worker({ fifo: false, responseTimeoutMs: 10_000 });
  const event = batch(false);
  const context = contextWithBudget(1500);
  proxy.inject({ mode: 'blackhole', count: 99 });

  const error = await invoke(event, context).catch((e: Error) => e);

  // Every record failed for a real error: the invocation fails (Errors alarm), SQS keeps all three.
  expect(Date.now()).toBeLessThan(context.end);
  expect(error).toMatchObject({ name: 'FullBatchFailureError' });
  expect(calls.size).toBe(0);
  expect(proxy.seen).toHaveLength(3);
  // Each call started with just under 1.5 s left and kept a tenth of it in reserve: ~1350 ms.
  const causes = logsWith(logsOf(error), 'record failed').map((l) => (l.error as { cause: { message: string } }).cause.message);
  expect(causes).toEqual(Array(3).fill(expect.stringMatching(/^dynamodb PutItem timed out after \d+ ms: the call's deadline passed$/)));
  for (const cause of causes) {
    const afterMs = Number(/after (\d+) ms/.exec(cause)![1]);
    expect(afterMs).toBeGreaterThan(1200);
    expect(afterMs).toBeLessThan(1500);
  }

  proxy.inject(undefined);
  const redelivery = worker({ fifo: false, responseTimeoutMs: 3000 });
  await expect(redelivery.invoke(event, contextWithBudget(4000))).resolves.toMatchObject({ result: { batchItemFailures: [] } });
  expect(Object.fromEntries(redelivery.calls)).toEqual(Object.fromEntries(event.Records.map((r) => [r.messageId, 1])));
});

test('the container credentials endpoint: fetched once with its authorization token, every request signed with its keys', () => {
  // Every scenario above signed through the environment's provider (the next test uses its own).
  expect(credentials.state).toMatchObject({ fetches: 1, rejected: 0 });
  expect(proxy.seen.length).toBeGreaterThan(0);
  expect(new Set(proxy.seen.map((s) => s.accessKeyId))).toEqual(new Set(['AKIDCONTAINER']));
});

test('a credentials endpoint that does not answer: the records fail within the deadline, saying why', async () => {
  const stuck = await startContainerCredentials(TOKEN, { accessKeyId: 'AKIDSTUCK', secretAccessKey: 's', token: 't', expiresInMs: 3_600_000 });
  stuck.state.delayMs = 1000;
  try {
    const provider = new CredentialProvider({ timeoutMs: 150 }, { AWS_CONTAINER_CREDENTIALS_FULL_URI: stuck.url, AWS_CONTAINER_AUTHORIZATION_TOKEN: TOKEN });
    const { calls, invoke } = worker({ fifo: false, credentials: provider });
    const event = batch(false);
    const context = contextWithBudget(2000);
    proxy.inject(undefined);

    const error = await invoke(event, context).catch((e: Error) => e);

    expect(Date.now()).toBeLessThan(context.end);
    expect(error).toMatchObject({ name: 'FullBatchFailureError' });
    expect(calls.size).toBe(0);
    expect(proxy.seen).toHaveLength(0);
    expect(stuck.state.fetches).toBe(1); // the three records waited on one fetch
    expect(logsWith(logsOf(error), 'record failed').map((l) => (l.error as { cause: { message: string } }).cause.message))
      .toEqual(Array(3).fill(`the container credentials endpoint ${new URL(stuck.url).origin} did not answer within 150 ms`));
  } finally {
    await stuck.stop();
  }
});
