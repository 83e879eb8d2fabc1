import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * The published artefact works: `npm pack`, install the tarball into a fresh CDK app outside the
 * repository, synthesize a stack that uses a construct from it (assets included).
 */
const repoRoot = path.join(__dirname, '..');
const npm = (args: string[], cwd: string) => execFileSync('npm', args, {
  cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
  env: { ...process.env, npm_config_loglevel: 'error', npm_config_update_notifier: 'false' },
});

let work: string;
let tarball: string;
let packedFiles: string[];

beforeAll(() => {
  // CI builds first; a bare `npm test` after `npm ci` has bundles (pretest) but no jsii output yet.
  if (!fs.existsSync(path.join(repoRoot, '.jsii')) || !fs.existsSync(path.join(repoRoot, 'lib', 'index.js'))) {
    npm(['run', 'compile'], repoRoot);
  }
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'csp-pack-'));
  const packed = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work], repoRoot));
  tarball = path.join(work, packed[0].filename);
  packedFiles = packed[0].files.map((f: { path: string }) => f.path);
}, 180_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('the tarball holds what a consumer needs and nothing else', () => {
  expect(packedFiles).toEqual(expect.arrayContaining([
    'package.json', 'README.md', 'LICENSE', 'API.md', '.jsii',
    'lib/index.js', 'lib/index.d.ts', 'lib/sqs-worker/sqs-worker.js',
    'assets/sqs-worker/example/index.js',
  ]));
  // The handler runtime ships as its own package, @cdk-serverless-patterns/runtime (#24).
  const unexpected = packedFiles.filter((f) => /^(test|examples|bench|scripts|lambda|runtime|packages|\.ci)\//.test(f)
    || (f.endsWith('.ts') && !f.endsWith('.d.ts')) || f.startsWith('node_modules/') || f.startsWith('tsconfig'));
  expect(unexpected).toEqual([]);
});

test('the shipped package.json runs nothing at install time (issue 13 item 13)', () => {
  const extracted = fs.mkdtempSync(path.join(work, 'extract-'));
  execFileSync('tar', ['-xzf', tarball, '-C', extracted, 'package/package.json']);
  const shipped = JSON.parse(fs.readFileSync(path.join(extracted, 'package', 'package.json'), 'utf8'));
  const installScripts = ['preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'prepare', 'postprepare'];
  expect(Object.keys(shipped.scripts ?? {}).filter((name) => installScripts.includes(name))).toEqual([]);
});

test('a fresh CDK app installs the tarball and synthesizes an SqsWorker with its bundled handler', () => {
  const app = path.join(work, 'consumer-app');
  fs.mkdirSync(app);
  const rootPkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({
    name: 'consumer-app', version: '1.0.0', private: true,
    dependencies: {
      'aws-cdk-lib': rootPkg.devDependencies['aws-cdk-lib'],
      'constructs': rootPkg.devDependencies.constructs,
      'cdk-serverless-patterns': `file:${tarball}`,
    },
  }));
  npm(['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], app);
  fs.writeFileSync(path.join(app, 'app.js'), `
    const { App, Stack } = require('aws-cdk-lib');
    const { SqsWorker, HandlerCode } = require('cdk-serverless-patterns');
    const app = new App({ outdir: 'cdk.out' });
    const stack = new Stack(app, 'Consumer', { env: { account: '111111111111', region: 'eu-west-1' } });
    new SqsWorker(stack, 'Orders', { handler: HandlerCode.bundled('sqs-worker/example') });
    app.synth();
  `);
  execFileSync(process.execPath, ['app.js'], { cwd: app, env: { ...process.env, CDK_VALIDATION: 'false' } });

  const template = JSON.parse(fs.readFileSync(path.join(app, 'cdk.out', 'Consumer.template.json'), 'utf8'));
  const resources = Object.values(template.Resources) as Array<{ Type: string; Properties: any; Metadata?: any }>;
  const fn = resources.find((r) => r.Type === 'AWS::Lambda::Function')!;
  expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler' });
  expect(resources.filter((r) => r.Type === 'AWS::SQS::Queue')).toHaveLength(2);
  // The asset staged into cdk.out is the pre-bundled handler from the tarball.
  const assetHash = String(fn.Properties.Code.S3Key).replace(/\.zip$/, '');
  const staged = fs.readFileSync(path.join(app, 'cdk.out', `asset.${assetHash}`, 'index.js'), 'utf8');
  const shipped = fs.readFileSync(path.join(app, 'node_modules', 'cdk-serverless-patterns', 'assets', 'sqs-worker', 'example', 'index.js'), 'utf8');
  expect(staged).toBe(shipped);
  expect(staged.length).toBeGreaterThan(1000);
  // The runtime helpers are a package of their own now (test/runtime-package.e2e.test.ts), not a folder of this one.
  expect(fs.existsSync(path.join(app, 'node_modules', 'cdk-serverless-patterns', 'runtime'))).toBe(false);
}, 180_000);
