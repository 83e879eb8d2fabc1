/**
 * The runtime's one idempotency wiring (packages/runtime/src/idempotency/runner.ts), module by
 * module: the SQS worker, the stream worker, the scheduled job and the saga step handlers.
 *
 * - A bad configuration fails the invocation with the same clear error everywhere, and never leaves
 *   an unhandled promise rejection behind at load (which would end the execution environment).
 * - Bodies carrying the keys Powertools 2.35's makeIdempotent inspects on its second argument
 *   (`step`, `durableExecutionArn`, `durableExecutionMode`, `lambdaContext`,
 *   `getRemainingTimeInMillis`) are processed once each, on their own, and not again when delivered
 *   again (issue 24 item 3: a body with `step` used to fail the whole batch).
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamEvent, KinesisStreamEvent, SQSEvent } from 'aws-lambda';
import { lambdaContext, sqsEvent, sqsRecord } from './support/lambda';
import { LocalDynamo, startLocalDynamo } from './support/dynalite';
import { dynamoDbRecord, kinesisRecord } from './support/stream-events';
import { createScheduledJobHandler, ScheduledJobEvent } from '../packages/runtime/src/scheduled-job';
import { captureOutput } from './support/output';
import { createSqsWorkerHandler } from '../packages/runtime/src/sqs-worker';
import { createStreamWorkerHandler } from '../packages/runtime/src/stream-worker';

const TABLE_STREAM = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000';
const SCHEDULE = 'arn:aws:scheduler:us-east-1:123456789012:schedule/g/nightly';

/** Bodies whose top-level keys Powertools' makeIdempotent reads on its second argument. */
const INSPECTED_BODIES: Array<Record<string, unknown>> = [
  { orderId: 'o-1', step: 'ReserveInventory', idempotencyKey: 'exec-1:ReserveInventory' },
  { orderId: 'o-2', durableExecutionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f:1/durable-execution/x/y' },
  { orderId: 'o-3', step: { name: 'x' }, durableExecutionMode: 'ReplayMode' },
  { orderId: 'o-4', lambdaContext: { getRemainingTimeInMillis: 1 }, getRemainingTimeInMillis: 'soon' },
  { orderId: 'o-5', awsRequestId: 'not-this-one', functionName: 'nor-this' },
];

/**
 * Loads a bundled handler (what ships) in a fresh `node` process with `env`, waits, invokes it once
 * and reports the invocation's error and every unhandled rejection the process saw. A child
 * process, because jest sandboxes `process` and turns an unhandled rejection into its own failure.
 */
function invokeInChild(bundle: string, event: unknown, env: Record<string, string>, leaveOneUnhandled = false) {
  const script = `
    const unhandled = [];
    process.on('unhandledRejection', (reason) => unhandled.push(String(reason && reason.message || reason)));
    ${leaveOneUnhandled ? "Promise.reject(new Error('left unhandled'));" : ''}
    const { handler } = require(${JSON.stringify(path.join(__dirname, '..', 'assets', bundle, 'index.js'))});
    const context = { functionName: 'f', functionVersion: '$LATEST', invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f',
      memoryLimitInMB: '512', awsRequestId: 'r-1', logGroupName: 'g', logStreamName: 's', callbackWaitsForEmptyEventLoop: false,
      getRemainingTimeInMillis: () => 30000 };
    setTimeout(async () => {
      let error = null;
      try { await handler(${JSON.stringify(event)}, context); } catch (e) { error = { name: e.name, message: e.message }; }
      setTimeout(() => process.stdout.write(JSON.stringify({ error, unhandled })), 20);
    }, 50);`;
  const out = execFileSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH!, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', POWERTOOLS_LOG_LEVEL: 'SILENT', ...env },
  });
  return JSON.parse(out) as { error: { name: string; message: string } | null; unhandled: string[] };
}

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
  for (const table of ['wiring-sqs', 'wiring-kinesis', 'wiring-ddb', 'wiring-job']) await dynamo.createIdempotencyTable(table);
});
afterAll(async () => {
  await dynamo.stop();
});
afterEach(() => {
  for (const key of ['IDEMPOTENCY_TABLE_NAME', 'IDEMPOTENCY_PERSISTENCE_LAYER']) delete process.env[key];
});

describe('a bad IDEMPOTENCY_PERSISTENCE_LAYER fails the invocation the same way in every module, with no unhandled rejection', () => {
  const bad = { IDEMPOTENCY_TABLE_NAME: 'orders-idempotency', IDEMPOTENCY_PERSISTENCE_LAYER: 'bogus' };
  const modules: Array<[string, string, unknown]> = [
    ['sqs-worker', 'sqs-worker/example', sqsEvent([sqsRecord('m-1', '{"orderId":"o-1"}')])],
    ['stream-worker', 'stream-worker/example', { Records: [kinesisRecord(1, '{}')] }],
    ['scheduled-job', 'scheduled-job/example', { scheduleArn: SCHEDULE, scheduledTime: '2027-01-01T00:00:00Z', executionId: 'e-1', attemptNumber: '1' }],
    ['saga step', 'saga-state-machine/charge-payment', { step: 'ChargePayment', idempotencyKey: 'exec-1:ChargePayment', input: { orderId: 'o-1', total: 5 } }],
  ];

  test.each(modules)('%s (assets/%s)', (_name, bundle, event) => {
    expect(invokeInChild(bundle, event, bad)).toEqual({
      error: { name: 'IdempotencyConfigurationError', message: "IDEMPOTENCY_PERSISTENCE_LAYER must be 'http' or 'sdk' (given 'bogus')" },
      unhandled: [],
    });
  });

  test('the capture has teeth: a rejection left without a handler is reported', () => {
    expect(invokeInChild('sqs-worker/example', sqsEvent([]), {}, true)).toEqual({ error: null, unhandled: ['left unhandled'] });
  });
});

