// Turns the three sections' medians into the one markdown table of bench/RESULTS.md.
import { median, fmt } from './stats.mjs';
import { SYNTH_SIZES } from './synth.mjs';
import { nodejsFunctionDefaults } from './bundles.mjs';

const RESOURCE_LIMIT = 500;
const met = (ok) => (ok ? '**met**' : '**not met**');
const bytes = (s) => `${fmt.int(s.raw)} / ${fmt.int(s.gzip)} B`;

function bundleRows(variants) {
  const rows = [];
  // Node.js bootstrap runs before any bundle code and is the same binary for every variant: use
  // the median over all processes, so its noise does not land on one variant's ratio.
  const bootMs = median(variants.flatMap((v) => v.runs.map((r) => r.bootMs)));
  const cold = (v) => bootMs + v.initMs;
  const coldText = (v) => `${fmt.ms(cold(v))} (init ${fmt.ms(v.initMs)})`;
  const empty = variants.find((v) => v.group === 'floor' && !v.nodejsDefault);
  const emptyNf = variants.find((v) => v.group === 'floor' && v.nodejsDefault);
  const handlers = [...new Set(variants.filter((v) => v.group === 'handler').map((v) => v.handler))];
  const summary = { sizeMet: [], initMet: [], idempotentMet: [] };
  for (const h of handlers) {
    const mine = variants.filter((v) => v.handler === h && !v.nodejsDefault);
    const theirs = variants.filter((v) => v.handler === h && v.nodejsDefault);
    const sizeRatio = mine[0].size.raw / theirs[0].size.raw;
    // The shipped handlers aim at 1/3 of NodejsFunction's default; a user's handler (fromEntry) at 0.4x.
    const sizeTarget = mine[0].sizeTarget ?? 1 / 3;
    const sizeTargetText = mine[0].sizeTarget ? `${mine[0].sizeTarget}x` : '1/3';
    summary.sizeMet.push([h, sizeRatio <= sizeTarget]);
    mine.forEach((v, i) => {
      const nf = theirs.find((t) => t.mode === v.mode);
      const ratio = cold(v) / cold(empty);
      const label = `${h}${v.mode === 'n/a' ? '' : ` (idempotency ${v.mode})`}`;
      summary.initMet.push([label, ratio <= 1.5]);
      const mode = {
        'off': ', idempotency off',
        'on': ', idempotency on (dynalite), default DynamoDBHttpPersistenceLayer (signed HTTP)',
        'on-sdk': ', idempotency on (dynalite), IDEMPOTENCY_PERSISTENCE_LAYER=sdk: Powertools DynamoDBPersistenceLayer (AWS SDK)',
      }[v.mode] ?? '';
      const threw = v.threw.size ? `; the fixture call threw ${[...v.threw].join(', ')}` : '';
      const fixture = v.fixture.generic ? ' (generic SQS fixture)' : '';
      let coldTarget = `cold start <= 1.5x empty: ${met(ratio <= 1.5)}`;
      if (v.mode === 'on') {
        summary.idempotentMet.push([h, ratio <= 1.3]);
        coldTarget += `; idempotent cold start <= 1.3x empty: ${met(ratio <= 1.3)}`;
      }
      if (i === 0) {
        rows.push(['1', `\`${h}\`: bundle raw / gzip (${v.buildNote ?? 'shipped: cjs, minified, mainFields module,main'}); cold start${mode}${fixture}${threw}`,
          `${bytes(v.size)}; ${coldText(v)}`, `empty handler: ${bytes(empty.size)}; ${coldText(empty)}`,
          `NodejsFunction default: ${bytes(nf.size)}; ${coldText(nf)}`,
          `size ${fmt.x(sizeRatio, 3)} NodejsFunction (gzip ${fmt.x(v.size.gzip / nf.size.gzip, 3)}); cold start ${fmt.x(ratio)} empty, ${fmt.x(cold(v) / cold(nf))} NodejsFunction`,
          `size <= ${sizeTargetText} NodejsFunction: ${met(sizeRatio <= sizeTarget)}; ${coldTarget}`]);
      } else {
        rows.push(['1', `\`${h}\`: cold start${mode}${fixture}${threw}`, coldText(v), `empty handler: ${coldText(empty)}`,
          nf ? `NodejsFunction default: ${coldText(nf)}` : '',
          `cold start ${fmt.x(ratio)} empty${nf ? `, ${fmt.x(cold(v) / cold(nf))} NodejsFunction` : ''}`, coldTarget]);
      }
    });
  }
  rows.push(['1', 'empty handler bundled the NodejsFunction way (floor check)', `${bytes(emptyNf.size)}; ${coldText(emptyNf)}`, '', '', '', '']);
  for (const v of variants.filter((x) => x.group === 'import')) {
    rows.push(['1', `import cost: \`${v.handler}\` alone (shipped options)`, `${bytes(v.size)}; ${coldText(v)}`,
      `empty handler: ${coldText(empty)}`, '', `+${fmt.ms(v.initMs - empty.initMs)} init, ${fmt.x(cold(v) / cold(empty))} empty`, '']);
  }
  return { rows, summary, bootMs };
}

