// Bundles every handler entry (lambda/**/<name>.handler.ts) into assets/<folder>/<name>/index.js.
// Constructs load these folders with lambda.Code.fromAsset, so consumers need neither Docker nor esbuild.
import { build } from 'esbuild';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, dirname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lambdaDir = join(root, 'lambda');
const outRoot = join(root, 'assets');

function findEntries(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return findEntries(full);
    return name.endsWith('.handler.ts') ? [full] : [];
  });
}

/** Marks every `@aws-sdk/*` import external except the bundled ones. */
export const BUNDLED_SDK_PACKAGES = ['@aws-sdk/util-dynamodb'];
const keepSdkExternal = {
  name: 'aws-sdk-external',
  setup(b) {
    b.onResolve({ filter: /^@aws-sdk\// }, (args) => (
      BUNDLED_SDK_PACKAGES.some((p) => args.path === p || args.path.startsWith(`${p}/`)) ? undefined : { path: args.path, external: true }
    ));
  },
};

/** Options shared with bench/ so the benchmark measures exactly what ships. */
export const bundleOptions = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  // Prefer ESM entry points: lets esbuild drop unused Powertools code.
  mainFields: ['module', 'main'],
  // The Lambda Node.js runtime ships AWS SDK v3; bundling it would triple the size. One
  // exception: @aws-sdk/util-dynamodb (5 KB, no dependencies), which the idempotency layer uses
  // to marshal records exactly as Powertools does, is bundled (see keepSdkExternal).
  plugins: [keepSdkExternal],
  legalComments: 'none',
  // A committed tsconfig, so the output does not depend on whether jsii has written tsconfig.json yet.
  tsconfig: join(root, 'tsconfig.dev.json'),
  logLevel: 'warning',
};

export async function bundleAll() {
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
  for (const r of results) console.log(`bundled ${r.name.padEnd(36)} ${r.bytes} bytes`);
}
