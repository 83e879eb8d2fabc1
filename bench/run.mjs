// npm run bench: handler bundle size and cold start, synth scaling, batch throughput, each against
// baselines measured in the same run. Prints one markdown table and writes it to bench/RESULTS.md.
// Not part of npm test; no figure here is asserted. `node bench/run.mjs --quick` runs fewer
// repetitions (for trying the bench out; RESULTS.md must come from a full run).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchBundles } from './lib/bundles.mjs';
import { startDynamo } from './lib/dynamo.mjs';
import { benchSynth } from './lib/synth.mjs';
import { benchThroughput } from './lib/throughput.mjs';
import { render } from './lib/render.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quick = process.argv.includes('--quick');
const config = quick
  ? { processes: 5, synthRuns: 1, validationRuns: 0, throughputRounds: 1, samples: 3, sampleMs: 100 }
  : { processes: 15, synthRuns: 7, validationRuns: 1, throughputRounds: 3, samples: 3, sampleMs: 200 };
const started = Date.now();
const log = (msg) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${msg}\n`);

/** The peer baseline lives in bench/peer with its own lockfile; never in the root package.json. */
function ensurePeer(peerDir) {
  const lock = join(peerDir, 'package-lock.json');
  const installed = join(peerDir, 'node_modules', '@aws-solutions-constructs', 'aws-sqs-lambda', 'package.json');
  const wanted = existsSync(lock)
    ? JSON.parse(readFileSync(lock, 'utf8')).packages?.['node_modules/@aws-solutions-constructs/aws-sqs-lambda']?.version
    : undefined;
  if (existsSync(installed) && (!wanted || JSON.parse(readFileSync(installed, 'utf8')).version === wanted)) return;
  const command = wanted ? 'ci' : 'install';
  log(`installing the peer baseline: npm ${command} --prefix bench/peer`);
  execFileSync('npm', [command, '--prefix', peerDir, '--no-audit', '--no-fund', '--loglevel=error'], { stdio: 'inherit' });
}

const tmp = join(root, '.bench-tmp');
rmSync(tmp, { recursive: true, force: true });
mkdirSync(tmp, { recursive: true });
const peerDir = join(root, 'bench', 'peer');
ensurePeer(peerDir);
const peerVersion = JSON.parse(readFileSync(join(peerDir, 'node_modules', '@aws-solutions-constructs', 'aws-sqs-lambda', 'package.json'), 'utf8')).version;

const dynamo = await startDynamo();
try {
  log('section 1: handler bundles (size, cold start)');
  const bundles = await benchBundles({ tmp, processes: config.processes, dynamo, log });
  log('section 2: synth scaling');
  const synth = await benchSynth({ tmp, runs: config.synthRuns, validationRuns: config.validationRuns, peerDir, log });
  log('section 3: batch throughput');
  const throughput = await benchThroughput({ tmp, rounds: config.throughputRounds, samples: config.samples, sampleMs: config.sampleMs, dynamo, log });
  const markdown = render({
    bundles, synth, throughput, config, quick, peerVersion,
    machine: `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, Node.js ${process.version}`,
    seconds: (Date.now() - started) / 1000,
  });
  process.stdout.write(`${markdown}\n`);
  if (!quick) writeFileSync(join(root, 'bench', 'RESULTS.md'), `${markdown}\n`);
  else log('--quick: bench/RESULTS.md left as it was');
} finally {
  await dynamo.stop();
  rmSync(tmp, { recursive: true, force: true });
}
