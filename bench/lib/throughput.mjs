// Section 3: batch throughput of createSqsWorkerHandler against a bare loop over the same user
// function, batches of 10 and 100, idempotency off and on (dynalite). Modes alternate per round.
import { build } from 'esbuild';
import { join, dirname } from 'node:path';
import { bundleOptions, ensureRuntimeBuilt } from '../../scripts/bundle-handlers.mjs';
import { median, runNode } from './stats.mjs';

const root = join(dirname(new URL(import.meta.url).pathname), '..', '..');
const childScript = join(root, 'bench', 'children', 'throughput.cjs');
export const THROUGHPUT_MODES = ['bare', 'off', 'dynamo-http', 'on', 'dynamo', 'on-sdk'];
export const BATCH_SIZES = [10, 100];
/** FIFO: SQS FIFO batches hold at most 10 records; one record per message group. */
export const FIFO_MODES = ['fifo-group', 'fifo-batch'];
const FIFO_BATCH = 10;

export async function benchThroughput({ tmp, rounds, samples, sampleMs, dynamo, log }) {
  const bundle = join(tmp, 'throughput', 'runtime.js');
  ensureRuntimeBuilt();
  await build({ ...bundleOptions, entryPoints: [join(root, 'bench', 'fixtures', 'throughput-entry.ts')], outfile: bundle });
  const env = {
    POWERTOOLS_SERVICE_NAME: 'bench',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    IDEMPOTENCY_TABLE_NAME: dynamo.tableName,
  };
  const all = {};
  for (let round = 0; round < rounds; round++) {
    for (const batchSize of BATCH_SIZES) {
      for (const mode of THROUGHPUT_MODES) {
        const r = await runNode([childScript, bundle, mode, String(batchSize), String(samples), String(sampleMs)], { env });
        if (r.failures) throw new Error(`throughput ${mode}/${batchSize}: ${r.failures} records failed`);
        (all[`${mode}:${batchSize}`] ??= []).push(...r.recordsPerSecond);
      }
    }
    for (const mode of FIFO_MODES) {
      const r = await runNode([childScript, bundle, mode, String(FIFO_BATCH), String(samples), String(sampleMs)], { env });
      (all[`${mode}:${FIFO_BATCH}`] ??= []).push(...r.recordsPerSecond);
      (all[`${mode}:share`] ??= []).push(r.healthyProcessedShare);
    }
    log(`throughput: round ${round + 1}/${rounds}`);
  }
  const table = {};
  for (const batchSize of BATCH_SIZES) {
    table[batchSize] = {};
    for (const mode of THROUGHPUT_MODES) {
      const list = all[`${mode}:${batchSize}`];
      table[batchSize][mode] = { recordsPerSecond: median(list), samples: list.length };
    }
  }
  table.fifo = Object.fromEntries(FIFO_MODES.map((mode) => [mode.replace('fifo-', ''), {
    recordsPerSecond: median(all[`${mode}:${FIFO_BATCH}`]), share: Math.min(...all[`${mode}:share`]), batchSize: FIFO_BATCH,
  }]));
  return table;
}
