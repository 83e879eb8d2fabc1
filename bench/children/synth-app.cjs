// One synth: a fresh process builds an App with N copies of the SQS -> Lambda topology and runs
// app.synth(). Prints BENCH_RESULT {constructMs, synthMs, resources, heapMB, rssMB}.
//   usage: node synth-app.cjs <variant> <N> <outdir> <libBundle> <assetDir> <peerDir>
// Variants:
//   ours        SqsWorker with its defaults (queue, DLQ, function, log group, ESM, idempotency table, 4 alarms)
//   ours-lean   SqsWorker with idempotency and alarms off (the floor's topology plus a log group)
//   floor       plain aws-cdk-lib L2s: DLQ + queue with redrive + lambda.Function + SqsEventSource
//   peer        @aws-solutions-constructs/aws-sqs-lambda SqsToLambda (its own aws-cdk-lib 2.276.0 copy in bench/peer)
'use strict';
const path = require('node:path');
const { createRequire } = require('node:module');
const v8 = require('node:v8');

const [variant, nText, outdir, libBundle, assetDir, peerDir] = process.argv.slice(2);
const n = Number(nText);
const req = variant === 'peer' ? createRequire(path.join(peerDir, 'package.json')) : require;
const cdk = req('aws-cdk-lib');
const sqs = req('aws-cdk-lib/aws-sqs');
const lambda = req('aws-cdk-lib/aws-lambda');
// Module loading is not part of what is compared: load everything before the clock starts.
const ours = variant.startsWith('ours') ? require(libBundle) : undefined;
const { SqsEventSource } = req('aws-cdk-lib/aws-lambda-event-sources');
const peer = variant === 'peer' ? req('@aws-solutions-constructs/aws-sqs-lambda') : undefined;
// aws-cdk-lib loads its modules lazily, on first use of an export: requiring it loads almost nothing.
// The peer's package touches much of it at require time, so without this the other variants loaded
// about 140 more files (some 200 ms) inside the clock. The same modules, for every variant: those
// any variant's constructs use.
const cdkDir = path.dirname(req.resolve('aws-cdk-lib/package.json'));
for (const dir of ['core', 'cx-api', 'region-info', 'aws-iam', 'aws-kms', 'aws-s3', 'aws-s3-assets', 'aws-sqs', 'aws-lambda',
  'aws-lambda-event-sources', 'aws-logs', 'aws-cloudwatch', 'aws-cloudwatch-actions', 'aws-dynamodb']) {
  const exports = req(path.join(cdkDir, dir, 'index.js'));
  for (const name of Object.keys(exports)) void exports[name];
}

const cpu0 = process.cpuUsage();
const t0 = performance.now();
// 50 and 100 workers exceed CloudFormation's 500 resources per stack: lift CDK's check (0 = off) so
// the scaling curve can be measured; such a stack would have to be split to deploy.
const app = new cdk.App({ outdir, context: { '@aws-cdk/core:stackResourceLimit': 0 } });
const stack = new cdk.Stack(app, 'Bench', { env: { account: '123456789012', region: 'us-east-1' } });
const code = lambda.Code.fromAsset(assetDir);

if (variant === 'ours' || variant === 'ours-lean') {
  const { SqsWorker, HandlerCode } = ours;
  const lean = variant === 'ours-lean';
  for (let i = 0; i < n; i++) {
    new SqsWorker(stack, `Worker${i}`, {
      handler: HandlerCode.fromCode(code, 'index.handler'),
      ...(lean ? { idempotency: { enabled: false }, alarmsEnabled: false } : {}),
    });
  }
} else if (variant === 'floor') {
  for (let i = 0; i < n; i++) {
    const dlq = new sqs.Queue(stack, `Worker${i}Dlq`);
    const queue = new sqs.Queue(stack, `Worker${i}Queue`, {
      visibilityTimeout: cdk.Duration.seconds(180),
      deadLetterQueue: { queue: dlq, maxReceiveCount: 5 },
    });
    const fn = new lambda.Function(stack, `Worker${i}Function`, {
      runtime: lambda.Runtime.NODEJS_24_X,
      code,
      handler: 'index.handler',
      timeout: cdk.Duration.seconds(30),
    });
    fn.addEventSource(new SqsEventSource(queue, { batchSize: 10, reportBatchItemFailures: true }));
  }
} else if (variant === 'peer') {
  const { SqsToLambda } = peer;
  for (let i = 0; i < n; i++) {
    new SqsToLambda(stack, `Worker${i}`, {
      lambdaFunctionProps: {
        runtime: lambda.Runtime.NODEJS_24_X,
        code,
        handler: 'index.handler',
        timeout: cdk.Duration.seconds(30),
      },
      queueProps: { visibilityTimeout: cdk.Duration.seconds(180) },
      maxReceiveCount: 5,
      sqsEventSourceProps: { batchSize: 10, reportBatchItemFailures: true },
    });
  }
} else {
  throw new Error(`unknown variant ${variant}`);
}

const t1 = performance.now();
const assembly = app.synth();
const t2 = performance.now();
const cpu = process.cpuUsage(cpu0);
const heap = v8.getHeapStatistics();
const template = assembly.getStackByName('Bench').template;
process.stdout.write(`\nBENCH_RESULT ${JSON.stringify({
  constructMs: t1 - t0,
  synthMs: t2 - t1,
  // CPU time of the same span (user + system): wall time with the contention of a shared machine taken out.
  cpuMs: (cpu.user + cpu.system) / 1000,
  resources: Object.keys(template.Resources ?? {}).length,
  // V8 does not give back heap pages right after a synth: the committed heap approximates the peak.
  heapMB: heap.total_heap_size / 1048576,
  rssMB: process.resourceUsage().maxRSS / 1024,
  warnings: (assembly.getStackByName('Bench').messages ?? []).filter((m) => m.level === 'warning').length,
})}\n`, () => process.exit(0));
