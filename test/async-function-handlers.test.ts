import { createServer, IncomingMessage, Server } from 'http';
import { AddressInfo } from 'net';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { parseFailureMessage, unqualifiedFunctionArn, validateDestinationRecord } from '../lambda/async-function/destination-record';
import { handleAsyncEvent, UnsupportedEventError } from '../lambda/async-function/example';
import { redriveBatch } from '../lambda/async-function/redrive';
import { lambdaContext, loadBundledHandler, sqsEvent, sqsRecord } from './support/lambda';

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:TestStack-AsyncFunction';
const OTHER_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:someone-else';

/** A destination record as Lambda writes it to an SQS on-failure destination. */
function destinationRecord(overrides: Record<string, unknown> = {}, context: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: '1.0',
    timestamp: '2026-11-24T06:00:00.000Z',
    requestContext: {
      requestId: 'e4b46cbf-b738-4c9c-b0e5-35a9e5a0e1c1',
      functionArn: `${FUNCTION_ARN}:$LATEST`,
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
      ...context,
    },
    requestPayload: { orderId: 'o-1', Records: [{ s3: { object: { key: 'incoming/a.json' } } }] },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: { errorType: 'UnsupportedEventError', errorMessage: 'boom', trace: [] },
    ...overrides,
  };
}

const body = (value: unknown) => JSON.stringify(value);

/** An EventBridge dead letter: the event as body, the error in message attributes. */
function eventBridgeDeadLetter(messageId: string, targetArn = FUNCTION_ARN): SQSRecord {
  const record = sqsRecord(messageId, body({ 'source': 'orders', 'detail-type': 'OrderPlaced', 'detail': { orderId: 'o-9' } }));
  return {
    ...record,
    messageAttributes: {
      RULE_ARN: { stringValue: 'arn:aws:events:us-east-1:123456789012:rule/orders', dataType: 'String', stringListValues: [], binaryListValues: [] },
      TARGET_ARN: { stringValue: targetArn, dataType: 'String', stringListValues: [], binaryListValues: [] },
      ERROR_CODE: { stringValue: 'SDK_CLIENT_ERROR', dataType: 'String', stringListValues: [], binaryListValues: [] },
    },
  };
}

