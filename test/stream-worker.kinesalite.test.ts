import { CreateTableCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { KinesisStreamRecord } from 'aws-lambda';
import { parseStreamFailureRecord } from '../packages/runtime/src/stream-worker';
import { LocalDynamo, startLocalDynamo } from './support/dynalite';
import { LocalKinesis, startLocalKinesis } from './support/kinesalite';
import { lambdaContext, loadBundledHandler } from './support/lambda';
import { kinesisEventRecord } from './support/stream-events';
import { sequenceOf, StreamHandler, StreamMappingModel } from './support/stream-mapping-model';
import { synthesizedMapping } from './support/stream-worker-mapping';

/**
 * The bundled Kinesis worker (assets/stream-worker/example) end to end: records put into a real
 * Kinesis API (kinesalite, two shards), read back with GetShardIterator/GetRecords, shaped into
 * Lambda's Kinesis event and driven the way the mapping drives them (test/support/stream-mapping-model.ts:
 * resume from the reported sequence number, bisect on function error, retry up to
 * maxRetryAttempts, then write the failure record with its payload, as to S3). The worker writes
 * running totals per customer into a read-model table (dynalite) with ADD, so a record processed
 * twice would show up as a wrong total.
 */
// The mapping as a default StreamWorker (batch size 10) synthesizes it: what the model runs with.
const MAPPING = synthesizedMapping({ batchSize: 10 });
const MAX_RETRY_ATTEMPTS = MAPPING.maxRetryAttempts;
const BATCH_SIZE = MAPPING.batchSize;
const CUSTOMERS = 6;
const RECORDS = 60;
/** Poison records: data that is not JSON, a negative amount, a missing customerId. */
const POISON: Record<number, (i: number) => string> = {
  7: (i) => `{"orderId":"o-${i}", broken`,
  22: (i) => JSON.stringify({ orderId: `o-${i}`, customerId: `c-${i % CUSTOMERS}`, amount: -5 }),
  41: (i) => JSON.stringify({ orderId: `o-${i}`, amount: 3 }),
};
const dataOf = (i: number) => (POISON[i] ? POISON[i](i) : JSON.stringify({ orderId: `o-${i}`, customerId: `c-${i % CUSTOMERS}`, amount: i + 1 }));
const decoded = (r: KinesisStreamRecord) => Buffer.from(r.kinesis.data, 'base64').toString('utf8');
const orderIndex = (r: KinesisStreamRecord) => Number(/"o-(\d+)"/.exec(decoded(r))![1]);

let kinesis: LocalKinesis;
let dynamo: LocalDynamo;
let streamArn: string;
let shards: Map<string, KinesisStreamRecord[]>;
let tableCount = 0;

beforeAll(async () => {
  jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined); // the SDK's Node.js 20 end-of-support notice
  [kinesis, dynamo] = await Promise.all([startLocalKinesis(), startLocalDynamo()]);
  streamArn = await kinesis.createStream('orders', 2);
  for (let start = 0; start < RECORDS; start += 20) {
    await kinesis.putRecords('orders', Array.from({ length: 20 }, (_, k) => start + k)
      .map((i) => ({ partitionKey: `c-${i % CUSTOMERS}`, data: dataOf(i) })));
  }
  const read = await kinesis.readShards('orders');
  shards = new Map([...read].map(([shardId, records]) => [shardId, records.map((r) => kinesisEventRecord(shardId, streamArn, r))]));
});

afterAll(async () => {
  await Promise.all([kinesis?.stop(), dynamo?.stop()]);
  jest.restoreAllMocks();
});

async function newTables(idempotency: boolean): Promise<void> {
  tableCount += 1;
  const readModel = `read-model-${tableCount}`;
  await dynamo.client.send(new CreateTableCommand({
    TableName: readModel,
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    BillingMode: 'PAY_PER_REQUEST',
  }));
  process.env.READ_MODEL_TABLE_NAME = readModel;
  if (idempotency) {
    await dynamo.createIdempotencyTable(`idempotency-${tableCount}`);
    Object.assign(process.env, { ...MAPPING.idempotencyEnvironment, IDEMPOTENCY_TABLE_NAME: `idempotency-${tableCount}` });
  } else {
    delete process.env.IDEMPOTENCY_TABLE_NAME;
  }
}

