import { CreateTableCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { parseStreamFailureRecord } from '../packages/runtime/src/stream-worker';
import { LocalDynamo, startLocalDynamo } from './support/dynalite';
import { loadBundledHandler } from './support/lambda';
import { dynamoDbRecord, ItemChange } from './support/stream-events';
import { sequenceOf, StreamHandler, StreamMappingModel } from './support/stream-mapping-model';
import { synthesizedMapping } from './support/stream-worker-mapping';

/**
 * The bundled CQRS worker (assets/stream-worker/read-model) end to end: DynamoDB Streams records
 * of an orders table in the documented shape (INSERT with NewImage, MODIFY with NewImage and
 * OldImage, REMOVE with OldImage and no NewImage), two shards, driven through the mapping model
 * into a read model in dynalite. Each applied INSERT/MODIFY adds 1 to the summary's `changes`, so
 * a change applied twice shows.
 */
const STREAM = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-12-01T00:00:00.000';
// The mapping as a StreamWorker on a DynamoDB table (batch size 4) synthesizes it.
const MAPPING = synthesizedMapping({ batchSize: 4 }, 'dynamodb');
const MAX_RETRY_ATTEMPTS = MAPPING.maxRetryAttempts;

interface Step { readonly change: ItemChange; readonly poison?: boolean }
type Order = { orderId: string; customerId: string; status?: string; total: number };
const keys = (o: Order) => ({ orderId: o.orderId });
const insert = (o: Order, poison = false): Step => ({ change: { eventName: 'INSERT', keys: keys(o), newImage: o }, poison });
const modify = (before: Order, after: Order, poison = false): Step => ({ change: { eventName: 'MODIFY', keys: keys(after), oldImage: before, newImage: after }, poison });
const remove = (o: Order): Step => ({ change: { eventName: 'REMOVE', keys: keys(o), oldImage: o } });

const a1 = { orderId: 'a1', customerId: 'c-1', status: 'NEW', total: 10 };
const a2 = { orderId: 'a2', customerId: 'c-1', status: 'NEW', total: 20 };
const a3 = { orderId: 'a3', customerId: 'c-2', status: 'NEW', total: 30 };
const b1 = { orderId: 'b1', customerId: 'c-3', status: 'NEW', total: 5 };
const b2 = { orderId: 'b2', customerId: 'c-3', status: 'NEW', total: 7 };

/** Two shards; an item's changes stay in one shard, in order, as DynamoDB Streams guarantees. */
const SHARDS: Record<string, Step[]> = {
  'shardId-00000001764547200000-aaaa': [
    insert(a1), insert(a2), modify(a1, { ...a1, status: 'PAID' }),
    insert({ orderId: 'a-bad', customerId: 'c-1', status: 'NEW', total: -1 }, true), // negative total
    modify(a2, { ...a2, status: 'PAID' }), modify({ ...a2, status: 'PAID' }, { ...a2, status: 'SHIPPED' }),
    modify({ ...a1, status: 'PAID' }, { orderId: 'a1', customerId: 'c-1', total: 10 }, true), // status missing
    modify({ ...a1, status: 'PAID' }, { ...a1, status: 'SHIPPED' }),
    insert(a3), remove({ ...a2, status: 'SHIPPED' }), modify(a3, { ...a3, total: 35 }),
  ],
  'shardId-00000001764547200000-bbbb': [
    insert(b1), insert(b2), remove(b1), insert({ ...b1, status: 'REORDERED' }),
    { change: { eventName: 'INSERT', keys: { orderId: 'b-empty' } }, poison: true }, // no NewImage
    modify(b2, { ...b2, status: 'PAID' }), remove({ ...b2, status: 'PAID' }),
  ],
};

let dynamo: LocalDynamo;
let counter = 0;
const shards = new Map<string, DynamoDBRecord[]>();
const poisonSequences = new Set<string>();

beforeAll(async () => {
  jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined); // the SDK's Node.js 20 end-of-support notice
  dynamo = await startLocalDynamo();
  let sequence = 0;
  for (const [shardId, steps] of Object.entries(SHARDS)) {
    shards.set(shardId, steps.map((step) => {
      const record = dynamoDbRecord(++sequence, step.change, STREAM);
      if (step.poison) poisonSequences.add(sequenceOf(record));
      return record;
    }));
  }
});

afterAll(async () => {
  await dynamo?.stop();
  jest.restoreAllMocks();
});

async function newTables(): Promise<void> {
  counter += 1;
  await dynamo.client.send(new CreateTableCommand({
    TableName: `orders-read-model-${counter}`,
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    BillingMode: 'PAY_PER_REQUEST',
  }));
  await dynamo.createIdempotencyTable(`orders-idempotency-${counter}`);
  Object.assign(process.env, {
    ...MAPPING.idempotencyEnvironment,
    READ_MODEL_TABLE_NAME: `orders-read-model-${counter}`, IDEMPOTENCY_TABLE_NAME: `orders-idempotency-${counter}`,
  });
}