function synthRows(synth, peerVersion) {
  const rows = [];
  const v = (name, n) => synth[name][n];
  const cell = (s) => `${fmt.ms(s.totalMs, 0)} (synth() ${fmt.ms(s.synthMs, 0)}); heap ${fmt.mb(s.heapMB)}, peak RSS ${fmt.mb(s.rssMB)}; ${s.resources} resources`;
  for (const n of SYNTH_SIZES) {
    rows.push(['2', `construct + \`app.synth()\`, ${n} worker${n > 1 ? 's' : ''} (CDK_VALIDATION=false)`,
      `default: ${cell(v('ours', n))}; lean: ${cell(v('ours-lean', n))}`,
      `plain L2s: ${cell(v('floor', n))}`, `peer: ${cell(v('peer', n))}`,
      `default ${fmt.x(v('ours', n).totalMs / v('peer', n).totalMs)} peer, lean ${fmt.x(v('ours-lean', n).totalMs / v('peer', n).totalMs)} peer`, '']);
  }
  const perRes = (name) => (v(name, 100).resources - v(name, 1).resources) / 99;
  // Least-squares line through the four sizes: its slope is the cost per worker, its R^2 says how
  // linear the growth is (one noisy point moves it less than a two-point difference).
  const fit = (name, field = 'totalMs') => {
    const xs = SYNTH_SIZES;
    const ys = xs.map((n) => v(name, n)[field]);
    const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
    const my = ys.reduce((a, b) => a + b, 0) / ys.length;
    const sxy = xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0);
    const sxx = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
    const slope = sxy / sxx;
    const intercept = my - slope * mx;
    const ssRes = ys.reduce((a, y, i) => a + (y - (intercept + slope * xs[i])) ** 2, 0);
    const ssTot = ys.reduce((a, y) => a + (y - my) ** 2, 0);
    return { slope, intercept, r2: 1 - ssRes / ssTot };
  };
  const perWorker = (name) => fit(name).slope;
  const ratio = perWorker('ours') / perWorker('peer');
  const leanRatio = perWorker('ours-lean') / perWorker('peer');
  const perWorkerText = (name) => `${fmt.ms(perWorker(name), 2)} (${fmt.ms(perWorker(name) / perRes(name), 2)} per resource)`;
  rows.push(['2', 'time per worker (least-squares slope over 1-100 workers)', `default: ${perWorkerText('ours')}; lean: ${perWorkerText('ours-lean')}`,
    `plain L2s: ${perWorkerText('floor')}`, `peer: ${perWorkerText('peer')}`,
    `default ${fmt.x(ratio)} peer (${fmt.x(perWorker('ours') / perWorker('floor'))} L2s); lean ${fmt.x(leanRatio)} peer`,
    `<= 1.0x peer: default ${met(ratio <= 1)}, lean ${met(leanRatio <= 1)}`]);
  const hasCpu = ['ours', 'ours-lean', 'floor', 'peer'].every((name) => SYNTH_SIZES.every((n) => v(name, n).cpuMs !== undefined));
  const cpuRatio = hasCpu ? fit('ours', 'cpuMs').slope / fit('peer', 'cpuMs').slope : undefined;
  if (hasCpu) {
    const cpuText = (name) => fmt.ms(fit(name, 'cpuMs').slope, 2);
    rows.push(['2', 'CPU time per worker (same runs, slope of the timed span\'s user + system CPU time)',
      `default: ${cpuText('ours')}; lean: ${cpuText('ours-lean')}`, `plain L2s: ${cpuText('floor')}`, `peer: ${cpuText('peer')}`,
      `default ${fmt.x(cpuRatio)} peer; lean ${fmt.x(fit('ours-lean', 'cpuMs').slope / fit('peer', 'cpuMs').slope)} peer`,
      `<= 1.0x peer: default ${met(cpuRatio <= 1)}`]);
  }
  const r2 = (name) => fit(name).r2.toFixed(3);
  const lin = fit('ours').r2;
  rows.push(['2', 'growth: R² of a straight line through 1, 10, 50, 100 workers (1 = linear)', `default: ${r2('ours')}; lean: ${r2('ours-lean')}`,
    `plain L2s: ${r2('floor')}`, `peer: ${r2('peer')}`, '',
    `linear in N (R² >= 0.95): ${met(lin >= 0.95)}`]);
  const base = (name) => v(name, 1).resources - perRes(name);
  const fits = (name) => Math.floor((RESOURCE_LIMIT - base(name)) / perRes(name));
  rows.push(['2', 'CloudFormation resources per worker (shared once per stack: the idempotency table)', `default: ${perRes('ours')}; lean: ${perRes('ours-lean')}`,
    `plain L2s: ${perRes('floor')}`, `peer: ${perRes('peer')}`, '', `<= 10 with defaults: ${met(perRes('ours') <= 10)}`]);
  rows.push(['2', `workers per stack under the ${RESOURCE_LIMIT}-resource limit`, `default: **${fits('ours')}**; lean: ${fits('ours-lean')}`,
    `plain L2s: ${fits('floor')}`, `peer: ${fits('peer')}`, '', 'reported']);
  const val = synth.ours.validated;
  if (val[1]) {
    const vc = (name, n) => `${fmt.ms(synth[name].validated[n].totalMs, 0)}`;
    rows.push(['2', 'reference: CDK validation on, 1 / 100 workers (single run)', `default: ${vc('ours', 1)} / ${vc('ours', 100)}; lean: ${vc('ours-lean', 1)} / ${vc('ours-lean', 100)}`,
      `plain L2s: ${vc('floor', 1)} / ${vc('floor', 100)}`, `peer: ${vc('peer', 1)} / ${vc('peer', 100)}`, '', '']);
  }
  return { rows, summary: { ratio, leanRatio, cpuRatio, lin, fits: fits('ours'), perWorkerResources: perRes('ours'), peerVersion } };
}

