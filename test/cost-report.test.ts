import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Annotations, App, Duration, Size, Stack, TimeZone } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import {
  AsyncDestination, AsyncFunction, ConsumerFilter, FanOutPipeline, FanOutSource, HandlerCode, ProvisionedApi, SagaStateMachine, ServerlessCostReport, ServerlessCostReportResult, SqsWorker,
  JobSchedule, ScheduledJob, ScheduledJobTarget, StreamSource, StreamWorker,
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
const KINESIS_STREAM_HOUR = 0.04;
const KINESIS_GB_IN = 0.08;
const KINESIS_GB_OUT = 0.04;
const SCHEDULER = 1 / 1e6;
const S3_PUT = 0.005 / 1000;
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

/** INIT billed since 2025-08-01: 1% of invocations are cold starts of 110 ms each (the defaults). */
function initByHand(invocations: number, memoryGb: number, gbPrice = ARM): number {
  return invocations * 0.01 * 0.11 * memoryGb * gbPrice;
}

/** An SQS worker's bill by hand: sends, receives of 10, batch deletes, idle polls, Lambda, logs, idempotency, alarms. */
function workerByHand(messages: number, seconds: number, memoryGb: number, perInvocation: number, alarms: number, gbPrice = ARM): number {
  const invocations = messages / perInvocation;
  const receives = messages / Math.min(10, perInvocation);
  return (messages + receives + receives + EMPTY_RECEIVES) * SQS
    + invocations * LAMBDA_REQUEST + messages * seconds * memoryGb * gbPrice + initByHand(invocations, memoryGb, gbPrice)
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
    expect(totalOf(result, '/OrderWorker')).toBeCloseTo(workerByHand(2_000_000, 0.12, 0.5, 10, 5), 9);
    const worker = result.constructs.find((c) => c.path.endsWith('/OrderWorker'))!;
    expect(worker.comparisons).toEqual([{
      subject: 'architecture', current: 'arm64', currentMonthlyCost: worker.monthlyCost,
      alternative: 'all functions on x86_64', alternativeMonthlyCost: expect.closeTo(workerByHand(2_000_000, 0.12, 0.5, 10, 5, X86), 9),
    }]);
  });

  test('UploadPipeline: 500k publishes to the KMS topic, three consumers with their own loads', () => {
    const expected = 500_000 * SNS
      + (730 * 3600 / 300) * 2 * KMS_REQUEST + KMS_KEY
      // virus-scan: every upload, 800 ms at 1 GB; text-extraction: 100k at 3 s, 2 GB; metadata-index: 450k at 40 ms, 20 per invocation
      + workerByHand(500_000, 0.8, 1, 10, 5 + 1)
      + workerByHand(100_000, 3, 2, 10, 5 + 1)
      + workerByHand(450_000, 0.04, 0.5, 20, 5 + 1);
    expect(totalOf(result, '/UploadPipeline')).toBeCloseTo(expected, 9);
  });

  test('CheckoutApi: 5M requests on provisioned concurrency, the scheduled warm pool', () => {
    // 5 warm on 261 weekdays of 2027 from 8:00 to 20:00 (12 h), 1 otherwise: 2.430137 on average
    const peakShare = 261 * 12 / 8760;
    const warm = 5 * peakShare + 1 * (1 - peakShare);
    const expected = 5_000_000 * HTTP_API + 5_000_000 * LAMBDA_REQUEST + 5_000_000 * 0.045 * 1 * PC_DURATION_ARM
      + warm * 1 * 730 * 3600 * PC_ARM
      + 5_000_000 * (1024 + 400) / GIB * LOG_GB
      // 6 alarms, the 5xx-rate alarm on 2 metrics
      + 7 * ALARM;
    expect(totalOf(result, '/CheckoutApi')).toBeCloseTo(expected, 9);
  });

  test('OrderSaga: 200k STANDARD executions of 10 transitions, 3 step functions; a callback step rules out EXPRESS', () => {
    // The happy path enters 10 states: Start, reserve-inventory, approve-order (callback),
    // charge-payment, create-shipment, the notify Parallel state, its 2 branch tasks, Check notify, Succeeded.
    // 5 sequential slots (4 tasks and the notify group) share the 1.5 s execution: 0.3 s per step function.
    const steps = 3 * (200_000 * LAMBDA_REQUEST + 200_000 * 0.3 * 0.25 * ARM + initByHand(200_000, 0.25) + 200_000 * 1024 / GIB * LOG_GB);
    // history: 2 + 2 x 10 states + 3 x 6 tasks (the 2 branch tasks included) = 40 events of 400 bytes (no execution data for STANDARD)
    const rest = steps + 200_000 * 40 * 400 / GIB * LOG_GB + 3 * ALARM;
    const standard = 200_000 * 10 * TRANSITION + rest;
    expect(totalOf(result, '/OrderSaga')).toBeCloseTo(standard, 9);
    const saga = result.constructs.find((c) => c.path.endsWith('/OrderSaga'))!;
    // Step Functions runs no .waitForTaskToken in EXPRESS, so the report offers no EXPRESS price.
    expect(saga.comparisons.map((k) => k.subject)).toEqual(['architecture']);
  });

  test('OrdersProjector: 1M DynamoDB stream records at 30 ms and 512 MB, 10 per invocation; Lambda reads the stream free', () => {
    const invocations = 1_000_000 / 10;
    const expected = invocations * LAMBDA_REQUEST + 1_000_000 * 0.03 * 0.5 * ARM + initByHand(invocations, 0.5)
      + invocations * 1024 / GIB * LOG_GB + 1_000_000 * 2 * WRU + 6 * ALARM;
    expect(totalOf(result, '/OrdersProjector')).toBeCloseTo(expected, 9);
    const lines = result.constructs.find((c) => c.path.endsWith('/OrdersProjector'))!.lines;
    expect(lines.filter((l) => l.service === 'DynamoDB Streams' || l.service === 'S3').map((l) => [l.item, l.monthlyCost, l.formula])).toEqual([
      ['GetRecords by Lambda', 0, 'about 100,000 reads (one per batch) x $0: reads by Lambda are free'],
      ['PUT requests', 0, '0 failure objects (the expectedLoad gives no failureRate) x $0.005 per 1,000'],
    ]);
  });

  test('OrderEventsWorker: 3M records of 2 KB on the on-demand stream it created, batches of 100, 1 in 10,000 failing', () => {
    const invocations = 3_000_000 / 100;
    // 2 KB per record (rounded up to whole KB), written once and read once by the mapping
    const gb = 3_000_000 * 2 / (1024 * 1024);
    const expected = invocations * LAMBDA_REQUEST + 3_000_000 * 0.015 * 0.5 * ARM + initByHand(invocations, 0.5)
      + invocations * 1024 / GIB * LOG_GB
      + 730 * KINESIS_STREAM_HOUR + gb * KINESIS_GB_IN + gb * KINESIS_GB_OUT
      + 3_000_000 * 2 * WRU + 300 * S3_PUT + 6 * ALARM;
    expect(totalOf(result, '/OrderEventsWorker')).toBeCloseTo(expected, 9);
  });

  test('NightlyReport: a daily cron runs 365.25 / 12 times a month, 90 s at 256 MB, idempotent, DLQ idle', () => {
    const runs = 365.25 / 12;
    const expected = runs * SCHEDULER + runs * LAMBDA_REQUEST + runs * 90 * 0.25 * ARM + initByHand(runs, 0.25) + runs * 1024 / GIB * LOG_GB
      + runs * 2 * WRU + 7 * ALARM;
    expect(totalOf(result, '/NightlyReport')).toBeCloseTo(expected, 9);
    const lines = result.constructs.find((c) => c.path.endsWith('/NightlyReport'))!.lines;
    expect(lines[0].formula).toMatch(/^cron\(30 3 \* \* \? \*\): 10,227 days in 28 years from \d{4} x 1 run\(s\) a day \/ 336 months = 30\.44 runs x \$1\.00 per million/);
    expect(lines.find((l) => l.item === 'dead-letter queue (idle)')!.monthlyCost).toBe(0);
  });

  test('UploadIndexer: 300k async events at 200 ms and 512 MB; the dashboard; the total', () => {
    const indexer = 300_000 * LAMBDA_REQUEST + 300_000 * 0.2 * 0.5 * ARM + initByHand(300_000, 0.5) + 300_000 * 1024 / GIB * LOG_GB
      + 7 * ALARM;
    expect(totalOf(result, '/UploadIndexer')).toBeCloseTo(indexer, 9);
    expect(result.appLines.map((l) => [l.item, l.monthlyCost])).toEqual([['dashboards', DASHBOARD]]);
    const sum = result.constructs.reduce((t, c) => t + c.monthlyCost, 0) + DASHBOARD;
    expect(result.monthlyCost).toBeCloseTo(sum, 9);
    // Every construct with an expectedLoad is estimated; the saga's approval worker has none.
    expect(result.constructs.filter((c) => !c.estimated).map((c) => c.path)).toEqual(['ServerlessPatternsDemo/OrderSagaSteps/ApprovalWorker']);
    expect(result.constructs).toHaveLength(11);
  });
});

