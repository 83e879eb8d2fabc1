// Section 1: handler bundles. Bytes (raw, gzip) and cold start of every bundled handler, against
// an empty handler bundled the same way (the floor) and the same source bundled the way
// aws-lambda-nodejs NodejsFunction does by default; plus one bundle per Powertools import.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative, dirname, basename } from 'node:path';
import { gzipSync } from 'node:zlib';
import { bundleAll, bundleOptions } from '../../scripts/bundle-handlers.mjs';
import { fixtureFor } from '../fixtures/events.mjs';
import { median, runNode } from './stats.mjs';

/**
 * What `new NodejsFunction(...)` runs when `bundling` is not set, read from
 * node_modules/aws-cdk-lib/aws-lambda-nodejs/lib/bundling.js (aws-cdk-lib 2.276.0):
 *   esbuild --bundle <entry> --target=node<runtime major> --platform=node --outfile=index.js
 *           --external:@aws-sdk/*
 * i.e. no --minify (BundlingOptions.minify @default false), no source map, no --main-fields (esbuild's
 * node default main,module), no --format (esbuild's default for platform=node: cjs), and
 * externalModules ['@aws-sdk/*'] for Node 18+ runtimes (['@aws-sdk/*','@smithy/*'] only with the
 * @aws-cdk/aws-lambda-nodejs:sdkV3ExcludeSmithyPackages feature flag, unset here). Runtime: our
 * Defaults.runtime, NODEJS_24_X, so target node24.
 */
export const nodejsFunctionDefaults = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  minify: false,
  external: ['@aws-sdk/*'],
  logLevel: 'warning',
};

const root = join(dirname(new URL(import.meta.url).pathname), '..', '..');
const lambdaDir = join(root, 'lambda');
const entriesDir = join(root, 'bench', 'fixtures', 'entries');
const childScript = join(root, 'bench', 'children', 'cold-init.cjs');
// The built module the handlers' own import resolves to (esbuild's `module` condition), so the
// registration lands in the same copy of the runtime the handler uses.
const sdkLayerModule = join(root, 'packages', 'runtime', 'lib', 'esm', 'idempotency', 'sdk.js');

function findHandlers(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return findHandlers(full);
    if (!name.endsWith('.handler.ts')) return [];
    const rel = relative(lambdaDir, full);
    return [{ name: join(dirname(rel), basename(rel, '.handler.ts')).split('\\').join('/'), entry: full }];
  });
}

function sizeOf(file) {
  const buf = readFileSync(file);
  return { raw: buf.length, gzip: gzipSync(buf).length };
}

async function bundle(entry, outfile, options) {
  await build({ ...options, entryPoints: [entry], outfile });
  return outfile;
}

/**
 * A user's own handler on the runtime (bench/fixtures/user-handler/worker.ts), bundled by a real
 * synth both ways: `HandlerCode.fromEntry` on an SqsWorker, and `new NodejsFunction(...)` with its
 * default bundling. Returns the two bundles' paths. Target: at most 0.4x NodejsFunction's size.
 */
export function userHandlerBundles(tmp) {
  const app = join(root, 'bench', 'fixtures', 'user-handler', 'app.ts');
  const outdir = join(tmp, 'user-handler-synth');
  const output = execFileSync(process.execPath, [join(root, 'node_modules', 'ts-node', 'dist', 'bin.js'), '--transpile-only',
    '--prefer-ts-exts', '--project', join(root, 'tsconfig.dev.json'), app, outdir],
  { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CDK_VALIDATION: 'false' } });
  return JSON.parse(output.trim().split('\n').pop());
}

/** The two variants of the user-handler row (idempotency off: the table name is left empty). */
function userHandlerVariants(tmp, log) {
  let bundles;
  try {
    bundles = userHandlerBundles(tmp);
  } catch (err) {
    log(`skipping the user handler row: its synth failed (${String(err.stderr ?? err.message).split('\n')[0]})`);
    return [];
  }
  const fixture = fixtureFor('user-handler');
  const row = { group: 'handler', handler: 'user handler (HandlerCode.fromEntry)', label: 'user handler', mode: 'off', fixture };
  return [
    { ...row, build: 'HandlerCode.fromEntry', file: bundles.fromEntry, sizeTarget: 0.4,
      buildNote: 'HandlerCode.fromEntry: NodejsFunction bundling with the shipped settings' },
    { ...row, build: 'NodejsFunction default', file: bundles.nodejsFunction, nodejsDefault: true },
  ];
}