function throughputRows(t) {
  const rows = [];
  for (const batchSize of Object.keys(t).filter((k) => k !== 'fifo')) {
    const bare = t[batchSize].bare.recordsPerSecond;
    const dynamo = t[batchSize]['dynamo-http'].recordsPerSecond;
    const sdkFloor = t[batchSize].dynamo.recordsPerSecond;
    const overhead = (rps, base) => (1 / rps - 1 / base) * 1e6;
    const off = t[batchSize].off.recordsPerSecond;
    rows.push(['3', `\`createSqsWorkerHandler\`, batch of ${batchSize}, idempotency off`,
      `${fmt.int(off)} records/s`, `bare loop: ${fmt.int(bare)} records/s`, '',
      `${fmt.us(overhead(off, bare))} overhead per record (${fmt.x(off / bare)} bare rate)`, '']);
    const on = t[batchSize].on.recordsPerSecond;
    rows.push(['3', `\`createSqsWorkerHandler\`, batch of ${batchSize}, idempotency on (dynalite)`,
      `${fmt.int(on)} records/s`, `bare loop: ${fmt.int(bare)} records/s`,
      `bare loop + the same 2 DynamoDB writes per record (same signed HTTP client): ${fmt.int(dynamo)} records/s`,
      `${fmt.us(overhead(on, bare))} per record over the bare loop, of which ${fmt.us(overhead(dynamo, bare))} are the 2 dynalite round trips; ${fmt.us(overhead(on, dynamo))} Powertools idempotency + helper (${fmt.x(on / dynamo)} the write floor's rate)`, '']);
    const sdk = t[batchSize]['on-sdk'].recordsPerSecond;
    rows.push(['3', `\`createSqsWorkerHandler\`, batch of ${batchSize}, idempotency on (dynalite), IDEMPOTENCY_PERSISTENCE_LAYER=sdk (Powertools DynamoDBPersistenceLayer)`,
      `${fmt.int(sdk)} records/s`, `bare loop: ${fmt.int(bare)} records/s`,
      `bare loop + the same 2 writes through the SDK's DynamoDBClient: ${fmt.int(sdkFloor)} records/s`,
      `${fmt.us(overhead(sdkFloor, bare))} per record are the 2 round trips through the SDK, ${fmt.us(overhead(sdk, sdkFloor))} Powertools idempotency + helper; the default signed-HTTP layer runs at ${fmt.x(on / sdk)} this rate`, '']);
  }
  const f = t.fifo;
  const fifo = f ? { group: f.group.share, batch: f.batch.share } : undefined;
  if (f) {
    rows.push(['3', `FIFO batch of ${f.group.batchSize}: ${f.group.batchSize} message groups, one poisoned (4th record): healthy records processed per invocation`,
      `default (\`fifoFailureScope: 'group'\`, Powertools skipGroupOnError): ${fmt.pct(f.group.share)}; ${fmt.int(f.group.recordsPerSecond)} records/s`,
      `\`fifoFailureScope: 'batch'\` (previous default): ${fmt.pct(f.batch.share)}; ${fmt.int(f.batch.recordsPerSecond)} records/s`, '',
      `${fmt.x(f.group.share / f.batch.share)} the healthy records of the previous default`,
      `>= 90% of healthy records per invocation: ${met(f.group.share >= 0.9)}`]);
  }
  return { rows, fifo };
}

