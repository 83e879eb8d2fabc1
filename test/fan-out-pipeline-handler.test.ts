import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { decodeS3Key, extractS3Objects, UnrecognizedEventError } from '../lambda/fan-out-pipeline/s3-object';
import { lambdaContext, loadBundledHandler, sqsEvent, sqsRecord } from './support/lambda';
import { captureOutput, CapturedOutput } from './support/output';

/**
 * Object keys as S3 puts them into event notifications (form URL encoding: space as '+', a real
 * '+' as '%2B', UTF-8 bytes as %XX; '/' left as is), written out by hand from S3's rules rather
 * than computed with the decoder under test.
 */
const KEYS: Array<{ raw: string; encoded: string }> = [
  { raw: 'uploads/my photo (1).jpg', encoded: 'uploads/my+photo+%281%29.jpg' },
  { raw: 'uploads/c++ notes.txt', encoded: 'uploads/c%2B%2B+notes.txt' },
  { raw: 'uploads/résumé/東京 2026.pdf', encoded: 'uploads/r%C3%A9sum%C3%A9/%E6%9D%B1%E4%BA%AC+2026.pdf' },
  { raw: 'a+b=c&d.txt', encoded: 'a%2Bb%3Dc%26d.txt' },
  { raw: '100%.csv', encoded: '100%25.csv' },
  { raw: 'plain/key.bin', encoded: 'plain/key.bin' },
];

/** An S3 event notification (structure version 2.1), as SNS delivers it with raw message delivery. */
function s3Notification(encodedKey: string, size = 1024): Record<string, unknown> {
  return {
    Records: [{
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventTime: '2026-11-24T06:00:00.000Z',
      eventName: 'ObjectCreated:Put',
      userIdentity: { principalId: 'AWS:AIDAEXAMPLEUSER' },
      requestParameters: { sourceIPAddress: '203.0.113.10' },
      responseElements: { 'x-amz-request-id': 'C3D13FE58DE4C810', 'x-amz-id-2': 'FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD' },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'ZjQ5ZjQ2ZTItYjY2Yy00YzM1LWE2ODQtMmQ0ZTk0Nzg5ODFh',
        bucket: { name: 'uploads-bucket', ownerIdentity: { principalId: 'A3NL1KOZZKEXAMPLE' }, arn: 'arn:aws:s3:::uploads-bucket' },
        object: { key: encodedKey, size, eTag: 'd41d8cd98f00b204e9800998ecf8427e', sequencer: '0055AED6DCD90281E5' },
      },
    }],
  };
}

/** An EventBridge "Object Created" event from S3, as the SQS target receives it. */
function eventBridgeObjectCreated(encodedKey: string, size = 2048): Record<string, unknown> {
  return {
    'version': '0',
    'id': '17793124-05d4-b198-2fde-7ededc63b103',
    'detail-type': 'Object Created',
    'source': 'aws.s3',
    'account': '123456789012',
    'time': '2026-11-24T06:00:00Z',
    'region': 'us-east-1',
    'resources': ['arn:aws:s3:::uploads-bucket'],
    'detail': {
      'version': '0',
      'bucket': { name: 'uploads-bucket' },
      'object': { 'key': encodedKey, size, 'etag': 'b1946ac92492d2347c6235b4d2611184', 'sequencer': '00617F08299329D189' },
      'request-id': 'N4N7GDK58NMKJ12R',
      'requester': '123456789012',
      'source-ip-address': '203.0.113.10',
      'reason': 'PutObject',
    },
  };
}

/** The message S3 publishes once when the notification configuration is saved. */
const S3_TEST_EVENT = {
  Service: 'Amazon S3', Event: 's3:TestEvent', Time: '2026-11-24T06:00:00.000Z',
  Bucket: 'uploads-bucket', RequestId: '5582815E1AEA5ADF', HostId: '8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE',
};

