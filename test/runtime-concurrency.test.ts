/**
 * Invocations that run at once in one execution environment (Lambda Managed Instances) on one
 * loaded handler: the Lambda context each record sees, the idempotency records written for it (their
 * in-progress expiry comes from its own invocation's remaining time) and the keys on its log lines
 * stay with its own invocation. Also: an SQS record's MessageGroupId on a standard queue (a fair
 * queue's tenant) is on each of that record's log lines as `tenantId`.
 */
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, SQSRecord } from 'aws-lambda';
import { lambdaContext, sqsEvent, sqsRecord } from './support/lambda';
import { LocalDynamo, startLocalDynamo } from './support/dynalite';
import { captureOutput } from './support/output';
import { currentInvocation } from '../packages/runtime/src/invocation';
import { logger } from '../packages/runtime/src/logger';
import { createScheduledJobHandler } from '../packages/runtime/src/scheduled-job';
import { createSqsWorkerHandler } from '../packages/runtime/src/sqs-worker';

/** A context whose invocation ends at `deadline` (epoch ms). */
function contextWith(requestId: string, deadline: number): Context {
  return { ...lambdaContext('concurrent'), awsRequestId: requestId, getRemainingTimeInMillis: () => deadline - Date.now() };
}

/** Powertools sets a record's in-progress expiry to now + the remaining time: the invocation's deadline, to a few ms. */
function expectDeadline(expiry: number, deadline: number) {
  expect(Math.abs(expiry - deadline)).toBeLessThan(50);
}

/** A record of a standard queue whose producer set a MessageGroupId (the tenant of a fair queue). */
function tenantRecord(messageId: string, tenant: string): SQSRecord {
  const record = sqsRecord(messageId, JSON.stringify({ messageId }));
  return { ...record, attributes: { ...record.attributes, MessageGroupId: tenant } };
}

/** Resolves once `count` calls have arrived; every call waits until then. */
function barrier(count: number) {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => { open = resolve; });
  return async () => {
    arrived += 1;
    if (arrived === count) open();
    await opened;
  };
}

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
  await dynamo.createIdempotencyTable('concurrent-sqs');
  await dynamo.createIdempotencyTable('concurrent-job');
  logger.setLogLevel('INFO');
});
afterAll(async () => {
  logger.setLogLevel('SILENT');
  await dynamo.stop();
});

test('SQS: two invocations interleaved on one handler keep their contexts, idempotency records and log keys', async () => {
  // Every record of both invocations is in flight before any finishes.
  const allInFlight = barrier(4);
  const seen: Array<{ messageId: string; context: string; scope: string | undefined }> = [];
  const handler = createSqsWorkerHandler<{ messageId: string }>(async (body, _record, context) => {
    logger.info('processing');
    await allInFlight();
    seen.push({ messageId: body.messageId, context: context.awsRequestId, scope: currentInvocation()?.context.awsRequestId });
    logger.info('processed');
    return { messageId: body.messageId };
  }, { idempotency: { tableName: 'concurrent-sqs' } });

  const deadlines = { A: Date.now() + 20_000, B: Date.now() + 600_000 };
  const out = captureOutput();
  let responses: unknown[];
  try {
    responses = await Promise.all([
      handler(sqsEvent([tenantRecord('a-1', 'tenant-a'), tenantRecord('a-2', 'tenant-a')]) as never, contextWith('req-A', deadlines.A)),
      handler(sqsEvent([tenantRecord('b-1', 'tenant-b'), tenantRecord('b-2', 'tenant-b')]) as never, contextWith('req-B', deadlines.B)),
    ]);
  } finally {
    out.restore();
  }
  expect(responses).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);

  // Contexts: the record function's argument and the invocation scope are the record's own invocation.
  const requestOf = (messageId: string) => (messageId.startsWith('a-') ? 'req-A' : 'req-B');
  expect(seen).toHaveLength(4);
  for (const s of seen) expect(s).toEqual({ messageId: s.messageId, context: requestOf(s.messageId), scope: requestOf(s.messageId) });

  // Idempotency records: the in-progress expiry of each is its own invocation's deadline.
  const items = ((await dynamo.client.send(new ScanCommand({ TableName: 'concurrent-sqs' }))).Items ?? []).map((i) => unmarshall(i));
  const expiryByMessage = Object.fromEntries(items.map((i) => [i.data.messageId, i.in_progress_expiration]));
  expect(Object.keys(expiryByMessage).sort()).toEqual(['a-1', 'a-2', 'b-1', 'b-2']);
  for (const id of ['a-1', 'a-2']) expectDeadline(expiryByMessage[id], deadlines.A);
  for (const id of ['b-1', 'b-2']) expectDeadline(expiryByMessage[id], deadlines.B);

  // Log lines: each record's lines carry its own request id, message id and tenant.
  const recordLines = out.logs.filter((l) => l.message === 'processing' || l.message === 'processed');
  expect(recordLines).toHaveLength(8);
  for (const line of recordLines) {
    const messageId = String(line.messageId);
    expect({ request: line.function_request_id, tenant: line.tenantId, fn: line.function_name }).toEqual({
      request: requestOf(messageId), tenant: messageId.startsWith('a-') ? 'tenant-a' : 'tenant-b', fn: 'concurrent',
    });
  }
});