describe('ServerlessCostReport', () => {
  const worker = (stack: Stack, id: string, props: Partial<ConstructorParameters<typeof SqsWorker>[2]> = {}) =>
    new SqsWorker(stack, id, { handler: HandlerCode.bundled('sqs-worker/example'), ...props });

  test('writes serverless-cost.json into the cloud assembly folder and, asked for the table, notes it', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'csp-cost-'));
    try {
      const app = new App({ outdir, context: { 'cdk-serverless-patterns:costTable': 'true' } });
      const stack = envStack(app, 'Costed');
      worker(stack, 'Worker', { expectedLoad: { perMonth: 1_000_000 } });
      worker(stack, 'Unpriced');
      ServerlessCostReport.of(app);
      expect(app.synth().directory).toBe(outdir);
      const written = JSON.parse(fs.readFileSync(path.join(outdir, 'serverless-cost.json'), 'utf8')) as ServerlessCostReportResult;
      expect(written.constructs.map((c) => [c.path, c.estimated])).toEqual([['Costed/Worker', true], ['Costed/Unpriced', false]]);
      expect(written.pricesTakenOn).toBe('2026-12-07');
      const notes = stack.node.metadata.filter((m) => m.type === 'aws:cdk:info').map((m) => String(m.data));
      expect(notes).toHaveLength(1);
      expect(notes[0]).toMatch(/^monthly cost estimate: \$/);
      expect(notes[0]).toContain('\n  Costed/Unpriced (SqsWorker): not estimated, no expectedLoad\n');
      expect(notes[0]).toMatch(/ {4}SQS {13}SendMessage {41} +\$0\.40 {2}1,000,000 messages x 1 chunk\(s\) of 64 KB x \$0\.40 per million \(standard\)/);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('acknowledgeInfo on the stack before synth silences its cost note (on every aws-cdk-lib of the peer range)', () => {
    const notesOf = (acknowledge: boolean) => {
      const app = new App();
      const stack = envStack(app, 'Costed');
      worker(stack, 'Worker', { expectedLoad: { perMonth: 1_000_000 } });
      ServerlessCostReport.of(app);
      if (acknowledge) Annotations.of(stack).acknowledgeInfo('cdk-serverless-patterns:ServerlessCostReport.table', 'seen in review');
      app.synth();
      return stack.node.metadata.filter((m) => m.type === 'aws:cdk:info').map((m) => String(m.data));
    };
    expect(notesOf(false)).toEqual([expect.stringMatching(/^monthly cost estimate: \$/)]);
    expect(notesOf(true)).toEqual([]);
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
      'requests': 20_000, 'duration arm64': 100_000 * 0.1 * 0.5, 'INIT duration arm64': 20_000 * 0.01 * 0.11 * 0.5,
      'ingestion (function logs)': 20_000 * 1024 / GIB,
    });
    expect(estimate.lines[0].unitPrice).toBe(0.50 / 1e6);
  });

  test('an EXPRESS saga is priced by requests and duration, and compared with STANDARD', () => {
    const app = new App();
    const stack = envStack(app, 'S');
    const fn = lambda.Function.fromFunctionArn(stack, 'Step', 'arn:aws:lambda:us-east-1:123456789012:function:step');
    new SagaStateMachine(stack, 'Saga', {
      stateMachineType: sfn.StateMachineType.EXPRESS, alarmsEnabled: false, steps: [{ name: 'one', action: fn }],
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

  test('ScheduledJob runs come from the schedule: a rate, a weekday cron, one time, disabled, or perMonth', () => {
    const app = new App();
    const stack = envStack(app, 'S');
    const target = ScheduledJobTarget.stateMachine(sfn.StateMachine.fromStateMachineName(stack, 'Sm', 'sm'));
    const job = (id: string, schedule: scheduler.ScheduleExpression, more: object = {}) => new ScheduledJob(stack, id, {
      schedule, target, alarmsEnabled: false, expectedLoad: {}, ...more,
    });
    job('Rate', JobSchedule.rate(Duration.hours(6)));
    job('Weekdays', JobSchedule.cron('0 6 ? * MON-FRI *'), { timeZone: TimeZone.AMERICA_NEW_YORK });
    job('Once', JobSchedule.at(new Date(Date.now() + 86_400_000)));
    job('Off', JobSchedule.rate(Duration.minutes(5)), { enabled: false });
    job('Given', JobSchedule.rate(Duration.minutes(1)), { expectedLoad: { perMonth: 1000 } });
    worker(stack, 'Restock', { alarmsEnabled: false, expectedLoad: { perMonth: 0 } });
    const result = reportOf(app);
    const lines = (end: string) => result.constructs.find((c) => c.path.endsWith(end))!.lines;
    const runs = (end: string) => lines(end)[0].quantity;
    expect(runs('/Rate')).toBeCloseTo(730 / 6, 9);
    // 1,461 weeks in 28 years, 5 weekdays each, over 336 months
    expect(runs('/Weekdays')).toBeCloseTo(1461 * 5 / 336, 9);
    expect(runs('/Once')).toBe(1);
    expect(runs('/Off')).toBe(0);
    expect(runs('/Given')).toBe(1000);
    // A state machine target is priced where it is defined: Scheduler and the idle DLQ only.
    expect(lines('/Rate').map((l) => `${l.service} ${l.item}`)).toEqual(['EventBridge Scheduler invocations', 'SQS dead-letter queue (idle)']);
    expect(lines('/Rate')[0].monthlyCost).toBeCloseTo(730 / 6 * SCHEDULER, 12);
  });

  test('a ScheduledJob feeding an SqsWorker pays one SendMessage per run; its function target runs once per run', () => {
    const app = new App();
    const stack = envStack(app, 'S');
    const restock = worker(stack, 'Restock', { alarmsEnabled: false });
    new ScheduledJob(stack, 'ToQueue', { schedule: JobSchedule.rate(Duration.hours(1)), target: ScheduledJobTarget.sqsWorker(restock),
      alarmsEnabled: false, expectedLoad: {} });
    new ScheduledJob(stack, 'Fn', { schedule: JobSchedule.rate(Duration.days(1)), alarmsEnabled: false,
      target: ScheduledJobTarget.handler(HandlerCode.bundled('scheduled-job/example'), { memorySize: 1024, idempotency: false }),
      expectedLoad: { averageDuration: Duration.seconds(10) } });
    const result = reportOf(app);
    const items = (end: string) => result.constructs.find((c) => c.path.endsWith(end))!.lines.map((l) => `${l.service} ${l.item} ${l.quantity}`);
    expect(items('/ToQueue')).toContain('SQS SendMessage (to the target queue) 730');
    // 730 / 24 runs x 10 s x 1 GB
    expect(items('/Fn')).toEqual(expect.arrayContaining(['Lambda requests 30.416666666666668', `Lambda duration arm64 ${730 / 24 * 10}`]));
    expect(items('/Fn').filter((l) => l.startsWith('DynamoDB'))).toEqual([]);
    expect(result.constructs.find((c) => c.path.endsWith('/Restock'))!.estimated).toBe(false);
  });

  test('a StreamWorker on a given stream: reads of an on-demand stream only; a provisioned stream\'s reads are free', () => {
    const app = new App();
    const stack = envStack(app, 'S');
    const onDemand = new kinesis.Stream(stack, 'OnDemand', { streamMode: kinesis.StreamMode.ON_DEMAND });
    const provisioned = new kinesis.Stream(stack, 'Provisioned', { shardCount: 2 });
    const load = { perMonth: 1_048_576, payloadSize: Size.bytes(1500), failureRate: 0.5 };
    const stream = (id: string, source: StreamSource) => new StreamWorker(stack, id, {
      handler: HandlerCode.bundled('stream-worker/example'), source, alarmsEnabled: false, idempotency: { enabled: false }, expectedLoad: load,
    });
    stream('ReadsOnDemand', StreamSource.kinesis(onDemand));
    stream('ReadsProvisioned', StreamSource.kinesis(provisioned));
    const result = reportOf(app);
    const lines = (end: string) => result.constructs.find((c) => c.path.endsWith(end))!.lines;
    // 1,048,576 records of 1,500 bytes count 2 KB each = 2 GB read; the stream-hour and writes belong to the stream's owner.
    expect(lines('/ReadsOnDemand').filter((l) => l.service === 'Kinesis').map((l) => [l.item, l.quantity, l.monthlyCost]))
      .toEqual([['on-demand data read', 2, 2 * KINESIS_GB_OUT]]);
    expect(lines('/ReadsProvisioned').filter((l) => l.service === 'Kinesis')).toEqual([]);
    // Half the records fail: one failure object each in the created bucket.
    expect(lines('/ReadsProvisioned').find((l) => l.service === 'S3')!.monthlyCost).toBeCloseTo(524_288 * S3_PUT, 12);
  });

  test('an expected load that cannot be priced fails with the construct path, the prop and the fix', () => {
    const app = new App();
    const stack = envStack(app, 'S');
    worker(stack, 'Worker', { expectedLoad: { perMonth: -5 } });
    ServerlessCostReport.of(app);
    expect(() => app.synth()).toThrow("S/Worker: invalid prop 'expectedLoad.perMonth': must be a number of 0 or more (given -5). "
      + 'Fix: set perMonth to the messages, requests, events or executions you expect per month');
  });

  test('perMonth is required except for a ScheduledJob; a failure rate must lie between 0 and 1', () => {
    const app = new App();
    const stack = envStack(app, 'S');
    worker(stack, 'Worker', { expectedLoad: {} });
    ServerlessCostReport.of(app);
    expect(() => app.synth()).toThrow("S/Worker: invalid prop 'expectedLoad.perMonth': is required here (given none). "
      + 'Fix: set perMonth to the messages, requests, events, executions or records you expect per month');
    const app2 = new App();
    new StreamWorker(envStack(app2, 'T'), 'Stream', { handler: HandlerCode.bundled('stream-worker/example'),
      expectedLoad: { perMonth: 10, failureRate: 2 } });
    ServerlessCostReport.of(app2);
    expect(() => app2.synth()).toThrow("T/Stream: invalid prop 'expectedLoad.failureRate': must be between 0 and 1 (given 2). "
      + 'Fix: set failureRate to the share of records that fail for good, e.g. 0.001');
  });
});
