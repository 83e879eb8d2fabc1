import type { KinesisStreamRecord } from 'aws-lambda';
import { parseStreamFailureRecord } from '../packages/runtime/src/stream-worker';
import { goodRecordsAtRisk, retriesToIsolate } from '../lib/stream-worker/settings';
import { kinesisRecord } from './support/stream-events';
import { sequenceOf, StreamHandler, StreamMappingModel, StreamMappingModelOptions } from './support/stream-mapping-model';

/**
 * The mapping model's own tests, against AWS's documentation: no local emulator runs Lambda's stream
 * event source mapping (kinesalite serves the stream, not the mapping), so each group below names
 * the documented behaviour it checks and the page it comes from, with a scripted handler and
 * expected batches worked out from that page. The assumptions the model makes where the docs are
 * silent have their own group. The real handlers are driven through the model, on records read from
 * kinesalite, in stream-worker.kinesalite.test.ts and stream-worker-dynamodb.test.ts; the last
 * group checks StreamWorker's own retry figures (lib/stream-worker/settings.ts) on the model.
 */
const STREAM = 'arn:aws:kinesis:us-east-1:123456789012:stream/model';
const SHARD = 'shardId-000000000000';

const records = (n: number, arrivedAtSeconds?: number) =>
  Array.from({ length: n }, (_, i) => kinesisRecord(i, JSON.stringify({ i }), 'pk', arrivedAtSeconds));
const indexOf = (r: KinesisStreamRecord) => JSON.parse(Buffer.from(r.kinesis.data, 'base64').toString()).i as number;
const model = (options: Partial<StreamMappingModelOptions> = {}) => new StreamMappingModel({
  source: 'kinesis', streamArn: STREAM, batchSize: 4, maxRetryAttempts: 3, bisectBatchOnFunctionError: true, ...options,
});
const indexesOf = (m: StreamMappingModel) => m.invocations.map((inv) => inv.sequenceNumbers.map((s) => Number(BigInt(s) - 49_000_000_000_000_000_000n)));

/** Fails `poison` records: reports the first failed one and the rest (stop at first failure), throws when it is first. */
function stopAtFirstFailure(poison: Set<number>): StreamHandler {
  return async (event) => {
    const batch = event.Records as KinesisStreamRecord[];
    const first = batch.findIndex((r) => poison.has(indexOf(r)));
    if (first === 0) throw new Error('first record failed');
    return { batchItemFailures: first < 0 ? [] : batch.slice(first).map((r) => ({ itemIdentifier: r.kinesis.sequenceNumber })) };
  };
}