describe('decodeS3Key and extractS3Objects (pure logic)', () => {
  test.each(KEYS)('decodes $encoded to $raw', ({ raw, encoded }) => {
    expect(decodeS3Key(encoded)).toBe(raw);
  });

  test('percent-decoding first would turn a real plus sign into a space; the order is right', () => {
    expect(decodeS3Key('c%2B%2B+notes.txt')).toBe('c++ notes.txt');
    expect(decodeURIComponent('c%2B%2B+notes.txt').replace(/\+/g, ' ')).toBe('c   notes.txt'); // the wrong order
  });

  test('invalid percent-encoding is an unrecognized event, not a crash with a URIError', () => {
    expect(() => decodeS3Key('broken%E0%A4%A.txt')).toThrow(UnrecognizedEventError);
    expect(() => decodeS3Key('broken%E0%A4%A.txt')).toThrow("object key 'broken%E0%A4%A.txt' is not valid URL encoding");
  });

  test('reads S3 notifications, SNS envelopes and EventBridge events; S3 test events hold no objects', () => {
    const key = KEYS[0];
    expect(extractS3Objects(s3Notification(key.encoded, 7))).toEqual([{ bucket: 'uploads-bucket', key: key.raw, size: 7, eventName: 'ObjectCreated:Put' }]);
    expect(extractS3Objects(eventBridgeObjectCreated(key.encoded, 9))).toEqual([{ bucket: 'uploads-bucket', key: key.raw, size: 9, eventName: 'Object Created' }]);
    expect(extractS3Objects({ Type: 'Notification', MessageId: 'm', Message: JSON.stringify(s3Notification(key.encoded)) })[0].key).toBe(key.raw);
    expect(extractS3Objects(S3_TEST_EVENT)).toEqual([]);
  });

  test('unknown shapes are rejected', () => {
    expect(() => extractS3Objects('text')).toThrow('message body is not a JSON object');
    expect(() => extractS3Objects({ orderId: 1 })).toThrow('neither an S3 notification nor an EventBridge S3 event');
    expect(() => extractS3Objects({ Records: [{ s3: { bucket: {} } }] })).toThrow('S3 notification record without s3.bucket.name and s3.object.key');
    expect(() => extractS3Objects({ source: 'aws.s3', detail: { bucket: { name: 'b' } } })).toThrow('EventBridge S3 event without detail.bucket.name and detail.object.key');
  });
});

describe('bundled fan-out-pipeline/example handler', () => {
  type Handler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
  let logLines: Array<Record<string, unknown>>;
  let output: CapturedOutput;
  let handler: Handler;
  const saved = { level: process.env.POWERTOOLS_LOG_LEVEL, table: process.env.IDEMPOTENCY_TABLE_NAME };

  beforeEach(() => {
    process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
    delete process.env.IDEMPOTENCY_TABLE_NAME; // idempotency is SqsWorker's, tested there
    output = captureOutput();
    logLines = output.logs;
    handler = loadBundledHandler<Handler>('fan-out-pipeline/example');
  });

  afterEach(() => {
    output.restore();
    process.env.POWERTOOLS_LOG_LEVEL = saved.level;
    if (saved.table) process.env.IDEMPOTENCY_TABLE_NAME = saved.table;
  });

  const received = () => logLines.filter((l) => l.message === 'object received').map((l) => l.key);

  test('SNS raw delivery: every key arrives decoded (spaces, +, unicode, reserved characters)', async () => {
    const records = KEYS.map((k, i) => sqsRecord(`sns-${i}`, JSON.stringify(s3Notification(k.encoded))));
    const response = await handler(sqsEvent(records), lambdaContext());
    expect(response.batchItemFailures).toEqual([]);
    expect(received()).toEqual(KEYS.map((k) => k.raw));
  });

  test('EventBridge Object Created events: every key arrives decoded', async () => {
    const records = KEYS.map((k, i) => sqsRecord(`eb-${i}`, JSON.stringify(eventBridgeObjectCreated(k.encoded))));
    const response = await handler(sqsEvent(records), lambdaContext());
    expect(response.batchItemFailures).toEqual([]);
    expect(received()).toEqual(KEYS.map((k) => k.raw));
    expect(logLines.find((l) => l.message === 'object received')).toMatchObject({ bucket: 'uploads-bucket', size: 2048, eventName: 'Object Created' });
  });

  test('bad records fail alone; the S3 test event is consumed without work', async () => {
    const response = await handler(sqsEvent([
      sqsRecord('good', JSON.stringify(s3Notification(KEYS[2].encoded))),
      sqsRecord('test-event', JSON.stringify(S3_TEST_EVENT)),
      sqsRecord('bad-encoding', JSON.stringify(s3Notification('broken%E0%A4%A.txt'))),
      sqsRecord('not-s3', JSON.stringify({ orderId: 'o-1' })),
      sqsRecord('not-json', '{oops'),
    ]), lambdaContext());
    // Records run concurrently, so failures come back in completion order.
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['bad-encoding', 'not-json', 'not-s3']);
    expect(received()).toEqual([KEYS[2].raw]);
    // Each failure is logged once with its message id and error; the batch summary counts them.
    const failed = logLines.filter((l) => l.message === 'record failed');
    expect(failed.map((l) => l.messageId).sort()).toEqual(['bad-encoding', 'not-json', 'not-s3']);
    expect(failed.map((l) => (l.error as { name: string }).name).sort())
      .toEqual(['MalformedMessageError', 'UnrecognizedEventError', 'UnrecognizedEventError']);
    expect(logLines.find((l) => l.message === 'batch finished with failures')).toMatchObject({ level: 'WARN', records: 5, failed: 3 });
  });
});
