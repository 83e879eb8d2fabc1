import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * The runtime's published types are self-contained: a consumer compiles a worker against the
 * packed tarball with `skipLibCheck: false` and nothing else installed (no `@types/aws-lambda`,
 * no `@types/node`), and `record` is typed, not `any`.
 */
const repoRoot = path.join(__dirname, '..');
const run = (cmd: string, args: string[], cwd: string) => execFileSync(cmd, args, {
  cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
  env: { ...process.env, npm_config_loglevel: 'error', npm_config_update_notifier: 'false' },
});

let work: string;

beforeAll(() => {
  // The runtime as it would ship: compiled from lambda/runtime now.
  run('npm', ['run', 'runtime'], repoRoot);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'csp-runtime-types-'));
  const packed = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], repoRoot));
  const app = path.join(work, 'consumer');
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  // Peer dependencies (aws-cdk-lib, constructs) are not needed to type-check the runtime.
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--legacy-peer-deps',
    path.join(work, packed[0].filename)], app);
}, 180_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

function compile(source: string): string {
  const app = path.join(work, 'consumer');
  fs.writeFileSync(path.join(app, 'worker.ts'), source);
  fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      strict: true, skipLibCheck: false, noEmit: true, target: 'es2022', lib: ['es2022'],
      module: 'commonjs', moduleResolution: 'node10', types: [],
    },
    files: ['worker.ts'],
  }));
  try {
    run(process.execPath, [path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], app);
    return '';
  } catch (err) {
    return String((err as { stdout?: string }).stdout ?? err);
  }
}

test('a worker compiles against the tarball with skipLibCheck false and only the tarball installed', () => {
  const errors = compile(`
    import { createSqsWorkerHandler, SqsBatchResponse, SqsEvent, SqsRecord } from 'cdk-serverless-patterns/runtime/sqs-worker';
    import { logger } from 'cdk-serverless-patterns/runtime/logger';

    interface Order { orderId: string }

    export const handler: (event: SqsEvent, context: Parameters<typeof logger.addContext>[0]) => Promise<SqsBatchResponse> =
      createSqsWorkerHandler<Order>(async (order, record: SqsRecord, context) => {
        logger.info('order', { orderId: order.orderId, requestId: context.awsRequestId, group: record.attributes.MessageGroupId });
        // record is typed (not any): an unknown member is an error.
        // @ts-expect-error SqsRecord has no such member
        return record.noSuchMember;
      }, { fifo: true, fifoFailureScope: 'group', idempotency: { persistenceLayer: 'http', expiresAfterSeconds: 600 } });
  `);
  expect(errors).toBe('');
});

test('the check has teeth: a wrong option is reported', () => {
  const errors = compile(`
    import { createSqsWorkerHandler } from 'cdk-serverless-patterns/runtime/sqs-worker';
    export const handler = createSqsWorkerHandler(async () => 'x', { fifoFailureScope: 'queue' });
  `);
  expect(errors).toMatch(/worker\\.ts\\(3,\\d+\\): error TS2322: Type '"queue"' is not assignable to type '"group" \\| "batch" \\| undefined'/);
});
