/**
 * The runtime's one idempotency wiring (packages/runtime/src/idempotency/runner.ts): a bad
 * configuration fails the invocation with the same clear error in every module (SQS worker, stream
 * worker, scheduled job, saga step), and never leaves an unhandled promise rejection behind at load
 * (which would end the execution environment). Each bundle runs in its own `node` process, so this
 * suite is in the e2e project; test/runtime-idempotency-wiring.test.ts has the in-process part.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { sqsEvent, sqsRecord } from './support/lambda';
import { kinesisRecord } from './support/stream-events';

const SCHEDULE = 'arn:aws:scheduler:us-east-1:123456789012:schedule/g/nightly';

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
