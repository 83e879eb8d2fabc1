/**
 * @cdk-serverless-patterns/runtime as a user gets it: `npm pack` the workspace, install only that
 * tarball and esbuild into a fresh folder outside the repository, write one TypeScript handler per
 * module (SQS worker, stream worker, scheduled job, task token), type-check them with
 * `skipLibCheck: false`, bundle each with the flags packages/runtime/README.md gives, and run each
 * bundle in its own `node` process with a real-looking event.
 *
 * Spawns npm, tsc, esbuild and node: an e2e test (`*.e2e.test.ts`).
 */
import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { kinesisRecord } from './support/stream-events';
import { lambdaContext, sqsEvent, sqsRecord } from './support/lambda';
import { TaskTokenService } from './support/task-token-service';

const repoRoot = path.join(__dirname, '..');
const runtimeDir = path.join(repoRoot, 'packages', 'runtime');
const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
const quietNpm = { ...process.env, npm_config_loglevel: 'error', npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
const run = (cmd: string, args: string[], cwd: string) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: quietNpm });

/** The esbuild flags packages/runtime/README.md documents (the library's own bundles use the same). */
const ESBUILD_FLAGS = ['--bundle', '--platform=node', '--target=node22', '--format=cjs', '--minify', '--main-fields=module,main', '--external:@aws-sdk/*'];

const HANDLERS: Record<string, string> = {
  'sqs-worker': `
    import { createSqsWorkerHandler, SqsRecord } from '@cdk-serverless-patterns/runtime/sqs-worker';
    import { logger } from '@cdk-serverless-patterns/runtime/logger';

    interface Order { orderId: string; total: number }

    export const handler = createSqsWorkerHandler<Order>(async (order, record: SqsRecord) => {
      if (order.total < 0) throw new Error(\`order \${order.orderId} has a negative total\`);
      logger.info('order accepted', { orderId: order.orderId, receiveCount: record.attributes.ApproximateReceiveCount });
      return order.orderId;
    });
  `,
  'stream-worker': `
    import { createStreamWorkerHandler } from '@cdk-serverless-patterns/runtime/stream-worker';

    interface Reading { sensor: string; celsius: number }

    export const handler = createStreamWorkerHandler<Reading>(async (item) => {
      if (item.source !== 'kinesis') return undefined;
      if (item.data.celsius > 100) throw new Error(\`\${item.data.sensor} is out of range\`);
      return item.partitionKey;
    });
  `,
  'scheduled-job': `
    import { createScheduledJobHandler, ScheduledJobEvent } from '@cdk-serverless-patterns/runtime/scheduled-job';

    export const handler = createScheduledJobHandler(async (event: ScheduledJobEvent) => {
      const due = new Date(event.scheduledTime);
      return { day: new Date(due.getTime() - 86_400_000).toISOString().slice(0, 10), report: String(event.report) };
    });
  `,
  'task-token': `
    import { sendTaskFailure, sendTaskSuccess } from '@cdk-serverless-patterns/runtime/task-token';

    interface Approval { taskToken: string; orderId: string; total: number }

    export const handler = async (event: Approval): Promise<string> => {
      if (event.total > 1000) {
        await sendTaskFailure(event.taskToken, 'OrderRejectedError', \`order \${event.orderId} needs a review\`);
        return 'rejected';
      }
      await sendTaskSuccess(event.taskToken, { approved: true, orderId: event.orderId });
      return 'approved';
    };
  `,
};

let work: string;
let app: string;
let packed: { filename: string; files: Array<{ path: string }>; version: string };

beforeAll(() => {
  // The package as `npm publish` would ship it: built from its sources, then packed.
  run(process.execPath, [tsc, '-p', path.join(runtimeDir, 'tsconfig.json')], repoRoot);
  run(process.execPath, [tsc, '-p', path.join(runtimeDir, 'tsconfig.esm.json')], repoRoot);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'csp-runtime-package-'));
  [packed] = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], runtimeDir));
  app = path.join(work, 'app');
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
  const esbuildVersion = JSON.parse(fs.readFileSync(path.join(repoRoot, 'node_modules', 'esbuild', 'package.json'), 'utf8')).version;
  run('npm', ['install', '--prefer-offline', path.join(work, packed.filename), `esbuild@${esbuildVersion}`], app);
  for (const [name, source] of Object.entries(HANDLERS)) fs.writeFileSync(path.join(app, `${name}.ts`), source);
}, 300_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('the tarball holds the compiled modules, their types and the README; its version is the library\'s', () => {
  const files = packed.files.map((f) => f.path);
  expect(files).toEqual(expect.arrayContaining([
    'package.json', 'README.md', 'LICENSE',
    'lib/sqs-worker.js', 'lib/sqs-worker.d.ts', 'lib/esm/sqs-worker.js',
    'lib/stream-worker.js', 'lib/scheduled-job.js', 'lib/task-token.js', 'lib/logger.js', 'lib/idempotency/sdk.js',
  ]));
  expect(files.filter((f) => f.startsWith('src/') || (f.endsWith('.ts') && !f.endsWith('.d.ts')))).toEqual([]);
  expect(packed.version).toBe(JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version);
});

/** Type-checks the handlers with the given module settings; returns tsc's output ('' when clean). */
function typeCheck(files: string[], compilerOptions: Record<string, unknown>): string {
  fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, skipLibCheck: false, noEmit: true, target: 'es2022', lib: ['es2022'], ...compilerOptions },
    files,
  }));
  try {
    run(process.execPath, [tsc, '-p', 'tsconfig.json'], app);
    return '';
  } catch (err) {
    return String((err as { stdout?: string }).stdout ?? err);
  }
}

