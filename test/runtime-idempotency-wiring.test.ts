/**
 * The runtime's one idempotency wiring (packages/runtime/src/idempotency/runner.ts), module by
 * module: the SQS worker, the stream worker, the scheduled job and the saga step handlers.
 *
 * - A bad configuration fails the invocation with the same clear error everywhere, with no unhandled
 *   rejection: test/runtime-idempotency-wiring.e2e.test.ts (it loads the bundles in child processes).
 * - Bodies carrying the keys Powertools 2.35's makeIdempotent inspects on its second argument
 *   (`step`, `durableExecutionArn`, `durableExecutionMode`, `lambdaContext`,
 *   `getRemainingTimeInMillis`) are processed once each, on their own, and not again when delivered
 *   again (issue 24 item 3: a body with `step` used to fail the whole batch).
 */
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
