// Bundles every handler entry (lambda/**/<name>.handler.ts) into assets/<folder>/<name>/index.js.
// Constructs load these folders with lambda.Code.fromAsset, so consumers need neither Docker nor esbuild.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, dirname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lambdaDir = join(root, 'lambda');
const outRoot = join(root, 'assets');
const runtimeDir = join(root, 'packages', 'runtime');

function newestMtime(dir, suffix) {
  if (!existsSync(dir)) return 0;
  return Math.max(0, ...readdirSync(dir).map((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return newestMtime(full, suffix);
    return name.endsWith(suffix) ? statSync(full).mtimeMs : 0;
  }));
}

/**
 * The handlers import @cdk-serverless-patterns/runtime through the workspace link, which resolves
 * to its compiled lib/ (esbuild takes the `module` export condition: lib/esm). Builds it when a
 * source is newer than the build, so `npm run bundle`, `cdk synth` and the bench never bundle a
 * stale runtime.
 */
export function ensureRuntimeBuilt() {
  const built = Math.min(newestMtime(join(runtimeDir, 'lib', 'esm'), '.js'), newestMtime(join(runtimeDir, 'lib'), '.d.ts'));
  if (built > 0 && built >= newestMtime(join(runtimeDir, 'src'), '.ts')) return;
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  for (const project of ['tsconfig.json', 'tsconfig.esm.json']) {
    execFileSync(process.execPath, [tsc, '-p', join(runtimeDir, project)], { stdio: 'inherit' });
  }
}

function findEntries(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return findEntries(full);
    return name.endsWith('.handler.ts') ? [full] : [];
  });
}

/** Options shared with bench/ so the benchmark measures exactly what ships. */
export const bundleOptions = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  // Prefer ESM entry points: lets esbuild drop unused Powertools code.
  mainFields: ['module', 'main'],
  // The Lambda Node.js runtime ships AWS SDK v3 (with @aws-sdk/util-dynamodb, which the
  // idempotency layers marshal with); bundling it would triple the size.
  external: ['@aws-sdk/*'],
  legalComments: 'none',
  // A committed tsconfig, so the output does not depend on whether jsii has written tsconfig.json yet.
  tsconfig: join(root, 'tsconfig.dev.json'),
  logLevel: 'warning',
};

export async function bundleAll() {
  ensureRuntimeBuilt();
  // No wipe of assets/ first: other processes (tests, a watch) may be reading bundles meanwhile.
  const entries = findEntries(lambdaDir);
  const results = await Promise.all(entries.map(async (entry) => {
    const rel = relative(lambdaDir, entry);
    const name = join(dirname(rel), basename(rel, '.handler.ts'));
    const outfile = join(outRoot, name, 'index.js');
    await build({ ...bundleOptions, entryPoints: [entry], outfile });
    return { name, bytes: statSync(outfile).size };
  }));
  return results.sort((a, b) => a.name.localeCompare(b.name));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const results = await bundleAll();
  // --quiet: `cdk synth` bundles before every synth (no install script does it; see package.json).
  if (!process.argv.includes('--quiet')) {
    for (const r of results) console.log(`bundled ${r.name.padEnd(36)} ${r.bytes} bytes`);
  }
}