const handlerFiles = Object.keys(HANDLERS).map((name) => `${name}.ts`);

test('every handler type-checks with skipLibCheck false (bundler resolution: the exports map)', () => {
  expect(typeCheck(handlerFiles, { module: 'preserve', moduleResolution: 'bundler' })).toBe('');
});

test('every handler type-checks with skipLibCheck false (node16 resolution)', () => {
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, type: 'commonjs' }));
  expect(typeCheck(handlerFiles, { module: 'node16', moduleResolution: 'node16' })).toBe('');
});

test('the check has teeth: a wrong option is reported', () => {
  fs.writeFileSync(path.join(app, 'wrong.ts'), `
    import { createSqsWorkerHandler } from '@cdk-serverless-patterns/runtime/sqs-worker';
    export const handler = createSqsWorkerHandler(async () => 'x', { fifoFailureScope: 'queue' });
  `);
  expect(typeCheck(['wrong.ts'], { module: 'preserve', moduleResolution: 'bundler' }))
    .toMatch(/wrong\.ts\(3,\d+\): error TS2322: Type '"queue"' is not assignable to type '"group" \| "batch" \| undefined'/);
});

/** Bundles `<name>.ts` with the documented flags and runs it in a fresh node process; resolves with what the handler returned or threw. */
async function bundleAndInvoke(name: string, event: unknown, env: Record<string, string> = {}): Promise<unknown> {
  const outfile = path.join(app, 'dist', name, 'index.js');
  run(path.join(app, 'node_modules', '.bin', 'esbuild'), [`${name}.ts`, ...ESBUILD_FLAGS, `--outfile=${outfile}`], app);
  const context = { ...lambdaContext(name), getRemainingTimeInMillis: undefined };
  const script = `
    const { handler } = require(${JSON.stringify(outfile)});
    const context = { ...${JSON.stringify(context)}, getRemainingTimeInMillis: () => 30000 };
    // After the handler's own output (logs, EMF lines), on a line of its own.
    handler(${JSON.stringify(event)}, context).then(
      (result) => process.stdout.write('\\n' + JSON.stringify({ result })),
      (error) => process.stdout.write('\\n' + JSON.stringify({ error: { name: error.name, message: error.message } })));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
    cwd: app,
    env: { PATH: process.env.PATH!, POWERTOOLS_LOG_LEVEL: 'SILENT', AWS_REGION: 'us-east-1', ...env },
  });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

test('SQS worker: the bundle returns a partial batch response naming the bad record', async () => {
  const event = sqsEvent([
    sqsRecord('m-1', JSON.stringify({ orderId: 'o-1', total: 25 })),
    sqsRecord('m-2', JSON.stringify({ orderId: 'o-2', total: -1 })),
    sqsRecord('m-3', 'not json'),
  ]);
  await expect(bundleAndInvoke('sqs-worker', event)).resolves.toEqual({
    result: { batchItemFailures: [{ itemIdentifier: 'm-2' }, { itemIdentifier: 'm-3' }] },
  });
}, 60_000);

test('stream worker: the bundle stops at the failed Kinesis record and reports it and the rest', async () => {
  const records = [
    kinesisRecord(1, JSON.stringify({ sensor: 's-1', celsius: 21 })),
    kinesisRecord(2, JSON.stringify({ sensor: 's-2', celsius: 140 })),
    kinesisRecord(3, JSON.stringify({ sensor: 's-3', celsius: 19 })),
  ];
  await expect(bundleAndInvoke('stream-worker', { Records: records })).resolves.toEqual({
    result: { batchItemFailures: [{ itemIdentifier: records[1].kinesis.sequenceNumber }, { itemIdentifier: records[2].kinesis.sequenceNumber }] },
  });
}, 60_000);

test('scheduled job: the bundle runs the occurrence it is given', async () => {
  const event = {
    report: 'daily-sales', scheduledTime: '2027-03-29T00:30:00Z', executionId: 'd32c5kddcf5bb8c3', attemptNumber: '1',
    scheduleArn: 'arn:aws:scheduler:us-east-1:123456789012:schedule/default/nightly',
  };
  await expect(bundleAndInvoke('scheduled-job', event)).resolves.toEqual({ result: { day: '2027-03-28', report: 'daily-sales' } });
}, 60_000);

test('task token: the bundle completes the waiting task through a local Step Functions endpoint', async () => {
  const service = await TaskTokenService.start();
  try {
    const env = { AWS_ENDPOINT_URL_SFN: service.endpoint, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' };
    const approved = service.issue('approve');
    await expect(bundleAndInvoke('task-token', { taskToken: approved.token, orderId: 'o-1', total: 25 }, env)).resolves.toEqual({ result: 'approved' });
    await expect(approved.result).resolves.toEqual({ approved: true, orderId: 'o-1' });
    const rejected = service.issue('reject');
    await expect(bundleAndInvoke('task-token', { taskToken: rejected.token, orderId: 'o-2', total: 5000 }, env)).resolves.toEqual({ result: 'rejected' });
    await expect(rejected.result).rejects.toMatchObject({ name: 'OrderRejectedError' });
  } finally {
    await service.stop();
  }
}, 60_000);
