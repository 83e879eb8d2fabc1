// Section 2: synth scaling. Each figure: a fresh child process per synth, `runs` per configuration,
// interleaved across variants, median.
import { build } from 'esbuild';
import { existsSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { median, runNode } from './stats.mjs';

const root = join(dirname(new URL(import.meta.url).pathname), '..', '..');
const childScript = join(root, 'bench', 'children', 'synth-app.cjs');
export const SYNTH_VARIANTS = ['floor', 'peer', 'ours-lean', 'ours'];
export const SYNTH_SIZES = [1, 10, 50, 100];

export async function benchSynth({ tmp, runs, validationRuns, peerDir, log }) {
  const libBundle = join(tmp, 'synth', 'lib.js');
  await build({
    entryPoints: [join(root, 'bench', 'fixtures', 'synth-entry.ts')],
    outfile: libBundle,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs'],
    logLevel: 'warning',
  });
  const assetDir = join(root, 'assets', 'sqs-worker', 'example');
  if (!existsSync(join(assetDir, 'index.js'))) throw new Error(`${assetDir}/index.js missing: run npm run bundle`);

  const results = {};
  const once = async (variant, n, validation, i) => {
    const outdir = join(tmp, 'synth-out', `${variant}-${n}-${validation ? 'v' : 'nv'}-${i}`);
    const r = await runNode([childScript, variant, String(n), outdir, libBundle, assetDir, peerDir], {
      env: { CDK_VALIDATION: validation ? 'true' : 'false' },
      cwd: root,
    });
    rmSync(outdir, { recursive: true, force: true });
    return r;
  };
  for (let i = 0; i < runs; i++) {
    for (const n of SYNTH_SIZES) {
      for (const variant of SYNTH_VARIANTS) {
        const key = `${variant}:${n}`;
        (results[key] ??= []).push(await once(variant, n, false, i));
      }
    }
    log(`synth: run ${i + 1}/${runs}`);
  }
  const validated = {};
  for (let i = 0; i < validationRuns; i++) {
    for (const n of [1, 100]) {
      for (const variant of SYNTH_VARIANTS) {
        (validated[`${variant}:${n}`] ??= []).push(await once(variant, n, true, i));
      }
    }
    log(`synth with validation: run ${i + 1}/${validationRuns}`);
  }
  const summarize = (list) => list && ({
    synthMs: median(list.map((r) => r.synthMs)),
    totalMs: median(list.map((r) => r.constructMs + r.synthMs)),
    // CPU time of the same span: what the work costs without the machine's other load.
    cpuMs: list.every((r) => typeof r.cpuMs === 'number') ? median(list.map((r) => r.cpuMs)) : undefined,
    heapMB: median(list.map((r) => r.heapMB)),
    rssMB: median(list.map((r) => r.rssMB)),
    resources: list[0].resources,
    runs: list.length,
  });
  const table = {};
  for (const variant of SYNTH_VARIANTS) {
    table[variant] = {};
    for (const n of SYNTH_SIZES) table[variant][n] = summarize(results[`${variant}:${n}`]);
    table[variant].validated = { 1: summarize(validated[`${variant}:1`]), 100: summarize(validated[`${variant}:100`]) };
  }
  return table;
}
