import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { HandlerCode, ServerlessCostReport, SqsWorker } from '../lib';
import { figure } from '../lib/cost/model';

/** Issue 29 item 4: by default the report says one line per stack; the table only when asked for. */
const infosOf = (stack: Stack) => stack.node.metadata.filter((m) => m.type === 'aws:cdk:info').map((m) => String(m.data));
const env = { account: '123456789012', region: 'us-east-1' };
const ACK = '[ack: cdk-serverless-patterns:ServerlessCostReport.table]';

describe('ServerlessCostReport summary', () => {
  let outdir: string;
  const savedEnv = process.env.CSP_COST_TABLE;
  beforeEach(() => { outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'csp-cost-summary-')); });
  afterEach(() => {
    fs.rmSync(outdir, { recursive: true, force: true });
    if (savedEnv === undefined) delete process.env.CSP_COST_TABLE; else process.env.CSP_COST_TABLE = savedEnv;
  });
  const worker = (stack: Stack, id: string, perMonth?: number) => new SqsWorker(stack, id, {
    handler: HandlerCode.bundled('sqs-worker/example'), expectedLoad: perMonth === undefined ? undefined : { perMonth },
  });

  test('one stack: one line with the total, what is estimated and where the file is', () => {
    const app = new App({ outdir });
    const stack = new Stack(app, 'S', { env });
    worker(stack, 'Priced', 1_000_000);
    worker(stack, 'Unpriced');
    const report = ServerlessCostReport.of(app);
    app.synth();
    const total = report.result!.monthlyCost.toFixed(2);
    expect(infosOf(stack)).toEqual([`monthly cost estimate: $${total} (USD, us-east-1 prices of 2026-12-07, before free tiers; `
      + `1 of 2 constructs estimated); details in ${path.join(outdir, 'serverless-cost.json')}; `
      + `the table: cdk synth -c cdk-serverless-patterns:costTable=true ${ACK}`]);
  });

  test('several stacks: a line on each stack with library constructs, its own total and the app\'s', () => {
    const app = new App({ outdir });
    const one = new Stack(app, 'One', { env });
    const two = new Stack(app, 'Two', { env });
    const empty = new Stack(app, 'Empty', { env });
    worker(one, 'W', 1000);
    worker(two, 'W', 3000);
    const report = ServerlessCostReport.of(app);
    app.synth();
    const cost = (p: string) => report.result!.constructs.find((c) => c.path === p)!.monthlyCost.toFixed(2);
    const app$ = report.result!.monthlyCost.toFixed(2);
    expect(infosOf(one)).toEqual([expect.stringMatching(new RegExp(`^monthly cost estimate: \\$${cost('One/W')} for this stack, \\$${app$} for the app \\(.*; 1 of 1 constructs estimated\\)`))]);
    expect(infosOf(two)).toEqual([expect.stringMatching(new RegExp(`^monthly cost estimate: \\$${cost('Two/W')} for this stack, \\$${app$} for the app `))]);
    expect(infosOf(empty)).toEqual([]);
  });

  test('CSP_COST_TABLE=true prints the table instead', () => {
    process.env.CSP_COST_TABLE = 'true';
    const app = new App({ outdir });
    const stack = new Stack(app, 'S', { env });
    worker(stack, 'Priced', 1000);
    ServerlessCostReport.of(app);
    app.synth();
    const [note] = infosOf(stack);
    expect(note.split('\n')[1]).toMatch(/^ {2}S\/Priced \(SqsWorker\): \$\d+\.\d\d$/);
  });

  test('figures in formulas are written for people', () => {
    expect([figure(1 / 30), figure(0.5), figure(1.5 / 5), figure(120), figure(2_628_000), figure(0.000123456)])
      .toEqual(['0.03333', '0.5', '0.3', '120', '2,628,000', '0.0001235']);
  });
});