describe('bodies with the keys Powertools inspects are processed once each, on their own (dynalite)', () => {
  test('SQS: every record runs once, and a redelivery of the batch runs none again', async () => {
    const seen: string[] = [];
    const handler = createSqsWorkerHandler<{ orderId: string }>(async (body) => {
      seen.push(body.orderId);
      return { orderId: body.orderId };
    }, { idempotency: { tableName: 'wiring-sqs' } });
    const event = sqsEvent(INSPECTED_BODIES.map((body, i) => sqsRecord(`m-${i}`, JSON.stringify(body)))) as unknown as SQSEvent;
    await expect(handler(event as never, lambdaContext())).resolves.toEqual({ batchItemFailures: [] });
    await expect(handler(event as never, lambdaContext())).resolves.toEqual({ batchItemFailures: [] });
    expect(seen.sort()).toEqual(['o-1', 'o-2', 'o-3', 'o-4', 'o-5']);
    const records = await dynamo.client.send(new ScanCommand({ TableName: 'wiring-sqs' }));
    expect(records.Items?.map((i) => i.status.S)).toEqual(Array(5).fill('COMPLETED'));
  });

  test('Kinesis: every record runs once, and a redelivery runs none again', async () => {
    const seen: string[] = [];
    const handler = createStreamWorkerHandler<{ orderId: string }>(async (item) => {
      if (item.source === 'kinesis') seen.push(item.data.orderId);
    }, { idempotency: { tableName: 'wiring-kinesis' } });
    const event = { Records: INSPECTED_BODIES.map((body, i) => kinesisRecord(i + 1, JSON.stringify(body))) } as KinesisStreamEvent;
    await expect(handler(event, lambdaContext())).resolves.toEqual({ batchItemFailures: [] });
    await expect(handler(event, lambdaContext())).resolves.toEqual({ batchItemFailures: [] });
    expect(seen).toEqual(['o-1', 'o-2', 'o-3', 'o-4', 'o-5']);
  });

  test('DynamoDB Streams: every change runs once, and a redelivery runs none again', async () => {
    const seen: string[] = [];
    const handler = createStreamWorkerHandler(async (item) => {
      if (item.source === 'dynamodb') seen.push(String(item.newImage?.orderId));
    }, { idempotency: { tableName: 'wiring-ddb' } });
    const event = {
      Records: INSPECTED_BODIES.map((body, i) => dynamoDbRecord(i + 1, {
        eventName: 'INSERT', keys: { orderId: body.orderId },
        // Images hold strings and maps only (a function or a nested function value is not DynamoDB data).
        newImage: JSON.parse(JSON.stringify(body)),
      }, TABLE_STREAM)),
    } as DynamoDBStreamEvent;
    await expect(handler(event, lambdaContext())).resolves.toEqual({ batchItemFailures: [] });
    await expect(handler(event, lambdaContext())).resolves.toEqual({ batchItemFailures: [] });
    expect(seen).toEqual(['o-1', 'o-2', 'o-3', 'o-4', 'o-5']);
  });

  test('scheduled job: payloads with those keys run once per occurrence, each on its own', async () => {
    const seen: string[] = [];
    const job = createScheduledJobHandler(async (event) => {
      seen.push(String(event.orderId));
      return event.orderId;
    }, { idempotency: { tableName: 'wiring-job' } });
    const events = INSPECTED_BODIES.map((body, i): ScheduledJobEvent => ({
      ...body, scheduleArn: SCHEDULE, scheduledTime: `2027-01-0${i + 1}T00:00:00Z`, executionId: `e-${i}`, attemptNumber: '1',
    }));
    const output = captureOutput();
    try {
      for (const event of events) await expect(job(event, lambdaContext())).resolves.toBe(event.orderId);
      for (const event of events) await expect(job({ ...event, executionId: `${event.executionId}-retry`, attemptNumber: '2' }, lambdaContext())).resolves.toBe(event.orderId);
    } finally {
      output.restore();
    }
    expect(seen).toEqual(['o-1', 'o-2', 'o-3', 'o-4', 'o-5']);
    // One success metric per real run; the retries replayed the stored result and emit none.
    expect(output.logs.filter((line) => line.ScheduledJobSucceeded === 1)).toHaveLength(5);
  });
});