async function readModel(): Promise<Record<string, unknown>> {
  const { Items } = await dynamo.client.send(new ScanCommand({ TableName: process.env.READ_MODEL_TABLE_NAME }));
  return Object.fromEntries((Items ?? []).map((i) => unmarshall(i)).map(({ pk, sk, ...rest }) => [`${pk}/${sk}`, rest]));
}

/** The read model the good changes produce, applied once each, in shard order. */
function expectedReadModel(): Record<string, unknown> {
  const model: Record<string, { status: string; total: number; changes: number }> = {};
  for (const steps of Object.values(SHARDS)) {
    for (const { change, poison } of steps) {
      if (poison) continue;
      const image = (change.newImage ?? change.oldImage) as Order;
      const key = `CUSTOMER#${image.customerId}/ORDER#${image.orderId}`;
      if (change.eventName === 'REMOVE') delete model[key];
      else model[key] = { status: image.status!, total: image.total, changes: (model[key]?.changes ?? 0) + 1 };
    }
  }
  return model;
}

async function drain(handler: StreamHandler): Promise<StreamMappingModel> {
  const model = new StreamMappingModel({ source: 'dynamodb', streamArn: STREAM, ...MAPPING });
  for (const [shardId, records] of shards) await model.drainShard(shardId, records, handler);
  return model;
}

describe('bundled read-model worker on DynamoDB Streams records (two shards, idempotency on)', () => {
  let handler: StreamHandler;
  let model: StreamMappingModel;

  beforeAll(async () => {
    await newTables();
    handler = loadBundledHandler<StreamHandler>('stream-worker/read-model');
    model = await drain(handler);
  });

  test('the read model holds every good change exactly once, applied in order (REMOVE deletes; a later INSERT recreates)', async () => {
    const expected = expectedReadModel();
    expect(await readModel()).toEqual(expected);
    expect(expected).toEqual({
      'CUSTOMER#c-1/ORDER#a1': { status: 'SHIPPED', total: 10, changes: 3 },
      'CUSTOMER#c-2/ORDER#a3': { status: 'NEW', total: 35, changes: 2 },
      'CUSTOMER#c-3/ORDER#b1': { status: 'REORDERED', total: 5, changes: 1 },
    });
  });

  test('shard order holds and no good change ran twice', () => {
    for (const [shardId, records] of shards) {
      const completed = model.invocationsOf(shardId).flatMap((inv) => {
        const upTo = inv.outcome === 'success' ? inv.sequenceNumbers.length : inv.outcome === 'partial' ? inv.sequenceNumbers.indexOf(inv.failedAt!) : 0;
        return inv.sequenceNumbers.slice(0, upTo);
      });
      expect(completed).toEqual(records.map(sequenceOf).filter((s) => !poisonSequences.has(s)));
    }
  });

  test('each poison change reaches the failure bucket alone, with its images, within the retry bound', () => {
    const objects = [...model.failureBucket.values()].map((body) => parseStreamFailureRecord(body));
    expect(objects.map((o) => o.startSequenceNumber).sort()).toEqual([...poisonSequences].sort());
    for (const object of objects) {
      expect(object).toMatchObject({ source: 'dynamodb', condition: 'RetryAttemptsExhausted', batchSize: 1, streamArn: STREAM });
      const [record] = object.records as DynamoDBRecord[];
      expect(record.dynamodb!.SequenceNumber).toBe(object.startSequenceNumber);
      expect(record.dynamodb!.Keys).toBeDefined();
    }
    const modifyPoison = objects.map((o) => (o.records as DynamoDBRecord[])[0]).find((r) => r.eventName === 'MODIFY')!;
    expect(unmarshall(modifyPoison.dynamodb!.OldImage as never)).toEqual({ ...a1, status: 'PAID' });
    const deliveries = new Map<string, number>();
    for (const inv of model.invocations) for (const s of inv.sequenceNumbers) deliveries.set(s, (deliveries.get(s) ?? 0) + 1);
    for (const s of poisonSequences) expect(deliveries.get(s)).toBe(MAX_RETRY_ATTEMPTS + 1);
  });

  test('REMOVE records carry no NewImage (the documented shape) and are applied from OldImage', () => {
    const removes = [...shards.values()].flat().filter((r) => r.eventName === 'REMOVE');
    expect(removes).toHaveLength(3);
    for (const r of removes) {
      expect(r.dynamodb!.NewImage).toBeUndefined();
      expect(r.dynamodb!.OldImage).toBeDefined();
    }
  });

  test('redelivered (a mapping re-created at TRIM_HORIZON): the read model does not change', async () => {
    await drain(handler);
    expect(await readModel()).toEqual(expectedReadModel());
  });
});
