import * as path from 'path';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';

const repoRoot = path.join(__dirname, '..', '..');

/**
 * Loads a bundled handler from assets/ (what ships and what Lambda runs), in a fresh module
 * registry so its module-scope clients see the environment the test set.
 */
export function loadBundledHandler<T = (event: unknown, context: Context) => Promise<unknown>>(name: string): T {
  const file = path.join(repoRoot, 'assets', ...name.split('/'), 'index.js');
  let handler: T | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    handler = require(file).handler;
  });
  if (!handler) throw new Error(`no handler export in ${file}; run npm run bundle`);
  return handler;
}

/** A Lambda context with a realistic remaining time. */
export function lambdaContext(functionName = 'test-function'): Context {
  const deadline = Date.now() + 30_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: `req-${Math.random().toString(16).slice(2)}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/24/[$LATEST]test',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** An SQS record as Lambda delivers it. */
export function sqsRecord(messageId: string, body: string, fifo?: { groupId: string; sequence: number }): SQSRecord {
  const arn = fifo ? 'arn:aws:sqs:us-east-1:123456789012:worker.fifo' : 'arn:aws:sqs:us-east-1:123456789012:worker';
  return {
    messageId,
    receiptHandle: `handle-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1764000000000',
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1764000000001',
      ...(fifo ? { MessageGroupId: fifo.groupId, SequenceNumber: String(fifo.sequence), MessageDeduplicationId: messageId } : {}),
    },
    messageAttributes: {},
    md5OfBody: 'md5',
    eventSource: 'aws:sqs',
    eventSourceARN: arn,
    awsRegion: 'us-east-1',
  };
}

export function sqsEvent(records: SQSRecord[]): SQSEvent {
  return { Records: records };
}