export function render({ bundles, synth, throughput, config, quick, peerVersion, machine, seconds }) {
  const b = bundleRows(bundles);
  const s = synthRows(synth, peerVersion);
  const t = throughputRows(throughput);
  const header = ['#', 'figure', 'this library', 'floor baseline', 'second baseline', 'ratio', 'target'];
  const esc = (c) => String(c).replace(/\|/g, '\\|');
  const lines = [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...[...b.rows, ...s.rows, ...t.rows].map((r) => `| ${r.map(esc).join(' | ')} |`),
  ];
  const nf = nodejsFunctionDefaults;
  const list = (pairs, want) => pairs.filter(([, ok]) => ok === want).map(([name]) => `\`${name}\``).join(', ') || 'none';
  const glance = [
    '## Targets at a glance',
    '',
    `- Bundle size <= 1/3 of the NodejsFunction default (raw bytes; the user handler built with HandlerCode.fromEntry: <= 0.4x): met by ${list(b.summary.sizeMet, true)}; not met by ${list(b.summary.sizeMet, false)}.`,
    `- Cold start <= 1.5x the empty handler: met by ${list(b.summary.initMet, true)}; not met by ${list(b.summary.initMet, false)}.`,
    `- Idempotent handlers (idempotency on, default persistence layer) cold start <= 1.3x the empty handler: met by ${list(b.summary.idempotentMet, true)}; not met by ${list(b.summary.idempotentMet, false)}.`,
    ...(t.fifo ? [`- FIFO, 10 message groups with one poison group: ${fmt.pct(t.fifo.group)} of the healthy records processed per invocation with the default (group scope; target >= 90%: ${met(t.fifo.group >= 0.9)}), ${fmt.pct(t.fifo.batch)} with \`fifoFailureScope: 'batch'\` (the previous default).`] : []),
    `- Synth time per SqsWorker <= 1.0x the peer: ${fmt.x(s.summary.ratio)} with defaults (${met(s.summary.ratio <= 1)}), ${fmt.x(s.summary.leanRatio)} lean (${met(s.summary.leanRatio <= 1)}).${s.summary.cpuRatio !== undefined ? ` CPU time per worker: ${fmt.x(s.summary.cpuRatio)} the peer's with defaults.` : ''}`,
    `- Growth linear in N: R² ${s.summary.lin.toFixed(3)} (${met(s.summary.lin >= 0.95)}).`,
    `- SqsWorkers per stack (500 resources): ${s.summary.fits} with defaults.`,
    `- CloudFormation resources per default SqsWorker <= 10: ${s.summary.perWorkerResources} (${met(s.summary.perWorkerResources <= 10)}).`,
  ];
  const notes = [
    `# Benchmark results${quick ? ' (QUICK RUN: fewer repetitions)' : ''}`,
    '',
    `Generated by \`npm run bench\` (bench/run.mjs) in ${seconds.toFixed(0)} s on ${machine}, while other work ran on the machine: read the ratios against the same-run baselines, not the absolute figures.`,
    '',
    ...lines,
    '',
    ...glance,
    '',
    '## How each figure is measured',
    '',
    `- **Bundles** (section 1): every \`lambda/**/<name>.handler.ts\`, bundled by \`npm run bundle\` (scripts/bundle-handlers.mjs \`bundleOptions\`: esbuild, cjs, minified, \`mainFields: module,main\`, \`@aws-sdk/*\` external (the signed-HTTP idempotency layer marshals with \`@aws-sdk/util-dynamodb\` from the runtime's SDK, as Powertools' layer does), target node20). ESM output was tried and left out: it saved 0-3% of bytes and would break the \`assets/<name>/index.js\` contract the constructs and tests load. "gzip" is \`zlib.gzipSync\` at the default level. The second baseline is the same source bundled the way \`NodejsFunction\` does by default in aws-cdk-lib 2.276.0 (read from aws-lambda-nodejs/lib/bundling.js): \`esbuild --bundle --platform=node --target=${nf.target}\` (runtime NODEJS_24_X, our default), no minify, no source map, no main-fields (esbuild's \`main,module\`), cjs, \`--external:@aws-sdk/*\` (Node 18+ runtimes, \`@smithy/*\` only with the sdkV3ExcludeSmithyPackages feature flag, unset). The floor is an empty handler bundled with the shipped options.`,
    `- **Cold start**: median of ${config.processes} fresh \`node\` processes per variant (run round-robin across variants), each requiring the bundle and calling \`handler\` once with a fixture (bench/fixtures/events.mjs). Cold start = Node.js bootstrap (median over all processes: ${fmt.ms(b.bootMs)}; identical binary, before any bundle code) + that variant's median init. With idempotency on, the first call does the DynamoDB round trips against a dynalite in the bench process, through the default persistence layer (DynamoDBHttpPersistenceLayer: Powertools' BasePersistenceLayer over an aws4-signed node:http client) or, in the \`on-sdk\` rows, through Powertools' DynamoDBPersistenceLayer (IDEMPOTENCY_PERSISTENCE_LAYER=sdk); the AWS SDK is external and loads from node_modules, as it loads from the runtime in Lambda. "import cost" rows bundle one Powertools (or SDK) import alone with the shipped options (bench/fixtures/entries/).`,
    `- **Synth** (section 2): each figure is the median of ${config.synthRuns} fresh child processes (bench/children/synth-app.cjs), variants interleaved; time = building the constructs + \`app.synth()\` (module loading excluded: the aws-cdk-lib modules any variant uses are loaded before the clock in every variant), \`synth()\` alone in parentheses; heap = V8 committed heap right after synth (a lower bound of the peak, since a GC during synth shrinks it), peak RSS = \`process.resourceUsage().maxRSS\` of the child (whole process, the true high-water mark). \`CDK_VALIDATION=false\` except the reference row. Variants: **default** = \`SqsWorker\` with its defaults (queue, DLQ, their 2 SSL-only queue policies, function, role with the grants inline, log group, ESM, 4 alarms; one idempotency table per stack, shared by every worker); **lean** = \`SqsWorker\` with idempotency and alarms off; **plain L2s** = DLQ + queue with redrive + \`lambda.Function\` + \`SqsEventSource\` (the floor); **peer** = \`@aws-solutions-constructs/aws-sqs-lambda\` ${peerVersion} \`SqsToLambda\` (bench/peer, its own aws-cdk-lib 2.276.0). All use the same \`assets/sqs-worker/example\` code asset. CDK's 500-resource check is lifted (context \`@aws-cdk/core:stackResourceLimit: 0\`) so 50 and 100 workers synth; such stacks would have to be split to deploy. Resources per worker = (resources at 100 - at 1) / 99; workers per stack = (500 - stack base) / per worker.`,
    `- **FIFO** (section 3): \`createSqsWorkerHandler(processOrder, { fifo: true })\` on FIFO batches of 10 records in 10 message groups whose 4th record is not JSON (its group is poisoned); the share is the minimum over the runs of (records not in batchItemFailures) / 9 healthy records, for the default group scope and for \`fifoFailureScope: 'batch'\`. Order within each group is asserted by test/sqs-worker-runtime.test.ts, not here.`,
    `- **Throughput** (section 3): \`createSqsWorkerHandler(processOrder)\` (packages/runtime/src/sqs-worker.ts, bundled with the shipped options) against a bare \`for\` loop that \`JSON.parse\`s each body and awaits the same \`processOrder\`; median over ${config.throughputRounds} processes x ${config.samples} samples of >= ${config.sampleMs} ms of back-to-back batches (event construction off the clock). Idempotency on: every record is a first delivery (unique messageId), persisted in dynalite over loopback HTTP, so that row measures dynalite as much as the helper. The second baseline of the idempotency-on rows is the bare loop plus the two writes Powertools makes for a first delivery (conditional PutItem, UpdateItem), records of a batch in parallel as \`BatchProcessor\` runs them, through the same client as the row (the runtime's signed HTTP client for the default layer, the SDK's DynamoDBClient for \`on-sdk\`) and the same dynalite: it separates the database round trips from the helper's own cost. Overhead per record = 1/rate - 1/baseline rate.`,
  ];
  return notes.join('\n');
}