describe('destination record parsing', () => {
  test('a RetriesExhausted record replays its requestPayload to the function it names', () => {
    const record = destinationRecord();
    expect(parseFailureMessage(body(record))).toEqual({
      ok: true,
      replayable: {
        source: 'lambda-destination',
        functionArn: `${FUNCTION_ARN}:$LATEST`,
        payload: record.requestPayload,
        reason: 'RetriesExhausted after 3 attempt(s)',
        origin: 'e4b46cbf-b738-4c9c-b0e5-35a9e5a0e1c1',
      },
    });
  });

  test('an EventAgeExceeded record without response context is replayable; a null payload too', () => {
    const record = destinationRecord({ responseContext: undefined, responsePayload: undefined, requestPayload: null },
      { condition: 'EventAgeExceeded', approximateInvokeCount: 0 });
    const parsed = parseFailureMessage(body(record));
    expect(parsed).toMatchObject({ ok: true, replayable: { payload: null, reason: 'EventAgeExceeded after 0 attempt(s)' } });
  });

  test.each([
    ['not JSON', '{"version": "1.0",', /^body is not JSON \(/],
    ['an array', '[1,2]', /^not a Lambda destination record: body is not a JSON object$/],
    ['no version', body(destinationRecord({ version: 1 })), /'version' is missing or not a string/],
    ['no timestamp', body(destinationRecord({ timestamp: undefined })), /'timestamp' is missing/],
    ['no requestContext', body(destinationRecord({ requestContext: 'x' })), /'requestContext' is missing or not an object/],
    ['empty requestId', body(destinationRecord({}, { requestId: '' })), /'requestContext.requestId' is missing or empty/],
    ['a non-Lambda ARN', body(destinationRecord({}, { functionArn: 'arn:aws:sqs:us-east-1:123456789012:q' })),
      /'requestContext.functionArn' is not a Lambda function ARN \(given "arn:aws:sqs:us-east-1:123456789012:q"\)/],
    ['no condition', body(destinationRecord({}, { condition: undefined })), /'requestContext.condition' is missing/],
    ['a string invoke count', body(destinationRecord({}, { approximateInvokeCount: '3' })), /'requestContext.approximateInvokeCount' is missing or not a number/],
    ['no requestPayload', body(destinationRecord({ requestPayload: undefined })), /'requestPayload' is missing: there is no original event to replay/],
    ['a success record', body(destinationRecord({}, { condition: 'Success' })),
      /^condition 'Success' is not a failure \(expected RetriesExhausted or EventAgeExceeded\); a success record must not be replayed$/],
  ])('rejects %s with its reason', (_name, message, reason) => {
    const parsed = parseFailureMessage(message);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toMatch(reason);
  });

  test('validateDestinationRecord accepts a full record', () => {
    expect(validateDestinationRecord(destinationRecord())).toBeUndefined();
  });

  test('EventBridge dead letters replay the event to their target', () => {
    const record = eventBridgeDeadLetter('eb-1');
    expect(parseFailureMessage(record.body, record.messageAttributes)).toEqual({
      ok: true,
      replayable: {
        source: 'eventbridge-dead-letter',
        functionArn: FUNCTION_ARN,
        payload: { 'source': 'orders', 'detail-type': 'OrderPlaced', 'detail': { orderId: 'o-9' } },
        reason: 'SDK_CLIENT_ERROR',
        origin: 'arn:aws:events:us-east-1:123456789012:rule/orders',
      },
    });
    const toQueue = eventBridgeDeadLetter('eb-2', 'arn:aws:sqs:us-east-1:123456789012:q');
    expect(parseFailureMessage(toQueue.body, toQueue.messageAttributes)).toEqual({
      ok: false, reason: 'EventBridge dead letter for target arn:aws:sqs:us-east-1:123456789012:q, which is not a Lambda function',
    });
  });

  test('unqualifiedFunctionArn strips a version or alias only', () => {
    expect(unqualifiedFunctionArn(`${FUNCTION_ARN}:$LATEST`)).toBe(FUNCTION_ARN);
    expect(unqualifiedFunctionArn(`${FUNCTION_ARN}:live`)).toBe(FUNCTION_ARN);
    expect(unqualifiedFunctionArn(FUNCTION_ARN)).toBe(FUNCTION_ARN);
    expect(unqualifiedFunctionArn('my-function')).toBe('my-function');
  });
});

describe('redriveBatch (invoke injected)', () => {
  test('replays good records, keeps every other one with its own reason', async () => {
    const calls: Array<[string, string]> = [];
    const invoke = async (name: string, payload: string) => {
      calls.push([name, payload]);
      if (payload.includes('throttled')) throw Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' });
      return payload.includes('odd-status') ? 200 : 202;
    };
    const records = [
      sqsRecord('good', body(destinationRecord())),
      sqsRecord('malformed', 'not json'),
      sqsRecord('foreign', body(destinationRecord({}, { functionArn: `${OTHER_ARN}:$LATEST` }))),
      sqsRecord('throttled', body(destinationRecord({ requestPayload: { note: 'throttled' } }))),
      sqsRecord('odd', body(destinationRecord({ requestPayload: 'odd-status' }))),
      eventBridgeDeadLetter('eb'),
      sqsRecord('success', body(destinationRecord({}, { condition: 'Success' }))),
    ];
    const report = await redriveBatch(records, FUNCTION_ARN, invoke);

    expect(calls).toEqual([
      [`${FUNCTION_ARN}:$LATEST`, JSON.stringify(destinationRecord().requestPayload)],
      [`${FUNCTION_ARN}:$LATEST`, '{"note":"throttled"}'],
      [`${FUNCTION_ARN}:$LATEST`, '"odd-status"'],
      [FUNCTION_ARN, '{"source":"orders","detail-type":"OrderPlaced","detail":{"orderId":"o-9"}}'],
    ]);
    expect(report.outcomes.map((o) => [o.messageId, o.status])).toEqual([
      ['good', 'redriven'], ['malformed', 'rejected'], ['foreign', 'rejected'], ['throttled', 'failed'],
      ['odd', 'failed'], ['eb', 'redriven'], ['success', 'rejected'],
    ]);
    const reasons = Object.fromEntries(report.outcomes.map((o) => [o.messageId, o.reason]));
    expect(reasons.malformed).toMatch(/^body is not JSON/);
    expect(reasons.foreign).toBe(`message is for ${OTHER_ARN}:$LATEST; this redrive only replays to ${FUNCTION_ARN}`);
    expect(reasons.throttled).toBe('async invoke failed: TooManyRequestsException: Rate exceeded');
    expect(reasons.odd).toBe('async invoke returned status 200, expected 202');
    expect(report.response).toEqual({
      batchItemFailures: ['malformed', 'foreign', 'throttled', 'odd', 'success'].map((id) => ({ itemIdentifier: id })),
    });
  });

  test('an empty batch invokes nothing and fails nothing', async () => {
    const invoke = jest.fn();
    expect(await redriveBatch([], FUNCTION_ARN, invoke)).toEqual({ outcomes: [], response: { batchItemFailures: [] } });
    expect(invoke).not.toHaveBeenCalled();
  });
});

interface InvokeRequest {
  readonly path: string;
  readonly invocationType: string | undefined;
  readonly body: string;
}

/**
 * A local stand-in for the Lambda Invoke API: only the invoke call is faked; the bundled
 * handler's real SDK client signs and sends real HTTP requests to it.
 */
async function startLambdaEndpoint(respond: (req: InvokeRequest) => { status: number; error?: string }) {
  const requests: InvokeRequest[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = {
        path: decodeURIComponent(req.url ?? ''),
        invocationType: req.headers['x-amz-invocation-type'] as string | undefined,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      const { status, error } = respond(request);
      if (error) {
        res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': error });
        res.end(JSON.stringify({ Type: 'User', message: `${error} from the local endpoint` }));
      } else {
        res.writeHead(status, { 'x-amz-executed-version': '$LATEST' });
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

type RedriveHandler = (event: SQSEvent, context: ReturnType<typeof lambdaContext>) => Promise<SQSBatchResponse>;

describe('bundled redrive handler (assets/async-function/redrive)', () => {
  const saved = { ...process.env };
  let lambdaApi: Awaited<ReturnType<typeof startLambdaEndpoint>>;

  beforeAll(async () => {
    lambdaApi = await startLambdaEndpoint((req) => (req.body.includes('gone')
      ? { status: 404, error: 'ResourceNotFoundException' }
      : { status: 202 }));
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_LAMBDA: lambdaApi.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_MAX_ATTEMPTS: '1',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      REDRIVE_TARGET_FUNCTION_ARN: FUNCTION_ARN,
    });
  });

  afterAll(async () => {
    await lambdaApi.stop();
    process.env = saved;
  });

  beforeEach(() => { lambdaApi.requests.length = 0; });

  test('re-invokes the function asynchronously with each original event and keeps what it cannot replay', async () => {
    const handler = loadBundledHandler<RedriveHandler>('async-function/redrive');
    const original = destinationRecord().requestPayload;
    const event = sqsEvent([
      sqsRecord('m-1', body(destinationRecord())),
      sqsRecord('m-2', '{"truncated": '),
      sqsRecord('m-3', body(destinationRecord({ requestPayload: { orderId: 'gone' } }))),
      sqsRecord('m-4', body(destinationRecord({ requestPayload: { orderId: 'o-2' } }, { condition: 'EventAgeExceeded' }))),
      sqsRecord('m-5', body(destinationRecord({}, { functionArn: OTHER_ARN }))),
      eventBridgeDeadLetter('m-6'),
    ]);

    const response = await handler(event, lambdaContext('redrive'));

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-2' }, { itemIdentifier: 'm-3' }, { itemIdentifier: 'm-5' }] });
    const sent = [...lambdaApi.requests].sort((a, b) => a.body.localeCompare(b.body));
    expect(sent).toEqual([
      { path: `/2015-03-31/functions/${FUNCTION_ARN}:$LATEST/invocations`, invocationType: 'Event', body: JSON.stringify(original) },
      { path: `/2015-03-31/functions/${FUNCTION_ARN}:$LATEST/invocations`, invocationType: 'Event', body: '{"orderId":"gone"}' },
      { path: `/2015-03-31/functions/${FUNCTION_ARN}:$LATEST/invocations`, invocationType: 'Event', body: '{"orderId":"o-2"}' },
      { path: `/2015-03-31/functions/${FUNCTION_ARN}/invocations`, invocationType: 'Event', body: '{"source":"orders","detail-type":"OrderPlaced","detail":{"orderId":"o-9"}}' },
    ].sort((a, b) => a.body.localeCompare(b.body)));
  });

  test('logs one line per message it keeps, with the reason', async () => {
    // Dev mode makes the Powertools logger write through the global console, which the test can watch.
    Object.assign(process.env, { POWERTOOLS_LOG_LEVEL: 'INFO', POWERTOOLS_DEV: 'true' });
    const calls: string[] = [];
    const capture = (...args: unknown[]) => { calls.push(args.map(String).join(' ')); };
    const spies = (['error', 'info', 'warn', 'log'] as const).map((m) => jest.spyOn(console, m).mockImplementation(capture));
    try {
      const handler = loadBundledHandler<RedriveHandler>('async-function/redrive');
      await handler(sqsEvent([sqsRecord('bad-1', 'nope'), sqsRecord('ok-1', body(destinationRecord()))]), lambdaContext('redrive'));
    } finally {
      spies.forEach((s) => s.mockRestore());
      process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
      delete process.env.POWERTOOLS_DEV;
    }
    const logs = calls.map((c) => JSON.parse(c));
    const kept = logs.filter((l) => l.message === 'message cannot be redriven; kept in the queue');
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ level: 'ERROR', messageId: 'bad-1', status: 'rejected', reason: expect.stringMatching(/^body is not JSON/) });
    expect(logs.filter((l) => l.message === 'event redriven').map((l) => l.messageId)).toEqual(['ok-1']);
    expect(logs.find((l) => l.message === 'redrive batch done')).toMatchObject({ records: 2, redriven: 1, kept: 1 });
  });

  test('end to end: an event that fails every attempt comes back to the function unchanged', async () => {
    const example = loadBundledHandler('async-function/example');
    const original = { Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'uploads' }, object: { size: 12 } } }] };
    // Attempt 1 and retries 2 and 3 (retryAttempts 2) all fail the same way.
    const errors: Array<{ name: string; message: string }> = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      await example(original, lambdaContext('async')).catch((e: Error) => errors.push({ name: e.name, message: e.message }));
    }
    expect(errors).toHaveLength(3);
    // What Lambda then writes to the failure queue.
    const record = destinationRecord({
      requestPayload: original,
      responsePayload: { errorType: errors[2].name, errorMessage: errors[2].message },
    });
    const redrive = loadBundledHandler<RedriveHandler>('async-function/redrive');
    const response = await redrive(sqsEvent([sqsRecord('failed-1', body(record))]), lambdaContext('redrive'));
    expect(response).toEqual({ batchItemFailures: [] });
    expect(lambdaApi.requests).toHaveLength(1);
    const replayed = JSON.parse(lambdaApi.requests[0].body);
    expect(replayed).toEqual(original);
    // The function receives exactly what it received the first time (and, unfixed, fails the same way).
    await expect(example(replayed, lambdaContext('async'))).rejects.toMatchObject(errors[0]);
  });

  test('fails the whole batch when it does not know its target', async () => {
    delete process.env.REDRIVE_TARGET_FUNCTION_ARN;
    try {
      const handler = loadBundledHandler<RedriveHandler>('async-function/redrive');
      await expect(handler(sqsEvent([sqsRecord('m-1', body(destinationRecord()))]), lambdaContext('redrive')))
        .rejects.toThrow('REDRIVE_TARGET_FUNCTION_ARN is not set');
      expect(lambdaApi.requests).toEqual([]);
    } finally {
      process.env.REDRIVE_TARGET_FUNCTION_ARN = FUNCTION_ARN;
    }
  });
});

