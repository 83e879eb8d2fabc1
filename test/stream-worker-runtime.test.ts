import type { KinesisStreamRecord } from 'aws-lambda';
import { AttributeValue, unmarshallImage, UnsupportedAttributeValueError } from '../packages/runtime/src/dynamodb-image';
import {
  createStreamWorkerHandler, DynamoDbChange, KinesisItem, NotAStreamFailureRecordError, parseStreamFailureRecord, StreamItem,
} from '../packages/runtime/src/stream-worker';
import { customerTotalUpdate, orderSummaryChange, parseOrderEvent } from '../lambda/stream-worker/order-projection';
import { lambdaContext } from './support/lambda';
import { dynamoDbRecord, kinesisRecord } from './support/stream-events';

const TABLE_STREAM = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000';
const seq = (r: KinesisStreamRecord) => r.kinesis.sequenceNumber;
const failures = (...records: KinesisStreamRecord[]) => ({ batchItemFailures: records.map((r) => ({ itemIdentifier: seq(r) })) });

beforeAll(() => { delete process.env.IDEMPOTENCY_TABLE_NAME; });

describe('createStreamWorkerHandler on Kinesis records', () => {
  test('data is base64-decoded and JSON-parsed; the item carries the ids the record function needs', async () => {
    const seen: KinesisItem[] = [];
    const handler = createStreamWorkerHandler((item) => { seen.push(item as KinesisItem); });
    const record = kinesisRecord(1, '{"orderId":"o-1","amount":5}', 'customer-7', 1_764_000_000.25);
    expect(await handler({ Records: [record] }, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(seen).toEqual([{
      source: 'kinesis', eventId: record.eventID, sequenceNumber: seq(record), partitionKey: 'customer-7',
      data: { orderId: 'o-1', amount: 5 }, arrivedAt: 1_764_000_000_250,
    }]);
  });

  test('text and binary modes hand the data over undecoded', async () => {
    const seen: unknown[] = [];
    const text = createStreamWorkerHandler((item) => { seen.push((item as KinesisItem).data); }, { data: 'text' });
    const binary = createStreamWorkerHandler((item) => { seen.push((item as KinesisItem).data); }, { data: 'binary' });
    await text({ Records: [kinesisRecord(1, 'not json')] }, lambdaContext());
    await binary({ Records: [kinesisRecord(2, 'bytes')] }, lambdaContext());
    expect(seen).toEqual(['not json', Buffer.from('bytes')]);
  });

  test('stops at the first failure: it and every later record are reported, the later ones are not run', async () => {
    const ran: string[] = [];
    const handler = createStreamWorkerHandler((item) => {
      const data = (item as KinesisItem<{ n: number }>).data;
      ran.push(`r${data.n}`);
    });
    const batch = [kinesisRecord(1, '{"n":1}'), kinesisRecord(2, '{"n":2'), kinesisRecord(3, '{"n":3}'), kinesisRecord(4, '{"n":4}')];
    expect(await handler({ Records: batch }, lambdaContext())).toEqual(failures(batch[1], batch[2], batch[3]));
    expect(ran).toEqual(['r1']);
  });

  test.each([
    ['null', null], ['undefined', undefined], ['a string', 'nope'], ['a number', 42], ['an object', { code: 'E1' }],
    ['an Error', new TypeError('bad')],
  ])('throwing %s fails only that record (and stops the shard there); the handler itself does not crash', async (_name, thrown) => {
    const handler = createStreamWorkerHandler((item) => {
      if ((item as KinesisItem<{ bad?: boolean }>).data.bad) throw thrown;
    });
    const batch = [kinesisRecord(1, '{}'), kinesisRecord(2, '{"bad":true}'), kinesisRecord(3, '{}')];
    expect(await handler({ Records: batch }, lambdaContext())).toEqual(failures(batch[1], batch[2]));
  });

  test('when the first record fails the invocation fails (so Lambda bisects the batch)', async () => {
    const handler = createStreamWorkerHandler(() => { throw null; });
    await expect(handler({ Records: [kinesisRecord(1, '{}'), kinesisRecord(2, '{}')] }, lambdaContext()))
      .rejects.toThrow(/All records failed processing/);
  });

  test('an empty event is a success', async () => {
    const handler = createStreamWorkerHandler(() => undefined);
    expect(await handler({ Records: [] }, lambdaContext())).toEqual({ batchItemFailures: [] });
  });
});

describe('createStreamWorkerHandler on DynamoDB Streams records', () => {
  const insert = dynamoDbRecord(1, { eventName: 'INSERT', keys: { orderId: 'o-1' }, newImage: { orderId: 'o-1', customerId: 'c-1', status: 'NEW', total: 25 } }, TABLE_STREAM);
  const modify = dynamoDbRecord(2, {
    eventName: 'MODIFY', keys: { orderId: 'o-1' },
    oldImage: { orderId: 'o-1', customerId: 'c-1', status: 'NEW', total: 25 },
    newImage: { orderId: 'o-1', customerId: 'c-1', status: 'PAID', total: 25 },
  }, TABLE_STREAM);
  const remove = dynamoDbRecord(3, { eventName: 'REMOVE', keys: { orderId: 'o-1' }, oldImage: { orderId: 'o-1', customerId: 'c-1', status: 'PAID', total: 25 } }, TABLE_STREAM);

  test('INSERT, MODIFY and REMOVE (no NewImage) arrive with plain-object keys and images', async () => {
    const seen: DynamoDbChange[] = [];
    const handler = createStreamWorkerHandler((change) => { seen.push(change as DynamoDbChange); });
    expect(await handler({ Records: [insert, modify, remove] }, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(seen.map(({ eventName, keys, newImage, oldImage }) => ({ eventName, keys, newImage, oldImage }))).toEqual([
      { eventName: 'INSERT', keys: { orderId: 'o-1' }, newImage: { orderId: 'o-1', customerId: 'c-1', status: 'NEW', total: 25 }, oldImage: undefined },
      { eventName: 'MODIFY', keys: { orderId: 'o-1' }, newImage: { orderId: 'o-1', customerId: 'c-1', status: 'PAID', total: 25 }, oldImage: { orderId: 'o-1', customerId: 'c-1', status: 'NEW', total: 25 } },
      { eventName: 'REMOVE', keys: { orderId: 'o-1' }, newImage: undefined, oldImage: { orderId: 'o-1', customerId: 'c-1', status: 'PAID', total: 25 } },
    ]);
    expect(seen[0]).toMatchObject({ source: 'dynamodb', eventId: insert.eventID, sequenceNumber: insert.dynamodb!.SequenceNumber });
  });

  test('failures are reported by dynamodb.SequenceNumber, from the first failure on', async () => {
    const handler = createStreamWorkerHandler((change: StreamItem) => {
      if ((change as DynamoDbChange).eventName === 'MODIFY') throw 'modify rejected';
    });
    expect(await handler({ Records: [insert, modify, remove] }, lambdaContext())).toEqual({
      batchItemFailures: [{ itemIdentifier: modify.dynamodb!.SequenceNumber }, { itemIdentifier: remove.dynamodb!.SequenceNumber }],
    });
  });
});

describe('DynamoDB image unmarshaller', () => {
  test('every attribute type becomes plain JavaScript', () => {
    const image: { [name: string]: AttributeValue } = {
      s: { S: 'text' }, n: { N: '12.5' }, int: { N: '42' }, big: { N: '12345678901234567890' }, yes: { BOOL: true }, nil: { NULL: true },
      map: { M: { inner: { L: [{ N: '1' }, { S: 'two' }] } } }, ss: { SS: ['a', 'b'] }, ns: { NS: ['1', '2'] },
      b: { B: Buffer.from('hi').toString('base64') }, bs: { BS: [Buffer.from('x').toString('base64')] },
    };
    expect(unmarshallImage(image)).toEqual({
      s: 'text', n: 12.5, int: 42, big: '12345678901234567890', yes: true, nil: null,
      map: { inner: [1, 'two'] }, ss: ['a', 'b'], ns: [1, 2], b: Buffer.from('hi'), bs: [Buffer.from('x')],
    });
  });

  test('an unknown shape is an error (the record fails alone)', () => {
    expect(() => unmarshallImage({ x: { Q: 'what' } as AttributeValue })).toThrow(UnsupportedAttributeValueError);
  });
});

describe('failure records', () => {
  test('an SQS/SNS-style record (no payload) parses with its metadata and no records', () => {
    const parsed = parseStreamFailureRecord({
      requestContext: { condition: 'RecordAgeExceeded', approximateInvokeCount: 0 },
      DDBStreamBatchInfo: { shardId: 'shardId-1', startSequenceNumber: '10', endSequenceNumber: '12', batchSize: 3, streamArn: TABLE_STREAM },
    });
    expect(parsed).toEqual({
      source: 'dynamodb', condition: 'RecordAgeExceeded', approximateInvokeCount: 0, functionError: undefined, shardId: 'shardId-1',
      startSequenceNumber: '10', endSequenceNumber: '12', batchSize: 3, streamArn: TABLE_STREAM, records: undefined,
    });
  });

  test('a payload given as an object is accepted too; other documents are rejected', () => {
    const record = kinesisRecord(1, '{}');
    const parsed = parseStreamFailureRecord(JSON.stringify({
      KinesisBatchInfo: { shardId: 's', startSequenceNumber: '1', endSequenceNumber: '1', batchSize: 1, streamArn: 'arn' },
      payload: { Records: [record] },
    }));
    expect(parsed.records).toEqual([record]);
    expect(() => parseStreamFailureRecord('{"Records": []}')).toThrow(NotAStreamFailureRecordError);
    expect(() => parseStreamFailureRecord('not json')).toThrow(/not a Lambda stream failure record: not JSON/);
  });
});

describe('example projections (pure logic)', () => {
  test('an order event adds to the customer total; invalid events are rejected', () => {
    const item = (data: unknown): KinesisItem => ({ source: 'kinesis', eventId: 'e', sequenceNumber: '1', partitionKey: 'p', data, arrivedAt: 0 });
    expect(customerTotalUpdate(parseOrderEvent(item({ orderId: 'o', customerId: 'c', amount: 2.5 })))).toMatchObject({
      kind: 'update', key: { pk: { S: 'CUSTOMER#c' }, sk: { S: 'TOTALS' } }, values: { ':amount': { N: '2.5' } },
    });
    expect(() => parseOrderEvent(item({ orderId: 'o', customerId: 'c', amount: -1 }))).toThrow('record 1: amount must be a number >= 0');
    expect(() => parseOrderEvent(item('text'))).toThrow('record 1: data must be a JSON object');
  });

  test('order changes: INSERT/MODIFY write the summary, REMOVE deletes it (from OldImage or Keys)', () => {
    const change = (eventName: DynamoDbChange['eventName'], images: Partial<DynamoDbChange>): DynamoDbChange =>
      ({ source: 'dynamodb', eventId: 'e', sequenceNumber: '7', eventName, keys: { orderId: 'o' }, ...images });
    expect(orderSummaryChange(change('INSERT', { newImage: { orderId: 'o', customerId: 'c', status: 'NEW', total: 1 } })))
      .toMatchObject({ kind: 'update', key: { sk: { S: 'ORDER#o' } }, values: { ':status': { S: 'NEW' } } });
    expect(orderSummaryChange(change('REMOVE', { oldImage: { orderId: 'o', customerId: 'c' } })))
      .toEqual({ kind: 'delete', key: { pk: { S: 'CUSTOMER#c' }, sk: { S: 'ORDER#o' } } });
    expect(() => orderSummaryChange(change('REMOVE', {}))).toThrow('change 7 (REMOVE): customerId must be a non-empty string');
    expect(() => orderSummaryChange(change('MODIFY', {}))).toThrow(/the change has no image/);
  });
});


describe('logs of a failed batch', () => {
  test('the failed record is logged with its event id and error, and the batch summary names it', async () => {
    const previous = process.env.POWERTOOLS_LOG_LEVEL;
    process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
    const lines: string[] = [];
    const capture = (chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    };
    // Powertools writes INFO to stdout and WARN/ERROR to stderr.
    const out = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
    try {
      let create!: typeof createStreamWorkerHandler;
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        create = require('../packages/runtime/src/stream-worker').createStreamWorkerHandler;
      });
      const handler = create(() => { throw 'rejected'; });
      const batch = [kinesisRecord(1, '{}')];
      await expect(handler({ Records: batch }, lambdaContext())).rejects.toThrow(/All records failed processing/);
    } finally {
      out.mockRestore();
      err.mockRestore();
      process.env.POWERTOOLS_LOG_LEVEL = previous;
    }
    const logs = lines.map((l) => JSON.parse(l));
    expect(logs.map((l) => [l.level, l.message])).toEqual([
      ['ERROR', 'record failed; the rest of the batch waits for it'],
      ['WARN', 'the first record of the batch failed: failing the invocation so Lambda bisects the batch'],
    ]);
    expect(logs[0]).toMatchObject({ eventId: kinesisRecord(1, '{}').eventID, error: { name: 'RecordFailedError', message: 'record function threw a non-Error value: "rejected"' } });
  });
});
