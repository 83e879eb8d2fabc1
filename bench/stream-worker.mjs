// StreamWorker bundle and cold-start figures: `node bench/stream-worker.mjs`.
// Bundles with the shipped options (scripts/bundle-handlers.mjs), then for each variant starts
// fresh `node` processes that require the bundle and call the handler once with a Kinesis event
// (idempotency off), and prints bytes, gzip bytes and the median init (require) and first-call times.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { bundleOptions, ensureRuntimeBuilt } from '../scripts/bundle-handlers.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tmp = join(root, '.bench-tmp', 'stream-worker');
const runs = Number(process.env.RUNS ?? 11);
rmSync(tmp, { recursive: true, force: true });
mkdirSync(tmp, { recursive: true });
ensureRuntimeBuilt();

const entries = {
  'empty handler (floor)': 'export const handler = async () => ({});',
  'runtime only: createStreamWorkerHandler + no-op record function':
    `import { createStreamWorkerHandler } from '@cdk-serverless-patterns/runtime/stream-worker';\nexport const handler = createStreamWorkerHandler(() => undefined);`,
  'unmarshaller: built-in (packages/runtime/src/dynamodb-image.ts)':
    `import { unmarshallImage } from '@cdk-serverless-patterns/runtime/dynamodb-image';\nexport const handler = async (e) => unmarshallImage(e.image);`,
  'unmarshaller: @aws-sdk/util-dynamodb, bundled':
    `import { unmarshall } from '@aws-sdk/util-dynamodb';\nexport const handler = async (e) => unmarshall(e.image);`,
};
const variants = [];
for (const [label, source] of Object.entries(entries)) {
  const entry = join(tmp, `${variants.length}.ts`);
  writeFileSync(entry, source);
  const outfile = join(tmp, `${variants.length}`, 'index.js');
  const external = label.includes('util-dynamodb') ? [] : bundleOptions.external;
  await build({ ...bundleOptions, external, entryPoints: [entry], outfile });
  variants.push({ label, file: outfile });
}
for (const name of ['stream-worker/example', 'stream-worker/read-model', 'sqs-worker/example']) {
  const outfile = join(tmp, name, 'index.js');
  await build({ ...bundleOptions, entryPoints: [join(root, 'lambda', `${name}.handler.ts`)], outfile });
  variants.push({ label: `${name} (shipped)`, file: outfile });
}

const event = JSON.stringify({ image: { id: { S: 'x' } }, Records: [{
  eventSource: 'aws:kinesis', eventID: 'shardId-000000000000:1', kinesis: { sequenceNumber: '1', partitionKey: 'p',
    data: Buffer.from('{"orderId":"o","customerId":"c","amount":1}').toString('base64'), approximateArrivalTimestamp: 1 } }] });
const probe = (file) => `const t0 = process.hrtime.bigint(); const { handler } = require(${JSON.stringify(file)});
const t1 = process.hrtime.bigint();
Promise.resolve(handler(${event}, { getRemainingTimeInMillis: () => 30000, functionName: 'f', awsRequestId: 'r' })).catch(() => undefined)
  .then(() => { const t2 = process.hrtime.bigint(); console.log(JSON.stringify({ init: Number(t1 - t0) / 1e6, call: Number(t2 - t1) / 1e6 })); });`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const env = { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT', AWS_REGION: 'us-east-1', READ_MODEL_TABLE_NAME: '', NODE_NO_WARNINGS: '1' };
const rows = [];
for (const v of variants) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    samples.push(JSON.parse(execFileSync(process.execPath, ['-e', probe(v.file)], { cwd: root, env }).toString().trim().split('\n').pop()));
  }
  const bytes = statSync(v.file).size;
  rows.push(`| ${v.label} | ${bytes.toLocaleString('en')} | ${gzipSync(readFileSync(v.file)).length.toLocaleString('en')} | `
    + `${median(samples.map((s) => s.init)).toFixed(1)} ms | ${median(samples.map((s) => s.call)).toFixed(1)} ms |`);
}
console.log(`| variant | bytes | gzip | init (median of ${runs}) | first call |\n|---|---|---|---|---|\n${rows.join('\n')}`);
rmSync(tmp, { recursive: true, force: true });