describe('example async handler', () => {
  test('pure logic: S3 keys decoded, EventBridge detail-type, anything else rejected', () => {
    expect(handleAsyncEvent({ Records: [{ s3: { object: { key: 'incoming/my+file%281%29.json' } } }] }))
      .toEqual({ kind: 's3', items: ['incoming/my file(1).json'] });
    expect(handleAsyncEvent({ 'source': 'aws.events', 'detail-type': 'Scheduled Event' })).toEqual({ kind: 'eventbridge', items: ['Scheduled Event'] });
    expect(() => handleAsyncEvent({ Records: [{ s3: {} }] })).toThrow('record 0 is not an S3 notification with an object key');
    expect(() => handleAsyncEvent('x')).toThrow(UnsupportedEventError);
  });

  test('bundled: handles an S3 notification and throws on an unknown event (which Lambda then retries)', async () => {
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    const handler = loadBundledHandler('async-function/example');
    await expect(handler({ Records: [{ s3: { object: { key: 'a.json' } } }] }, lambdaContext('example')))
      .resolves.toEqual({ kind: 's3', items: ['a.json'] });
    await expect(handler({ hello: 'world' }, lambdaContext('example')))
      .rejects.toMatchObject({ name: 'UnsupportedEventError', message: 'event is neither an S3 notification nor an EventBridge event' });
  });
});
