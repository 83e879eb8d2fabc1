import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Size, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import {
  AsyncDestination, AsyncFunction, ConsumerFilter, FanOutPipeline, FanOutSource, HandlerCode, ProvisionedApi, SagaStateMachine, ServerlessCostReport, ServerlessCostReportResult, SqsWorker,
} from '../lib';
import { demoStack, envStack } from './guardrails-support';

/** Prices written out once here, independently of lib/cost/prices.ts (us-east-1, 2026-12-01). */
const LAMBDA_REQUEST = 0.20 / 1e6;
const ARM = 0.0000133334;
const X86 = 0.0000166667;
const PC_ARM = 0.0000033334;
const PC_DURATION_ARM = 0.0000077778;
const SQS = 0.40 / 1e6;
const SNS = 0.50 / 1e6;
const TRANSITION = 0.025 / 1000;
const EXPRESS_REQUEST = 1 / 1e6;
const EXPRESS_GBS = 0.00001667;
const WRU = 0.625 / 1e6;
const ALARM = 0.10;
const LOG_GB = 0.50;
const KMS_KEY = 1;
const KMS_REQUEST = 0.03 / 10000;
const HTTP_API = 1 / 1e6;
const DASHBOARD = 3;
const GIB = 1024 ** 3;
/** 5 pollers x 730 h x 3600 s / 20 s long polls. */
const EMPTY_RECEIVES = 5 * 730 * 3600 / 20;

function reportOf(app: App): ServerlessCostReportResult {
  const report = ServerlessCostReport.of(app);
  app.synth();
  return report.result!;
}

function totalOf(result: ServerlessCostReportResult, pathEnd: string): number {
  const found = result.constructs.filter((c) => c.path.endsWith(pathEnd));
  expect(found).toHaveLength(1);
  return found[0].monthlyCost;
}

/** An SQS worker's bill by hand: sends, receives of 10, batch deletes, idle polls, Lambda, logs, idempotency, alarms. */
function workerByHand(messages: number, seconds: number, memoryGb: number, perInvocation: number, alarms: number, gbPrice = ARM): number {
  const invocations = messages / perInvocation;
  const receives = messages / Math.min(10, perInvocation);
  return (messages + receives + receives + EMPTY_RECEIVES) * SQS
    + invocations * LAMBDA_REQUEST + messages * seconds * memoryGb * gbPrice
    + invocations * 1024 / GIB * LOG_GB
    + messages * 2 * WRU
    + alarms * ALARM;
}