test('SQS: a FIFO record logs its group as messageGroupId (an ordering group, not a tenant)', async () => {
  const handler = createSqsWorkerHandler(async () => { logger.info('processing'); }, { fifo: true, idempotency: false });
  const out = captureOutput();
  try {
    await handler(sqsEvent([sqsRecord('f-1', '{}', { groupId: 'g-1', sequence: 1 })]) as never, contextWith('req-F', Date.now() + 10_000));
  } finally {
    out.restore();
  }
  const line = out.logs.find((l) => l.message === 'processing');
  expect(line).toMatchObject({ messageId: 'f-1', messageGroupId: 'g-1', function_request_id: 'req-F' });
  expect(line).not.toHaveProperty('tenantId');
});

test('scheduled job: two occurrences interleaved on one handler keep their contexts, records and log keys', async () => {
  const bothRunning = barrier(2);
  const handler = createScheduledJobHandler(async (event, context) => {
    logger.info('job running');
    await bothRunning();
    return { scheduledTime: event.scheduledTime, context: context.awsRequestId, scope: currentInvocation()?.context.awsRequestId };
  }, { idempotency: { tableName: 'concurrent-job' }, jobName: 'concurrent-job' });
  const occurrence = (scheduledTime: string) => ({ scheduleArn: 'arn:aws:scheduler:us-east-1:123456789012:schedule/g/j', scheduledTime, executionId: `e-${scheduledTime}` });
  const deadlines = { 'req-1': Date.now() + 30_000, 'req-2': Date.now() + 700_000 };
  const out = captureOutput();
  let results: unknown[];
  try {
    results = await Promise.all([
      handler(occurrence('2027-01-01T00:00:00Z'), contextWith('req-1', deadlines['req-1'])),
      handler(occurrence('2027-01-02T00:00:00Z'), contextWith('req-2', deadlines['req-2'])),
    ]);
  } finally {
    out.restore();
  }
  expect(results).toEqual([
    { scheduledTime: '2027-01-01T00:00:00Z', context: 'req-1', scope: 'req-1' },
    { scheduledTime: '2027-01-02T00:00:00Z', context: 'req-2', scope: 'req-2' },
  ]);
  const items = ((await dynamo.client.send(new ScanCommand({ TableName: 'concurrent-job' }))).Items ?? []).map((i) => unmarshall(i));
  const expiry = Object.fromEntries(items.map((i) => [i.data.context, i.in_progress_expiration]));
  expect(Object.keys(expiry).sort()).toEqual(['req-1', 'req-2']);
  expectDeadline(expiry['req-1'], deadlines['req-1']);
  expectDeadline(expiry['req-2'], deadlines['req-2']);
  const running = out.logs.filter((l) => l.message === 'job running').map((l) => [l.function_request_id, l.scheduledTime]);
  expect(running.sort()).toEqual([['req-1', '2027-01-01T00:00:00Z'], ['req-2', '2027-01-02T00:00:00Z']]);
});
