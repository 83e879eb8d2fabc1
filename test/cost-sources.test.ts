import { App, Duration, Size, Stack } from 'aws-cdk-lib';
import { AsyncFunction, HandlerCode, ServerlessCostReport, ServerlessCostReportResult, SqsWorker, StreamWorker } from '../lib';
import { lambdaLogTierDiscount } from '../lib/cost/model';
import { PRICE_SOURCES, US_EAST_1_PRICES } from '../lib/cost/prices';
import { renderCostTable } from '../lib/cost/table';

const ARM = 0.0000133334;
const UNCONFIRMED = ['provisionedDurationArm64PerGbSecond', 'lambdaLogsNext20TbPerGb', 'lambdaLogsAfter30TbPerGb',
  'lambdaLogsOver50TbPerGb', 'sqsEventPollerUnitPerHour', 'kinesisOnDemandAdvantageDataInPerGb', 'kinesisOnDemandAdvantageDataOutPerGb',
  'durableDataWrittenPerGb', 'durableDataRetainedPerGbMonth'];

function appWith(build: (stack: Stack) => void, props: Parameters<typeof ServerlessCostReport.of>[1] = {}): ServerlessCostReportResult {
  const app = new App();
  build(new Stack(app, 'S', { env: { account: '123456789012', region: 'us-east-1' } }));
  const report = ServerlessCostReport.of(app, props);
  app.synth();
  return report.result!;
}

const worker = (stack: Stack, props: Partial<ConstructorParameters<typeof SqsWorker>[2]> = {}) =>
  new SqsWorker(stack, 'Worker', { handler: HandlerCode.bundled('sqs-worker/example'), alarmsEnabled: false, idempotency: { enabled: false },
    ...props });

describe('every default price has a source and the day it was read', () => {
  test('one source per price, a URL or a named in-repo source, dated', () => {
    expect(Object.keys(PRICE_SOURCES).sort()).toEqual(Object.keys(US_EAST_1_PRICES).sort());
    for (const [key, source] of Object.entries(PRICE_SOURCES)) {
      expect({ key, ok: /^(https:\/\/|seeds|lib\/provisioned-api)/.test(source.source) && /^2026-\d\d-\d\d$/.test(source.read) })
        .toEqual({ key, ok: true });
    }
  });

  test('the report names the unconfirmed defaults it uses, in the JSON and in the printed table', () => {
    const result = appWith((s) => worker(s, { expectedLoad: { perMonth: 1000 } }));
    expect(result.unconfirmedPrices.sort()).toEqual([...UNCONFIRMED].sort());
    expect(renderCostTable(result).split('\n').pop()).toBe('  unconfirmed prices (as remembered, no page found to confirm; override them '
      + `in prices): ${result.unconfirmedPrices.join(', ')}`);
  });

  test('a price the user sets is theirs: it leaves the unconfirmed list', () => {
    const result = appWith((s) => worker(s, { expectedLoad: { perMonth: 1000 } }), { prices: { sqsEventPollerUnitPerHour: 0.2 } });
    expect(result.unconfirmedPrices).not.toContain('sqsEventPollerUnitPerHour');
    expect(result.unconfirmedPrices).toHaveLength(UNCONFIRMED.length - 1);
  });
});

describe('INIT billing (since 2025-08-01)', () => {
  test('defaults: 1% cold starts of 110 ms at the function memory', () => {
    const result = appWith((s) => worker(s, { expectedLoad: { perMonth: 1_000_000 } }));
    const init = result.constructs[0].lines.find((l) => l.item === 'INIT duration arm64')!;
    // 1M messages / 10 per batch = 100k invocations; 1% cold: 1,000 x 0.11 s x 0.5 GB
    expect(init.quantity).toBeCloseTo(55, 9);
    expect(init.monthlyCost).toBeCloseTo(55 * ARM, 12);
    expect(init.formula).toBe('100,000 invocations x 0.01 cold-start share x 0.11 s init x 0.5 GB = 55 GB-s x $0.0000133334 (INIT billed since 2025-08-01)');
  });

  test('coldStartShare and initDuration are inputs; a share outside 0..1 is an error', () => {
    const result = appWith((s) => worker(s, { expectedLoad: { perMonth: 1_000_000, coldStartShare: 0.2, initDuration: Duration.millis(500) } }));
    expect(result.constructs[0].lines.find((l) => l.item === 'INIT duration arm64')!.quantity).toBeCloseTo(100_000 * 0.2 * 0.5 * 0.5, 9);
    expect(() => appWith((s) => worker(s, { expectedLoad: { perMonth: 1, coldStartShare: 2 } }))).toThrow(
      "S/Worker: invalid prop 'expectedLoad.coldStartShare': must be between 0 and 1 (given 2). Fix: set coldStartShare to the share "
      + 'of invocations that start a new environment, e.g. 0.01');
  });
});