async function totals(): Promise<Record<string, { total: number; orders: number; lastOrderId: string }>> {
  const { Items } = await dynamo.client.send(new ScanCommand({ TableName: process.env.READ_MODEL_TABLE_NAME }));
  return Object.fromEntries((Items ?? []).map((item) => unmarshall(item)).map((item) =>
    [item.pk.replace('CUSTOMER#', ''), { total: item.total, orders: item.orders, lastOrderId: item.lastOrderId }]));
}

/** What the read model must hold: every good record once, the last one per customer in shard order. */
function expectedTotals(): Record<string, { total: number; orders: number; lastOrderId: string }> {
  const expected: Record<string, { total: number; orders: number; lastOrderId: string }> = {};
  for (const records of shards.values()) {
    for (const record of records) {
      const i = orderIndex(record);
      if (POISON[i]) continue;
      const customer = `c-${i % CUSTOMERS}`;
      const entry = expected[customer] ?? { total: 0, orders: 0, lastOrderId: '' };
      expected[customer] = { total: entry.total + i + 1, orders: entry.orders + 1, lastOrderId: `o-${i}` };
    }
  }
  return expected;
}

async function drainAll(handler: StreamHandler): Promise<StreamMappingModel> {
  const model = new StreamMappingModel({ source: 'kinesis', streamArn, ...MAPPING });
  for (const [shardId, records] of shards) await model.drainShard(shardId, records, handler);
  return model;
}

/** Sequence numbers the handler completed, per shard, in the order it completed them. */
function completedPerShard(model: StreamMappingModel): Map<string, string[]> {
  const done = new Map<string, string[]>();
  for (const inv of model.invocations) {
    const list = done.get(inv.shardId) ?? [];
    const upTo = inv.outcome === 'success' ? inv.sequenceNumbers.length : inv.outcome === 'partial' ? inv.sequenceNumbers.indexOf(inv.failedAt!) : 0;
    list.push(...inv.sequenceNumbers.slice(0, upTo));
    done.set(inv.shardId, list);
  }
  return done;
}