describe('the demo app\'s report against an independent calculation', () => {
  let result: ServerlessCostReportResult;
  beforeAll(() => {
    const app = new App();
    demoStack(app);
    result = reportOf(app);
  });

  test('OrderWorker: 2M messages of 2 KB, 120 ms at 512 MB, batches of 10, idempotent', () => {
    expect(totalOf(result, '/OrderWorker')).toBeCloseTo(workerByHand(2_000_000, 0.12, 0.5, 10, 4), 9);
    const worker = result.constructs.find((c) => c.path.endsWith('/OrderWorker'))!;
    expect(worker.comparisons).toEqual([{
      subject: 'architecture', current: 'arm64', currentMonthlyCost: worker.monthlyCost,
      alternative: 'all functions on x86_64', alternativeMonthlyCost: expect.closeTo(workerByHand(2_000_000, 0.12, 0.5, 10, 4, X86), 9),
    }]);
  });

  test('UploadPipeline: 500k publishes to the KMS topic, three consumers with their own loads', () => {
    const expected = 500_000 * SNS
      + (730 * 3600 / 300) * 2 * KMS_REQUEST + KMS_KEY
      // virus-scan: every upload, 800 ms at 1 GB; text-extraction: 100k at 3 s, 2 GB; metadata-index: 450k at 40 ms, 20 per invocation
      + workerByHand(500_000, 0.8, 1, 10, 4 + 1)
      + workerByHand(100_000, 3, 2, 10, 4 + 1)
      + workerByHand(450_000, 0.04, 0.5, 20, 4 + 1);
    expect(totalOf(result, '/UploadPipeline')).toBeCloseTo(expected, 9);
  });

  test('CheckoutApi: 5M requests on provisioned concurrency, the scheduled warm pool', () => {
    // 5 warm on 261 weekdays of 2027 from 8:00 to 20:00 (12 h), 1 otherwise: 2.430137 on average
    const peakShare = 261 * 12 / 8760;
    const warm = 5 * peakShare + 1 * (1 - peakShare);
    const expected = 5_000_000 * HTTP_API + 5_000_000 * LAMBDA_REQUEST + 5_000_000 * 0.045 * 1 * PC_DURATION_ARM
      + warm * 1 * 730 * 3600 * PC_ARM
      + 5_000_000 * (1024 + 400) / GIB * LOG_GB
      // 5 alarms, the 5xx-rate alarm on 2 metrics
      + 6 * ALARM;
    expect(totalOf(result, '/CheckoutApi')).toBeCloseTo(expected, 9);
  });

  test('OrderSaga: 200k STANDARD executions of 10 transitions, 3 step functions; a callback step rules out EXPRESS', () => {
    // The happy path enters 10 states: Start, reserve-inventory, approve-order (callback),
    // charge-payment, create-shipment, the notify Parallel state, its 2 branch tasks, Check notify, Succeeded.
    // 4 tasks on the main path share the 1.5 s execution: 0.375 s per step function.
    const steps = 3 * (200_000 * LAMBDA_REQUEST + 200_000 * 0.375 * 0.25 * ARM + 200_000 * 1024 / GIB * LOG_GB);
    // history: 2 + 2 x 10 states + 3 x 4 tasks = 34 events of 400 bytes (no execution data for STANDARD)
    const rest = steps + 200_000 * 34 * 400 / GIB * LOG_GB + 3 * ALARM;
    const standard = 200_000 * 10 * TRANSITION + rest;
    expect(totalOf(result, '/OrderSaga')).toBeCloseTo(standard, 9);
    const saga = result.constructs.find((c) => c.path.endsWith('/OrderSaga'))!;
    // Step Functions runs no .waitForTaskToken in EXPRESS, so the report offers no EXPRESS price.
    expect(saga.comparisons.map((k) => k.subject)).toEqual(['architecture']);
  });

  test('UploadIndexer: 300k async events at 200 ms and 512 MB; the dashboard; the total', () => {
    const indexer = 300_000 * LAMBDA_REQUEST + 300_000 * 0.2 * 0.5 * ARM + 300_000 * 1024 / GIB * LOG_GB + 5 * ALARM;
    expect(totalOf(result, '/UploadIndexer')).toBeCloseTo(indexer, 9);
    expect(result.appLines.map((l) => [l.item, l.monthlyCost])).toEqual([['dashboards', DASHBOARD]]);
    const sum = result.constructs.reduce((t, c) => t + c.monthlyCost, 0) + DASHBOARD;
    expect(result.monthlyCost).toBeCloseTo(sum, 9);
    // Every construct with an expectedLoad is estimated; the saga's approval worker has none.
    expect(result.constructs.filter((c) => !c.estimated).map((c) => c.path)).toEqual(['ServerlessPatternsDemo/OrderSagaSteps/ApprovalWorker']);
    expect(result.constructs).toHaveLength(7);
  });
});