describe('provisioned pollers are priced in event poller units', () => {
  test('minimum pollers x 730 h, and the minimum keeps long-polling', () => {
    const result = appWith((s) => worker(s, { provisionedPollers: { minimumPollers: 4 }, expectedLoad: { perMonth: 1000 } }));
    const lines = result.constructs[0].lines;
    const epu = lines.find((l) => l.item === 'SQS event poller units (provisioned mode)')!;
    expect([epu.quantity, epu.unit, epu.monthlyCost]).toEqual([4 * 730, 'EPU-hours', 4 * 730 * 0.185]);
    expect(lines.find((l) => l.item === 'empty receives of the poller')!.quantity).toBe(4 * 730 * 3600 / 20);
  });
});

describe('Lambda log tiers (since May 2025)', () => {
  test('below 10 TB a month: no tier line; above: the discount of the tiers', () => {
    expect(lambdaLogTierDiscount(10 * 1024, US_EAST_1_PRICES)).toBeUndefined();
    // 60 TB: 10 x $0.50 + 20 x $0.25 + 20 x $0.10 + 10 x $0.05 per GB-thousand = $12,800 (TB of 1,024 GB) vs $30,720 flat.
    const line = lambdaLogTierDiscount(60 * 1024, US_EAST_1_PRICES)!;
    expect(line.monthlyCost).toBeCloseTo((10 * 0.5 + 20 * 0.25 + 20 * 0.10 + 10 * 0.05) * 1024 - 60 * 1024 * 0.5, 6);
  });

  test('the report adds the account-wide line when the function logs of all constructs pass 10 TB', () => {
    // 12 billion invocations of 1 KiB logs: 11,444 GB of function logs.
    const result = appWith((s) => worker(s, { batchSize: 1, expectedLoad: { perMonth: 12e9 } }));
    const tiers = result.appLines.find((l) => l.item === 'Lambda log volume tiers')!;
    const gb = 12e9 * 1024 / 1024 ** 3;
    expect(tiers.monthlyCost).toBeCloseTo((gb - 10 * 1024) * (0.25 - 0.5), 6);
  });
});

describe('Kinesis on-demand pricing mode', () => {
  const stream = (s: Stack) => new StreamWorker(s, 'Stream', {
    handler: HandlerCode.bundled('stream-worker/example'), alarmsEnabled: false, expectedLoad: { perMonth: 1_048_576 },
  });

  test('standard on-demand: the stream-hour and data at the standard prices', () => {
    const items = appWith(stream).constructs[0].lines.filter((l) => l.service === 'Kinesis').map((l) => [l.item, l.monthlyCost]);
    expect(items).toEqual([['on-demand stream hours', 730 * 0.04], ['on-demand data written', 0.08], ['on-demand data read', 0.04]]);
  });

  test('On-demand Advantage (kinesisOnDemandAdvantage): no stream-hour, the Advantage data prices', () => {
    const items = appWith(stream, { kinesisOnDemandAdvantage: true }).constructs[0].lines.filter((l) => l.service === 'Kinesis')
      .map((l) => [l.item, l.monthlyCost]);
    expect(items).toEqual([['on-demand Advantage data written', 0.032], ['on-demand Advantage data read', 0.016]]);
  });
});

describe('asynchronous events up to 1 MB (2025)', () => {
  test('an AsyncFunction event above 256 KB pays one more request per 64 KB chunk beyond', () => {
    const result = appWith((s) => new AsyncFunction(s, 'Async', {
      handler: HandlerCode.bundled('async-function/example'), alarmsEnabled: false,
      expectedLoad: { perMonth: 1000, payloadSize: Size.kibibytes(1000) },
    }));
    const extra = result.constructs[0].lines.find((l) => l.item === 'requests (async payload beyond 256 KB)')!;
    // (1000 - 256) KB / 64 KB = 11.6 -> 12 extra requests per event
    expect([extra.quantity, extra.formula]).toEqual([12_000, '1,000 events x 12 extra 64 KB chunk(s) beyond the first 256 KB x $0.20 per million']);
    const small = appWith((s) => new AsyncFunction(s, 'Async', {
      handler: HandlerCode.bundled('async-function/example'), alarmsEnabled: false, expectedLoad: { perMonth: 1000, payloadSize: Size.kibibytes(256) },
    }));
    expect(small.constructs[0].lines.map((l) => l.item)).not.toContain('requests (async payload beyond 256 KB)');
  });
});