describe('Lambda reads records in batches of up to BatchSize from each shard, in order, and checkpoints a batch that succeeded (https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html)', () => {
  test('success: batches of batchSize from the checkpoint, in order, each checkpointed', async () => {
    const m = model();
    await m.drainShard(SHARD, records(10), async () => ({ batchItemFailures: [] }));
    expect(indexesOf(m)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    expect(m.invocations.map((i) => i.outcome)).toEqual(['success', 'success', 'success']);
    expect(m.failureBucket.size).toBe(0);
  });
});

describe('success and failure conditions of a partial batch response: no failures is a complete success; the lowest reported sequence number is the checkpoint; an empty, null or bad itemIdentifier is a complete failure (https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html)', () => {
  test('a null response, an empty list or no list is a complete success', async () => {
    const responses: unknown[] = [null, undefined, {}, { batchItemFailures: [] }];
    const m = model({ batchSize: 1 });
    await m.drainShard(SHARD, records(4), async () => responses.shift());
    expect(m.invocations.map((i) => i.outcome)).toEqual(['success', 'success', 'success', 'success']);
  });

  test('partial failure: checkpoints before the LOWEST reported sequence number and retries from it (bisected there)', async () => {
    const m = model();
    let calls = 0;
    await m.drainShard(SHARD, records(4), async (event) => {
      calls++;
      const seq = (event.Records as KinesisStreamRecord[]).map((r) => r.kinesis.sequenceNumber);
      // Reported out of order on the first call: records 3 and 1 failed.
      return { batchItemFailures: calls === 1 ? [{ itemIdentifier: seq[3] }, { itemIdentifier: seq[1] }] : [] };
    });
    expect(indexesOf(m)).toEqual([[0, 1, 2, 3], [1, 2, 3]]);
    expect(m.invocations[0]).toMatchObject({ outcome: 'partial', failedAt: sequenceOf(records(4)[1]) });
  });

  test.each([[''], [null], ['not-a-sequence-number']])('itemIdentifier %p makes the batch a complete failure', async (identifier) => {
    const m = model({ batchSize: 2, maxRetryAttempts: 0, bisectBatchOnFunctionError: false });
    await m.drainShard(SHARD, records(2), async () => ({ batchItemFailures: [{ itemIdentifier: identifier }] }));
    expect(m.invocations.map((i) => i.outcome)).toEqual(['error']);
    expect(m.failureBucket.size).toBe(1);
  });
});

describe('BisectBatchOnFunctionError: a function error splits the batch in two and retries each half; after MaximumRetryAttempts the batch is discarded to the on-failure destination with the failure record (https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html, https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html)', () => {
  test('function error with bisect: halves, each retried; the poison record is isolated and discarded alone', async () => {
    const m = model({ batchSize: 4, maxRetryAttempts: 3 });
    await m.drainShard(SHARD, records(4), stopAtFirstFailure(new Set([0])));
    // [0..3] error -> [0,1] error -> [0] error -> [0] error (3rd retry) -> discarded; then [1], [2,3].
    expect(indexesOf(m)).toEqual([[0, 1, 2, 3], [0, 1], [0], [0], [1], [2, 3]]);
    expect(m.invocations.map((i) => i.attempt)).toEqual([0, 1, 2, 3, 2, 1]);
    const [object] = [...m.failureBucket.values()].map((body) => parseStreamFailureRecord(body));
    expect(object).toMatchObject({
      source: 'kinesis', condition: 'RetryAttemptsExhausted', approximateInvokeCount: 4, functionError: 'Unhandled',
      shardId: SHARD, batchSize: 1, streamArn: STREAM,
    });
    expect(object.records!.map((r) => indexOf(r as KinesisStreamRecord))).toEqual([0]);
  });

  test('function error without bisect: the whole batch is retried maxRetryAttempts times, then discarded', async () => {
    const m = model({ batchSize: 3, maxRetryAttempts: 2, bisectBatchOnFunctionError: false });
    await m.drainShard(SHARD, records(5), stopAtFirstFailure(new Set([0])));
    expect(indexesOf(m)).toEqual([[0, 1, 2], [0, 1, 2], [0, 1, 2], [3, 4]]);
    expect([...m.failureBucket.values()].map((b) => parseStreamFailureRecord(b).batchSize)).toEqual([3]);
  });

  test('maxRetryAttempts 0: one attempt, then the failed part goes to the destination', async () => {
    const m = model({ batchSize: 4, maxRetryAttempts: 0 });
    await m.drainShard(SHARD, records(4), stopAtFirstFailure(new Set([2])));
    expect(indexesOf(m)).toEqual([[0, 1, 2, 3]]);
    const [object] = [...m.failureBucket.values()].map((b) => parseStreamFailureRecord(b));
    expect(object).toMatchObject({ condition: 'RetryAttemptsExhausted', approximateInvokeCount: 1, batchSize: 2 });
    expect(object.functionError).toBeUndefined();
  });
});

describe('MaximumRecordAgeInSeconds: older records are discarded to the destination (RecordAgeExceeded) under aws/lambda/<mapping>/<shard>/YYYY/MM/DD/ keys, and Lambda continues with the next records (https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html)', () => {
  test('record age: records older than the maximum are discarded before the invocation (RecordAgeExceeded)', async () => {
    const now = 1_800_000_000_000;
    const old = records(2, now / 1000 - 120);
    const fresh = records(4, now / 1000 - 10).slice(2);
    const m = model({ maxRecordAgeSeconds: 60, now: () => now });
    const delivered: number[] = [];
    await m.drainShard(SHARD, [...old, ...fresh], async (event) => {
      delivered.push(...(event.Records as KinesisStreamRecord[]).map(indexOf));
      return { batchItemFailures: [] };
    });
    expect(delivered).toEqual([2, 3]);
    const [object] = [...m.failureBucket.values()].map((b) => parseStreamFailureRecord(b));
    expect(object).toMatchObject({ condition: 'RecordAgeExceeded', batchSize: 2 });
    expect([...m.failureBucket.keys()][0]).toMatch(/^aws\/lambda\/model-esm\/shardId-000000000000\/2027\/01\/15\//);
  });

  test('a handler that never succeeds still drains: every record ends in the destination', async () => {
    const m = model({ batchSize: 4, maxRetryAttempts: 2 });
    await m.drainShard(SHARD, records(6), async () => { throw new Error('down'); });
    const discarded = [...m.failureBucket.values()].flatMap((b) => parseStreamFailureRecord(b).records!.map((r) => indexOf(r as KinesisStreamRecord)));
    expect(discarded.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe('where the docs are silent, the stricter case (test/support/stream-mapping-model.ts names these assumptions)', () => {
  test('halves inherit the attempt count: too few retries discard the poison record with good records behind it', async () => {
    const m = model({ batchSize: 8, maxRetryAttempts: 1 });
    await m.drainShard(SHARD, records(8), stopAtFirstFailure(new Set([0])));
    expect(indexesOf(m)).toEqual([[0, 1, 2, 3, 4, 5, 6, 7], [0, 1, 2, 3], [4, 5, 6, 7]]);
    const discarded = [...m.failureBucket.values()].map((b) => parseStreamFailureRecord(b).records!.map((r) => indexOf(r as KinesisStreamRecord)));
    expect(discarded).toEqual([[0, 1, 2, 3]]);
  });

  test('partial failure without bisect re-reads a full batch from the checkpoint', async () => {
    const m = model({ bisectBatchOnFunctionError: false });
    let calls = 0;
    await m.drainShard(SHARD, records(8), async (event) => {
      calls++;
      const seq = (event.Records as KinesisStreamRecord[]).map((r) => r.kinesis.sequenceNumber);
      return { batchItemFailures: calls === 1 ? [{ itemIdentifier: seq[2] }] : [] };
    });
    expect(indexesOf(m)).toEqual([[0, 1, 2, 3], [2, 3, 4, 5], [6, 7]]);
  });
});

describe('the retry figures StreamWorker warns with hold in the model', () => {
  const cases = [2, 3, 10, 33, 100].flatMap((n) => [0, 1, Math.floor(n / 2), n - 1].map((poison) => [n, poison] as const));

  test.each(cases)('batch of %i, poison at %i: retriesToIsolate retries discard the poison record alone', async (n, poison) => {
    const m = model({ batchSize: n, maxRetryAttempts: retriesToIsolate(n) });
    await m.drainShard(SHARD, records(n), stopAtFirstFailure(new Set([poison])));
    const discarded = [...m.failureBucket.values()].flatMap((b) => parseStreamFailureRecord(b).records!.map((r) => indexOf(r as KinesisStreamRecord)));
    expect(discarded).toEqual([poison]);
  });

  test.each(cases.filter(([n]) => n > 2))('batch of %i, poison at %i: one retry fewer risks at most goodRecordsAtRisk good records', async (n, poison) => {
    const retries = retriesToIsolate(n) - 1;
    const m = model({ batchSize: n, maxRetryAttempts: retries });
    await m.drainShard(SHARD, records(n), stopAtFirstFailure(new Set([poison])));
    const discarded = [...m.failureBucket.values()].flatMap((b) => parseStreamFailureRecord(b).records!.map((r) => indexOf(r as KinesisStreamRecord)));
    expect(discarded).toContain(poison);
    expect(discarded.length - 1).toBeLessThanOrEqual(goodRecordsAtRisk(n, retries));
  });

  test('the worst case reaches goodRecordsAtRisk (the figure is tight)', async () => {
    const m = model({ batchSize: 100, maxRetryAttempts: 3 });
    await m.drainShard(SHARD, records(100), stopAtFirstFailure(new Set([1])));
    const discarded = [...m.failureBucket.values()].flatMap((b) => parseStreamFailureRecord(b).records!);
    expect(discarded.length - 1).toBe(goodRecordsAtRisk(100, 3));
  });
});