describe('bundled Kinesis worker on a two-shard kinesalite stream, idempotency on', () => {
  let model: StreamMappingModel;
  let handler: StreamHandler;

  beforeAll(async () => {
    await newTables(true);
    handler = loadBundledHandler<StreamHandler>('stream-worker/example');
    model = await drainAll(handler);
  });

  test('the model runs the mapping StreamWorker synthesizes: partial batch responses, bisect, 10 retries, 12 h record age', () => {
    expect(MAPPING).toMatchObject({ batchSize: 10, maxRetryAttempts: 10, bisectBatchOnFunctionError: true, maxRecordAgeSeconds: 43200 });
    expect(MAPPING.idempotencyEnvironment).toEqual({ IDEMPOTENCY_KEY_PATH: 'eventID', IDEMPOTENCY_TTL_SECONDS: '86400' });
  });

  test('the stream really has two shards holding the records in sequence order', () => {
    expect(shards.size).toBe(2);
    for (const records of shards.values()) {
      expect(records.length).toBeGreaterThan(0);
      const sequences = records.map((r) => BigInt(sequenceOf(r)));
      expect(sequences).toEqual([...sequences].sort((a, b) => (a < b ? -1 : 1)));
    }
    expect([...shards.values()].flat()).toHaveLength(RECORDS);
  });

  test('every good record is processed exactly once: totals, order counts and last order per customer are right', async () => {
    expect(await totals()).toEqual(expectedTotals());
  });

  test('shard order holds: each shard completes its records in increasing sequence order, none twice, every good one', () => {
    for (const [shardId, completed] of completedPerShard(model)) {
      const good = shards.get(shardId)!.filter((r) => !POISON[orderIndex(r)]).map(sequenceOf);
      expect(completed).toEqual(good);
    }
  });

  test('every poison record reaches the failure bucket alone, with what is needed to recover it', () => {
    const objects = [...model.failureBucket.entries()].map(([key, body]) => ({ key, record: parseStreamFailureRecord(body) }));
    expect(objects).toHaveLength(Object.keys(POISON).length);
    const recovered = objects.map(({ key, record }) => {
      expect(record).toMatchObject({ source: 'kinesis', condition: 'RetryAttemptsExhausted', functionError: 'Unhandled', batchSize: 1, streamArn });
      expect(key.startsWith(`aws/lambda/model-esm/${record.shardId}/`)).toBe(true);
      const [original] = record.records as KinesisStreamRecord[];
      // The shard, the sequence number, the partition key and the data as the producer wrote it.
      expect(shards.get(record.shardId)!.map(sequenceOf)).toContain(record.startSequenceNumber);
      expect(original.kinesis.sequenceNumber).toBe(record.startSequenceNumber);
      return { index: orderIndex(original), data: decoded(original), partitionKey: original.kinesis.partitionKey };
    }).sort((a, b) => a.index - b.index);
    expect(recovered).toEqual(Object.keys(POISON).map(Number).map((i) => ({ index: i, data: dataOf(i), partitionKey: `c-${i % CUSTOMERS}` })));
  });

  test('no shard is blocked beyond the retry bound: a poison record is delivered at most maxRetryAttempts + 1 times', () => {
    const deliveries = new Map<string, number>();
    for (const inv of model.invocations) for (const s of inv.sequenceNumbers) deliveries.set(s, (deliveries.get(s) ?? 0) + 1);
    const poisonSequences = [...shards.values()].flat().filter((r) => POISON[orderIndex(r)]).map(sequenceOf);
    for (const s of poisonSequences) expect(deliveries.get(s)).toBeLessThanOrEqual(MAX_RETRY_ATTEMPTS + 1);
    // Every invocation that fails contains the poison record, until its retries run out: exactly maxRetryAttempts + 1.
    for (const s of poisonSequences) expect(deliveries.get(s)).toBe(MAX_RETRY_ATTEMPTS + 1);
    // Per shard: one invocation per batch, plus per poison record its retries and the halves the bisections left behind.
    const halvings = Math.ceil(Math.log2(BATCH_SIZE));
    for (const [shardId, records] of shards) {
      const poisonHere = records.filter((r) => POISON[orderIndex(r)]).length;
      expect(model.invocationsOf(shardId).length)
        .toBeLessThanOrEqual(Math.ceil(records.length / BATCH_SIZE) + poisonHere * (MAX_RETRY_ATTEMPTS + 1 + halvings));
    }
  });

  test('delivered again (the mapping re-reads the shards from TRIM_HORIZON): nothing is applied twice', async () => {
    const again = await drainAll(handler);
    expect(await totals()).toEqual(expectedTotals());
    expect(again.failureBucket.size).toBe(Object.keys(POISON).length); // the poison records still fail
  });

  test('recovery: the fixed records replayed from the failure bucket are applied once, even when replayed twice', async () => {
    const replay = [...model.failureBucket.values()].map((body) => parseStreamFailureRecord(body).records as KinesisStreamRecord[])
      .map(([record]) => {
        const i = orderIndex(record);
        const fixed = JSON.stringify({ orderId: `o-${i}`, customerId: `c-${i % CUSTOMERS}`, amount: 100 });
        return { ...record, kinesis: { ...record.kinesis, data: Buffer.from(fixed).toString('base64') } };
      });
    for (let round = 0; round < 2; round++) {
      for (const record of replay) expect(await handler({ Records: [record] }, lambdaContext())).toEqual({ batchItemFailures: [] });
    }
    const expected = expectedTotals();
    for (const i of Object.keys(POISON).map(Number)) {
      const customer = `c-${i % CUSTOMERS}`;
      expected[customer] = { ...expected[customer], total: expected[customer].total + 100, orders: expected[customer].orders + 1 };
    }
    const actual = await totals();
    for (const customer of Object.keys(expected)) expect(actual[customer]).toMatchObject({ total: expected[customer].total, orders: expected[customer].orders });
  });
});

describe('the same run with idempotency off', () => {
  test('one pass still processes every good record exactly once (stop at first failure); a redelivery applies them again', async () => {
    await newTables(false);
    const handler = loadBundledHandler<StreamHandler>('stream-worker/example');
    await drainAll(handler);
    expect(await totals()).toEqual(expectedTotals());
    await drainAll(handler);
    const doubled = Object.fromEntries(Object.entries(expectedTotals()).map(([c, t]) => [c, { ...t, total: t.total * 2, orders: t.orders * 2 }]));
    expect(await totals()).toEqual(doubled);
  });
});