describe('ServerlessCostReport', () => {
  const worker = (stack: Stack, id: string, props: Partial<ConstructorParameters<typeof SqsWorker>[2]> = {}) =>
    new SqsWorker(stack, id, { handler: HandlerCode.bundled('sqs-worker/example'), ...props });

  test('writes serverless-cost.json into the cloud assembly folder and notes the table (printed under the CLI)', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'csp-cost-'));
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const saved = process.env.CDK_OUTDIR;
    process.env.CDK_OUTDIR = outdir;
    try {
      const app = new App({ outdir });
      const stack = envStack(app, 'Costed');
      worker(stack, 'Worker', { expectedLoad: { perMonth: 1_000_000 } });
      worker(stack, 'Unpriced');
      ServerlessCostReport.of(app);
      expect(app.synth().directory).toBe(outdir);
      const written = JSON.parse(fs.readFileSync(path.join(outdir, 'serverless-cost.json'), 'utf8')) as ServerlessCostReportResult;
      expect(written.constructs.map((c) => [c.path, c.estimated])).toEqual([['Costed/Worker', true], ['Costed/Unpriced', false]]);
      expect(written.pricesTakenOn).toBe('2026-12-01');
      const printed = write.mock.calls.map((c) => String(c[0])).join('');
      expect(printed).toContain('[cdk-serverless-patterns] Costed: monthly cost estimate: $');
      expect(printed).toContain('  Costed/Unpriced (SqsWorker): not estimated, no expectedLoad');
      expect(printed).toMatch(/ {4}SQS {13}SendMessage {41} +\$0\.40 {2}1,000,000 messages x 1 chunk\(s\) of 64 KB x \$0\.40 per million \(standard\)/);
    } finally {
      if (saved === undefined) delete process.env.CDK_OUTDIR; else process.env.CDK_OUTDIR = saved;
      write.mockRestore();
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('a FIFO worker without maxConcurrency: FIFO prices, 2 idle pollers, records per invocation capped at the batch size', () => {
    const app = new App();
    const stack = envStack(app, 'S');
    worker(stack, 'Fifo', { fifo: true, batchSize: 5, idempotency: { enabled: false }, alarmsEnabled: false,
      expectedLoad: { perMonth: 100_000, recordsPerInvocation: 8, payloadSize: Size.kibibytes(100) } });
    const [estimate] = reportOf(app).constructs;
    const q = Object.fromEntries(estimate.lines.map((l) => [l.item, l.quantity]));
    // 100 KB = 2 chunks per send; receives of 5 x 100 KB = 500 KB = 8 chunks
    expect(q).toEqual({
      'SendMessage': 200_000, 'ReceiveMessage': 20_000 * 8, 'DeleteMessageBatch': 20_000,
      'empty receives of the poller': 2 * 730 * 3600 / 20,
      'requests': 20_000, 'duration arm64': 100_000 * 0.1 * 0.5, 'ingestion (function logs)': 20_000 * 1024 / GIB,
    });
    expect(estimate.lines[0].unitPrice).toBe(0.50 / 1e6);
  });

  test('an EXPRESS saga is priced by requests and duration, and compared with STANDARD', () => {
    const app = new App();
    const stack = envStack(app, 'S');
    const fn = lambda.Function.fromFunctionArn(stack, 'Step', 'arn:aws:lambda:us-east-1:123456789012:function:step');
    new SagaStateMachine(stack, 'Saga', {
      type: sfn.StateMachineType.EXPRESS, alarmsEnabled: false, steps: [{ name: 'one', action: fn }],
      expectedLoad: { perMonth: 1_000_000, averageDuration: Duration.millis(250), logBytesPerInvocation: Size.bytes(2048) },
    });
    const [estimate] = reportOf(app).constructs;
    // 250 ms is billed as 300 ms at 64 MB; the imported step function is not priced.
    expect(estimate.lines.map((l) => [l.item, l.quantity])).toEqual([
      ['EXPRESS requests', 1_000_000], ['EXPRESS duration', 1_000_000 * 0.3 * 0.0625],
      ['ingestion (execution log, 11 events)', 1_000_000 * 2048 / GIB],
    ]);
    expect(estimate.lines[0].monthlyCost).toBeCloseTo(1_000_000 * EXPRESS_REQUEST, 9);
    expect(estimate.lines[1].monthlyCost).toBeCloseTo(1_000_000 * 0.3 * 0.0625 * EXPRESS_GBS, 9);
    // Start, one, Succeeded: 3 transitions per execution.
    expect(estimate.comparisons).toEqual([{
      subject: 'state machine type', current: 'EXPRESS', currentMonthlyCost: estimate.monthlyCost,
      alternative: 'STANDARD', alternativeMonthlyCost: expect.closeTo(1_000_000 * 3 * TRANSITION + 1_000_000 * 2048 / GIB * LOG_GB, 9),
    }]);
  });

  test('a ProvisionedApi prices the warm pool lib/provisioned-api computed (idleCost), on the report\'s price table', () => {
    const app = new App();
    const stack = envStack(app, 'S');
    const api = new ProvisionedApi(stack, 'Api', {
      handler: HandlerCode.bundled('provisioned-api/example'), provisionedConcurrency: 2, alarmsEnabled: false,
      expectedLoad: { perMonth: 0 },
    });
    const [estimate] = reportOf(app).constructs;
    const pool = estimate.lines.find((l) => l.item === 'provisioned concurrency arm64')!;
    expect(pool.quantity).toBe(api.idleCost!.gbSecondsPerMonth);
    expect(pool.monthlyCost).toBeCloseTo(2 * 0.5 * 730 * 3600 * PC_ARM, 9);
  });

  test('custom prices are used and said so; a consumer without a load of its own gets every published message', () => {
    const app = new App();
    const stack = envStack(app, 'S');
    new FanOutPipeline(stack, 'Pipeline', {
      alarmsEnabled: false,
      expectedLoad: { perMonth: 1_000_000 },
      consumers: [{ name: 'all', handler: HandlerCode.bundled('fan-out-pipeline/example'), worker: { idempotency: { enabled: false } } }],
    });
    const report = ServerlessCostReport.of(app, { prices: { snsPublishesPerMillion: 0.6 } });
    app.synth();
    const result = report.result!;
    expect(result.customPrices).toBe(true);
    const lines = result.constructs[0].lines;
    expect(lines.find((l) => l.service === 'SNS')!.monthlyCost).toBeCloseTo(0.6, 9);
    expect(lines.find((l) => l.item === 'SendMessage (all)')!.quantity).toBe(1_000_000);
  });

  test('every service a construct reaches: destinations, the redrive\'s polls, a queue key, a bus, NAT gateways', () => {
    const app = new App();
    const stack = envStack(app, 'S');
    const load = { perMonth: 1_000_000 };
    const topic = new sns.Topic(stack, 'Done');
    new AsyncFunction(stack, 'ToTopic', { handler: HandlerCode.bundled('async-function/example'), alarmsEnabled: false,
      onSuccess: AsyncDestination.toTopic(topic), redrive: false, onFailure: AsyncDestination.toQueue(new sqs.Queue(stack, 'Failed')), expectedLoad: load });
    new AsyncFunction(stack, 'ToQueue', { handler: HandlerCode.bundled('async-function/example'), alarmsEnabled: false,
      onSuccess: AsyncDestination.toQueue(new sqs.Queue(stack, 'Succeeded')), redriveEnabled: true, expectedLoad: load });
    worker(stack, 'Encrypted', { encryptionKey: new kms.Key(stack, 'Key'), alarmsEnabled: false, idempotency: { enabled: false }, expectedLoad: load });
    new FanOutPipeline(stack, 'OnBus', {
      source: FanOutSource.eventBus(), alarmsEnabled: false, expectedLoad: load,
      consumers: [{ name: 'audit', handler: HandlerCode.bundled('fan-out-pipeline/example'), worker: { idempotency: { enabled: false } },
        filter: ConsumerFilter.eventPattern({ source: ['app.orders'] }) }],
    });
    new ec2.Vpc(stack, 'Vpc', { natGateways: 2, maxAzs: 2 });
    const result = reportOf(app);
    const items = (end: string) => result.constructs.find((c) => c.path.endsWith(end))!.lines.map((l) => `${l.service} ${l.item} ${l.quantity}`);
    expect(items('/ToTopic')).toContain('SNS publishes (on-success destination) 1000000');
    expect(items('/ToQueue')).toEqual(expect.arrayContaining([
      'SQS SendMessage (on-success destination) 1000000',
      `SQS empty receives of the poller (redrive) ${EMPTY_RECEIVES}`,
    ]));
    // SQS's formula: (2 x 1 producer + 1 consumer) per 300 s data key period
    expect(items('/Encrypted')).toContain(`KMS requests (queue) ${730 * 3600 / 300 * 3}`);
    // The key is created outside the worker: billed where it is defined, not here.
    expect(items('/Encrypted').filter((l) => l.startsWith('KMS keys'))).toEqual([]);
    expect(items('/OnBus')).toEqual(expect.arrayContaining(['EventBridge custom events 1000000', 'SQS SendMessage (audit) 1000000']));
    expect(result.appLines.map((l) => `${l.item} ${l.quantity} ${l.monthlyCost.toFixed(2)}`)).toEqual(['NAT gateway hours 1460 65.70']);
  });

  test('an expected load that cannot be priced fails with the construct path, the prop and the fix', () => {
    const app = new App();
    const stack = envStack(app, 'S');
    worker(stack, 'Worker', { expectedLoad: { perMonth: -5 } });
    ServerlessCostReport.of(app);
    expect(() => app.synth()).toThrow("S/Worker: invalid prop 'expectedLoad.perMonth': must be a number of 0 or more (given -5). "
      + 'Fix: set perMonth to the messages, requests, events or executions you expect per month');
  });
});
