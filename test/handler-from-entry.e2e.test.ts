import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { HandlerCode } from '../lib';
import * as esbuildInstallation from '../lib/core/esbuild-installation';
import { SqsWorker } from '../lib/sqs-worker';
import { lambdaContext, sqsEvent, sqsRecord } from './support/lambda';

const ENTRY = 'test/fixtures/user-handler/worker.handler.ts';
type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

describe('HandlerCode.fromEntry', () => {
  let outdir: string;
  let stderr: jest.SpyInstance;
  beforeEach(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'csp-from-entry-'));
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    stderr.mockRestore();
    fs.rmSync(outdir, { recursive: true, force: true });
  });
  /** What aws-cdk-lib's asset staging printed while bundling (it announces each bundling on stderr). */
  const printed = () => stderr.mock.calls.map((c) => String(c[0]));

  const workerStack = (handler: HandlerCode) => {
    const app = new App({ outdir });
    const stack = new Stack(app, 'S');
    new SqsWorker(stack, 'Worker', { handler });
    return { app, stack };
  };

  test('an SqsWorker bundles the file at synth, and the bundled handler answers an SQS batch', async () => {
    const { app, stack } = workerStack(HandlerCode.fromEntry(ENTRY, { handler: 'handleOrders' }));
    const template = Template.fromStack(stack);
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function',
      { Properties: { Handler: 'index.handleOrders' } })) as { Properties: { Runtime: string; Code: { S3Key: string } } }[];
    expect(fn.Properties.Runtime).toBe('nodejs24.x');
    app.synth();
    const assetDir = path.join(outdir, `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
    expect(fs.readdirSync(assetDir)).toEqual(['index.js']);
    const bundle = fs.readFileSync(path.join(assetDir, 'index.js'), 'utf8');
    // The tuned settings: minified (no indentation), and the runtime bundled in, not required at run time.
    expect(/^ {2}/m.test(bundle)).toBe(false);
    expect(/require\("@cdk-serverless-patterns\/runtime/.test(bundle)).toBe(false);
    expect(printed()).toEqual(['Bundling asset S/Worker/Function/Code/Stage...\n']);

    let handler: SqsHandler | undefined;
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      handler = require(path.join(assetDir, 'index.js')).handleOrders;
    });
    const event = sqsEvent([
      sqsRecord('m-1', JSON.stringify({ orderId: 'o-1' })),
      sqsRecord('m-2', JSON.stringify({ orderId: 'o-2', fail: true })),
    ]);
    await expect(handler!(event, lambdaContext())).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'm-2' }] });
  }, 60_000);

  test('the export defaults to handler, and the bundle overrides reach esbuild', () => {
    const { app, stack } = workerStack(HandlerCode.fromEntry(ENTRY, { minify: false, define: { 'process.env.STAGE': '"test"' } }));
    const template = Template.fromStack(stack);
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function',
      { Properties: { Handler: 'index.handler' } })) as { Properties: { Code: { S3Key: string } } }[];
    app.synth();
    const bundle = fs.readFileSync(path.join(outdir, `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`, 'index.js'), 'utf8');
    expect(/^ {2}/m.test(bundle)).toBe(true);
    expect(/stage: ?"test"/.test(bundle)).toBe(true);
  }, 60_000);

  test('a missing file is a synth error naming the construct path, the prop and the file', () => {
    expect(() => workerStack(HandlerCode.fromEntry('src/no-such-worker.ts'))).toThrow(
      `S/Worker/Function: invalid prop 'handler': is HandlerCode.fromEntry('src/no-such-worker.ts'), and no file exists at `
      + `${path.resolve('src/no-such-worker.ts')}. Fix: pass the path of your handler's .ts or .js file, relative to the folder you run cdk in`);
  });

  test('without a local esbuild the synth error says to install it (never Docker)', () => {
    const installed = jest.spyOn(esbuildInstallation, 'isEsbuildInstalled').mockReturnValue(false);
    try {
      expect(() => workerStack(HandlerCode.fromEntry(ENTRY))).toThrow(
        `S/Worker/Function: invalid prop 'handler': is HandlerCode.fromEntry('${ENTRY}'), which bundles with a local esbuild `
        + '(never Docker), and esbuild is not installed. Fix: npm install -D esbuild');
    } finally {
      installed.mockRestore();
    }
  });

  test('a non-Node.js runtime is rejected', () => {
    const app = new App({ outdir });
    const stack = new Stack(app, 'S');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const lambda = require('aws-cdk-lib/aws-lambda') as typeof import('aws-cdk-lib/aws-lambda');
    expect(() => new SqsWorker(stack, 'Worker', { handler: HandlerCode.fromEntry(ENTRY), runtime: lambda.Runtime.PYTHON_3_13 }))
      .toThrow(`S/Worker/Function: invalid prop 'runtime': is python3.13, but the handler is HandlerCode.fromEntry('${ENTRY}'), which bundles for Node.js`);
  });
});