/** Builds every variant; returns the list of bundles to measure. */
async function prepare(tmp, log) {
  // `npm run bundle` itself (same module), so assets/ is what ships now.
  let shippedFromAssets = true;
  try {
    await bundleAll();
  } catch (err) {
    shippedFromAssets = false;
    log(`npm run bundle failed (${err.message.split('\n')[0]}); bundling each handler alone with the same bundleOptions`);
  }
  const handlers = findHandlers(lambdaDir);
  const variants = [];
  for (const h of handlers) {
    let shipped = join(root, 'assets', ...h.name.split('/'), 'index.js');
    let nodejsFn;
    try {
      if (!shippedFromAssets || !existsSync(shipped)) {
        shipped = await bundle(h.entry, join(tmp, 'shipped', h.name, 'index.js'), bundleOptions);
      }
      nodejsFn = await bundle(h.entry, join(tmp, 'nodejs-function', h.name, 'index.js'), nodejsFunctionDefaults);
    } catch (err) {
      log(`skipping ${h.name}: it does not bundle (${err.message.split('\n')[0]})`);
      continue;
    }
    const fixture = fixtureFor(h.name);
    // Handlers built on createSqsWorkerHandler read IDEMPOTENCY_TABLE_NAME: measure both modes,
    // and idempotency on with Powertools' own DynamoDBPersistenceLayer (IDEMPOTENCY_PERSISTENCE_LAYER=sdk),
    // the layer the default (signed HTTP) replaces. The shipped bundles do not carry it (a handler
    // gets it by importing @cdk-serverless-patterns/runtime/idempotency/sdk), so that row runs the same source built
    // with the shipped options and that module injected: what a user who picks the SDK layer ships.
    const idempotent = readFileSync(shipped, 'utf8').includes('IDEMPOTENCY_TABLE_NAME');
    const modes = idempotent ? ['off', 'on', 'on-sdk'] : ['n/a'];
    for (const mode of modes) {
      if (mode === 'on-sdk') {
        const withSdk = await bundle(h.entry, join(tmp, 'with-sdk-layer', h.name, 'index.js'), { ...bundleOptions, inject: [sdkLayerModule] });
        variants.push({ group: 'handler', handler: h.name, label: h.name, build: 'shipped options + @cdk-serverless-patterns/runtime/idempotency/sdk', file: withSdk, mode, fixture });
        continue;
      }
      variants.push({ group: 'handler', handler: h.name, label: h.name, build: 'shipped (npm run bundle)', file: shipped, mode, fixture });
      variants.push({ group: 'handler', handler: h.name, label: h.name, build: 'NodejsFunction default', file: nodejsFn, mode, fixture, nodejsDefault: true });
    }
  }
  variants.push(...userHandlerVariants(tmp, log));
  const entries = readdirSync(entriesDir).filter((f) => f.endsWith('.ts')).map((f) => basename(f, '.ts'));
  // The floor first, then each Powertools import alone.
  entries.sort((a, b) => (a === 'empty' ? -1 : b === 'empty' ? 1 : a.localeCompare(b)));
  for (const e of entries) {
    // `*-bundled-sdk` entries bundle the AWS SDK instead of loading the runtime's copy.
    const options = e.endsWith('-bundled-sdk') ? { ...bundleOptions, external: [] } : bundleOptions;
    const file = await bundle(join(entriesDir, `${e}.ts`), join(tmp, 'entries', e, 'index.js'), options);
    variants.push({ group: e === 'empty' ? 'floor' : 'import', handler: e, label: e === 'empty' ? 'empty handler (floor)' : `import alone: ${e}`, build: 'shipped options', file, mode: 'n/a', fixture: fixtureFor(e) });
  }
  const empty = join(tmp, 'entries', 'empty', 'index.js');
  variants.push({ group: 'floor', handler: 'empty', label: 'empty handler (floor)', build: 'NodejsFunction default', file: await bundle(join(entriesDir, 'empty.ts'), join(tmp, 'nodejs-function', 'empty', 'index.js'), nodejsFunctionDefaults), mode: 'n/a', fixture: fixtureFor('empty'), nodejsDefault: true });
  return { variants, empty };
}

/**
 * Measures every variant: `processes` fresh node processes each, run round-robin (one process
 * per variant per round) so machine noise spreads evenly over variants.
 */
export async function benchBundles({ tmp, processes, dynamo, log }) {
  const { variants } = await prepare(tmp, log);
  for (const v of variants) { v.size = sizeOf(v.file); v.runs = []; v.threw = new Set(); }
  const baseEnv = {
    POWERTOOLS_SERVICE_NAME: 'bench',
    POWERTOOLS_LOG_LEVEL: 'WARN',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    IDEMPOTENCY_TABLE_NAME: '',
  };
  let seq = 0;
  for (let round = 0; round < processes; round++) {
    for (const v of variants) {
      const event = v.fixture.event(`cold-${process.pid}-${seq++}`);
      const env = {
        ...baseEnv, ...v.fixture.env,
        ...(v.mode === 'on' || v.mode === 'on-sdk' ? { IDEMPOTENCY_TABLE_NAME: dynamo.tableName } : {}),
        ...(v.mode === 'on-sdk' ? { IDEMPOTENCY_PERSISTENCE_LAYER: 'sdk' } : {}),
      };
      const r = await runNode([childScript, v.file, JSON.stringify(event)], { env });
      v.runs.push(r);
      if (r.threw) v.threw.add(r.threw);
    }
    log(`cold starts: round ${round + 1}/${processes}`);
  }
  for (const v of variants) {
    v.coldStartMs = median(v.runs.map((r) => r.coldStartMs));
    v.bootMs = median(v.runs.map((r) => r.bootMs));
    v.initMs = median(v.runs.map((r) => r.requireMs + r.firstCallMs));
  }
  return variants;
}
