import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { alarmLines } from '../lib/cost/estimators/common';
import * as model from '../lib/cost/model';
import { resolvePrices, US_EAST_1_PRICES } from '../lib/cost/prices';

/**
 * A hand calculation for every service the cost report prices: the expected figures are written
 * out from the published prices (seeds and pricing pages), not computed by the model's helpers.
 */
const p = US_EAST_1_PRICES;
const cost = (l: model.CostLine) => Number(l.monthlyCost.toFixed(6));

describe('cost model, one hand calculation per service', () => {
  test('Lambda requests and GB-seconds by architecture (the seeds\' example: 1M x 200 ms x 512 MB)', () => {
    expect(cost(model.lambdaRequests(1_000_000, p))).toBe(0.2);
    // seeds: x86 1,000,000 x 0.2 s x 0.5 GB x $0.0000166667 = $1.67; ARM64 ... x $0.0000133334 = $1.33
    const x86 = model.lambdaDuration(1_000_000, 0.2, 512, false, p);
    const arm = model.lambdaDuration(1_000_000, 0.2, 512, true, p);
    expect(x86.quantity).toBe(100_000);
    expect(x86.monthlyCost.toFixed(2)).toBe('1.67');
    expect(arm.monthlyCost.toFixed(2)).toBe('1.33');
    expect(arm.item).toBe('duration arm64');
    expect(arm.formula).toBe('1,000,000 invocations x 0.2 s x 0.5 GB = 100,000 GB-s x $0.0000133334');
    expect(model.stepFunctionsStandard(1, 5, p).formula).toBe('1 executions x 5 transitions x $0.025 per 1,000');
    expect(model.idempotencyWrites(1, 1024, p).formula).toMatch(/^1 records x 2 writes x 1 WRU x \$0\.625 per million/);
    expect(model.dashboards(1, p).formula).toBe('1 dashboard(s) x $3.00 (3 per account are free)');
  });

  test('provisioned concurrency: the warm pool and the cheaper duration of requests it serves', () => {
    // 2 environments x 1 GB x 730 h x 3600 s = 5,256,000 GB-s
    const pool = model.provisionedConcurrency(5_256_000, true, p, '2 warm x 1 GB x 730 h');
    expect(cost(pool)).toBe(Number((5_256_000 * 0.0000033334).toFixed(6)));
    expect(cost(pool)).toBe(17.52035);
    const x86Pool = model.provisionedConcurrency(5_256_000, false, p, '2 warm x 1 GB x 730 h');
    expect(x86Pool.monthlyCost.toFixed(2)).toBe('21.90');
    // 1M requests x 100 ms x 1 GB = 100,000 GB-s at $0.0000097222 (x86) on provisioned concurrency
    expect(model.provisionedDuration(1_000_000, 0.1, 1024, false, p).monthlyCost.toFixed(4)).toBe('0.9722');
  });

  test('SQS: 64 KB chunks, receives of up to 10, batch deletes and the idle poller\'s empty receives', () => {
    // 100 KB messages: 2 chunks each to send; a receive of 10 is 1,000 KB = 16 chunks.
    const lines = model.sqsRequests({ messages: 1_000_000, payloadBytes: 100 * 1024, recordsPerInvocation: 10, idlePollers: 5, fifo: false }, p);
    const byItem = Object.fromEntries(lines.map((l) => [l.item, l.quantity]));
    expect(byItem).toEqual({
      'SendMessage': 2_000_000,
      'ReceiveMessage': 100_000 * 16,
      'DeleteMessageBatch': 100_000,
      // 5 pollers x 2,628,000 s / 20 s
      'empty receives of the poller': 657_000,
    });
    expect(Number(model.sum(lines).toFixed(4))).toBe(Number(((2_000_000 + 1_600_000 + 100_000 + 657_000) * 0.40 / 1e6).toFixed(4)));
    // Batch of 50 still receives 10 at a time; FIFO is $0.50 per million.
    const fifo = model.sqsRequests({ messages: 1000, payloadBytes: 1024, recordsPerInvocation: 50, idlePollers: 2, fifo: true }, p);
    expect(fifo.map((l) => l.quantity)).toEqual([1000, 100, 100, 262_800]);
    expect(fifo[0].unitPrice).toBe(0.50 / 1e6);
  });

  test('SNS publishes and EventBridge events count 64 KB chunks', () => {
    expect(cost(model.snsPublishes(2_000_000, 1024, p))).toBe(1.0);
    expect(model.snsPublishes(1, 65 * 1024, p).quantity).toBe(2);
    expect(cost(model.eventBridgeEvents(3_000_000, 64 * 1024, p))).toBe(3.0);
    expect(model.eventBridgeEvents(10, 200 * 1024, p).quantity).toBe(40);
  });

  test('Step Functions: STANDARD transitions against EXPRESS requests + duration (100 ms, 64 MB chunks)', () => {
    // seeds: $0.025 per 1,000 transitions; 1M executions x 5 transitions = $125
    expect(cost(model.stepFunctionsStandard(1_000_000, 5, p))).toBe(125);
    // 1M executions x 2 s x 64 MB = 125,000 GB-s x $0.00001667 = $2.08375, plus $1 of requests
    const express = model.stepFunctionsExpress(1_000_000, 2, 10_000, p);
    expect(express.map(cost)).toEqual([1, 2.08375]);
    // 1.01 s is billed as 1.1 s; 70 MB of memory as 2 chunks (128 MB)
    const rounded = model.stepFunctionsExpress(1000, 1.01, 70 * 1024 * 1024, p)[1];
    expect(rounded.quantity).toBeCloseTo(1000 * 1.1 * 0.125, 9);
  });

  test('DynamoDB on-demand: two writes per idempotent record, per KB', () => {
    // seeds: "1 million events/month ... roughly $1.25/month (1M writes + occasional reads)"
    expect(cost(model.idempotencyWrites(1_000_000, 1024, p))).toBe(1.25);
    expect(model.idempotencyWrites(10, 1500, p).quantity).toBe(40);
  });

  test('CloudWatch: alarms per metric (a math expression pays per metric), dashboards, log ingestion', () => {
    const stack = new Stack(new App(), 'S');
    const m = (name: string) => new cloudwatch.Metric({ namespace: 'N', metricName: name, period: Duration.minutes(5) });
    const plain = new cloudwatch.Alarm(stack, 'Plain', { metric: m('a'), threshold: 1, evaluationPeriods: 1 });
    const math = new cloudwatch.Alarm(stack, 'Math', {
      metric: new cloudwatch.MathExpression({ expression: 'e / r', usingMetrics: { e: m('e'), r: m('r') } }), threshold: 1, evaluationPeriods: 1,
    });
    const [alarmLine] = alarmLines([plain, math], { prices: p });
    expect(alarmLine.quantity).toBe(3);
    expect(cost(alarmLine)).toBe(0.3);
    expect(cost(model.dashboards(2, p))).toBe(6);
    // 1M invocations x 1 KiB = 0.9537 GB x $0.50
    expect(model.logIngestion(1_000_000, 1024, p, 'function logs').monthlyCost.toFixed(4)).toBe((1_000_000 * 1024 / 1024 ** 3 * 0.5).toFixed(4));
  });

  test('KMS: keys by the month, requests by AWS\'s data-key-reuse formula', () => {
    expect(cost(model.kmsKeys(2, p))).toBe(2);
    // SNS: 2,628,000 s / 300 s x (2 x 1 publisher) = 17,520 requests; x $0.03 per 10,000
    const topic = model.kmsRequests(1, 0, p, 'topic');
    expect(topic.quantity).toBe(17_520);
    expect(cost(topic)).toBe(0.05256);
    // SQS: (2 x 1 producer + 1 consumer) = 26,280 requests
    expect(model.kmsRequests(1, 1, p, 'queue').quantity).toBe(26_280);
  });

  test('API Gateway HTTP API requests per 512 KB, NAT gateways by the hour', () => {
    expect(cost(model.httpApiRequests(5_000_000, 1024, p))).toBe(5);
    expect(model.httpApiRequests(1, 600 * 1024, p).quantity).toBe(2);
    // seeds: $0.045/hour -> 730 h = $32.85 per gateway
    expect(cost(model.natGateways(1, p))).toBe(32.85);
  });

  test('Kinesis: on-demand stream-hours and GB per 1 KB-rounded record, provisioned shard-hours and 25 KB PUT units', () => {
    // 1,048,576 records of 1.5 KB count 2 KB each = 2 GB; 1 stream x 730 h x $0.04 = $29.20, 2 GB x $0.08 in, 2 GB x $0.04 out
    const [hours, written, read] = model.kinesisOnDemand(1_048_576, 1536, 1, p, true);
    expect([cost(hours), cost(written), cost(read)]).toEqual([29.2, 0.16, 0.08]);
    expect(read.formula).toBe('1,048,576 records x 2 KB (rounded up per record) = 2.000 GB x 1 reader(s) x $0.04');
    expect(model.kinesisOnDemand(1_048_576, 1536, 1, p, false).map((l) => l.item)).toEqual(['on-demand data read']);
    // 2 shards x 730 h x $0.015 = $21.90; 1M records of 30 KB = 2 PUT payload units each x $0.014 per million
    const [shards, units] = model.kinesisProvisioned(2, 1_000_000, 30 * 1024, p);
    expect([cost(shards), cost(units)]).toEqual([21.9, 0.028]);
  });

  test('EventBridge Scheduler invocations per million, S3 PUTs per thousand', () => {
    expect(cost(model.schedulerInvocations(2_000_000, 'rate(1 minute)', p))).toBe(2);
    expect(model.schedulerInvocations(30, 'cron', p).formula).toBe('cron = 30 runs x $1.00 per million (14 million a month free, not applied)');
    expect(cost(model.s3Puts(10_000, '10,000 objects', p))).toBe(0.05);
  });

  test('the price table: defaults, overrides, and a clear error for a bad price', () => {
    expect(resolvePrices().lambdaRequestsPerMillion).toBe(0.20);
    expect(resolvePrices({ lambdaArm64PerGbSecond: 0.00001 }).lambdaArm64PerGbSecond).toBe(0.00001);
    expect(() => resolvePrices({ snsPublishesPerMillion: -1 })).toThrow(
      "ServerlessCostReport: invalid prop 'prices.snsPublishesPerMillion': must be a number of 0 or more (given -1). "
      + 'Fix: set prices.snsPublishesPerMillion to the USD price of your region');
  });
});
