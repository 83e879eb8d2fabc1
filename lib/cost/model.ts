import { AWS_LIMITS, PAYLOAD_LIMITS } from '../rules/limits';
import type { Prices } from './prices';

/** One figure of the cost report: what is billed, how much of it, at what price, and how it was found. */
export interface CostLine {
  /** The AWS service that bills it, e.g. `Lambda`, `SQS`. */
  readonly service: string;
  /** What is billed, e.g. `requests`, `duration arm64`. */
  readonly item: string;
  /** Billed quantity per month, in `unit`. */
  readonly quantity: number;
  /** Unit of `quantity`, e.g. `requests`, `GB-s`. */
  readonly unit: string;
  /** USD per unit. */
  readonly unitPrice: number;
  /** USD per month: quantity x unitPrice. */
  readonly monthlyCost: number;
  /** How the quantity was derived and priced. */
  readonly formula: string;
}

/** Seconds in an average month (730 hours, 8760 / 12), as in lib/provisioned-api. */
export const SECONDS_PER_MONTH = 730 * 3600;
/** SQS, SNS and EventBridge bill each 64 KB chunk of a payload as one request. */
export const CHUNK_BYTES = 64 * 1024;
/** API Gateway HTTP APIs meter requests in 512 KB increments. */
export const HTTP_API_CHUNK_BYTES = 512 * 1024;
/** SQS and SNS reuse a data key for 5 minutes by default (the `D` of AWS's KMS formulas). */
export const DATA_KEY_REUSE_SECONDS = AWS_LIMITS.sqsDataKeyReusePeriod.default;
/** Lambda's SQS pollers long-poll with a 20-second wait: one empty receive per poller per 20 s when idle. */
export const LONG_POLL_SECONDS = 20;
const GB = 1024 ** 3;

/**
 * Durable execution charges of `executions`: operations, data written, and data retained for
 * `retentionDays` after each execution closes (a month's writes kept retentionDays / 30 of a month).
 */
export function durableExecutions(executions: number, operations: number, bytesWritten: number, retentionDays: number,
  prices: Prices): CostLine[] {
  const ops = executions * operations;
  const written = executions * bytesWritten / GB;
  const retained = written * retentionDays / 30;
  return [
    line('Lambda', 'durable operations', ops, 'operations', prices.durableOperationsPerMillion / 1e6,
      `${count(executions)} executions x ${operations} operations x ${perMillion(prices.durableOperationsPerMillion)}`),
    line('Lambda', 'durable data written', written, 'GB', prices.durableDataWrittenPerGb,
      `${count(executions)} executions x ${count(bytesWritten)} bytes = ${written.toPrecision(3)} GB x ${money(prices.durableDataWrittenPerGb)} per GB`),
    line('Lambda', 'durable data retained', retained, 'GB-month', prices.durableDataRetainedPerGbMonth,
      `${written.toPrecision(3)} GB x ${retentionDays} days retention / 30 = ${retained.toPrecision(3)} GB-month x ${money(prices.durableDataRetainedPerGbMonth)}`),
  ];
}

/** A line: quantity x price, with the formula that got there. */
export function line(service: string, item: string, quantity: number, unit: string, unitPrice: number, formula: string): CostLine {
  return { service, item, quantity, unit, unitPrice, monthlyCost: quantity * unitPrice, formula };
}

/** Chunks a payload of `bytes` is billed as (at least 1). */
export function chunks(bytes: number, chunkBytes: number = CHUNK_BYTES): number {
  return Math.max(1, Math.ceil(bytes / chunkBytes));
}

export function count(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return value.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

/**
 * A measured figure as written in a formula (seconds, GB, a share): integers with separators, other
 * values to 4 significant digits, so 1/30 s reads 0.03333 s, not 0.03333333333333333 s.
 */
export function figure(value: number): string {
  if (Number.isInteger(value)) return count(value);
  return value.toLocaleString('en-US', { maximumSignificantDigits: 4 });
}

/** A price as written in a formula: with cents ($0.40), or all its digits ($0.625, $0.0000133334). */
export function money(price: number): string {
  const decimals = String(price).split('.')[1]?.length ?? 0;
  return decimals <= 2 ? `$${price.toFixed(2)}` : `$${price}`;
}

function perMillion(price: number): string {
  return `${money(price)} per million`;
}

/** Lambda requests: invocations x price per million. */
export function lambdaRequests(invocations: number, prices: Prices, what = 'invocations'): CostLine {
  const price = prices.lambdaRequestsPerMillion / 1e6;
  return line('Lambda', 'requests', invocations, 'requests', price, `${count(invocations)} ${what} x ${perMillion(prices.lambdaRequestsPerMillion)}`);
}

/** GB-seconds of work: units x seconds x memory. */
export function gbSeconds(units: number, seconds: number, memoryMb: number): number {
  return units * seconds * (memoryMb / 1024);
}

/** Lambda on-demand duration on one architecture. */
export function lambdaDuration(units: number, seconds: number, memoryMb: number, arm64: boolean, prices: Prices, what = 'invocations'): CostLine {
  const price = arm64 ? prices.lambdaArm64PerGbSecond : prices.lambdaX86PerGbSecond;
  const quantity = gbSeconds(units, seconds, memoryMb);
  return line('Lambda', `duration ${arm64 ? 'arm64' : 'x86_64'}`, quantity, 'GB-s', price,
    `${count(units)} ${what} x ${figure(seconds)} s x ${figure(memoryMb / 1024)} GB = ${count(quantity)} GB-s x $${price}`);
}

/** Bytes of an asynchronous event billed as one request; each 64 KB beyond is one more (events up to 1 MB since 2025). */
export const ASYNC_REQUEST_BYTES = 256 * 1024;

/**
 * The extra requests of asynchronous events above 256 KB: one per 64 KB chunk beyond, up to 1 MB.
 * Undefined when events fit in 256 KB.
 * @see https://aws.amazon.com/lambda/pricing/
 */
export function asyncPayloadRequests(events: number, payloadBytes: number, prices: Prices): CostLine | undefined {
  if (payloadBytes <= ASYNC_REQUEST_BYTES) return undefined;
  // Lambda takes no larger async event; a load above it is priced at the limit.
  const billed = Math.min(payloadBytes, PAYLOAD_LIMITS.lambdaAsyncInvocationBytes.value);
  const extra = Math.ceil((billed - ASYNC_REQUEST_BYTES) / CHUNK_BYTES);
  return line('Lambda', 'requests (async payload beyond 256 KB)', events * extra, 'requests', prices.lambdaRequestsPerMillion / 1e6,
    `${count(events)} events x ${extra} extra 64 KB chunk(s) beyond the first 256 KB x ${perMillion(prices.lambdaRequestsPerMillion)}`);
}

/**
 * The INIT phase of cold starts, billed like duration since 1 August 2025 (before, on-demand ZIP
 * functions on managed runtimes were not billed for it): invocations x cold-start share x init
 * seconds x memory.
 * @see https://aws.amazon.com/blogs/compute/aws-lambda-standardizes-billing-for-init-phase
 */
export function lambdaInitDuration(invocations: number, coldStartShare: number, initSeconds: number, memoryMb: number, arm64: boolean,
  prices: Prices): CostLine {
  const price = arm64 ? prices.lambdaArm64PerGbSecond : prices.lambdaX86PerGbSecond;
  const coldStarts = invocations * coldStartShare;
  const quantity = gbSeconds(coldStarts, initSeconds, memoryMb);
  return line('Lambda', `INIT duration ${arm64 ? 'arm64' : 'x86_64'}`, quantity, 'GB-s', price,
    `${count(invocations)} invocations x ${figure(coldStartShare)} cold-start share x ${figure(initSeconds)} s init x ${figure(memoryMb / 1024)} GB `
    + `= ${count(quantity)} GB-s x $${price} (INIT billed since 2025-08-01)`);
}

/** Duration of invocations served by provisioned concurrency (cheaper per GB-s than on demand). */
export function provisionedDuration(units: number, seconds: number, memoryMb: number, arm64: boolean, prices: Prices): CostLine {
  const price = arm64 ? prices.provisionedDurationArm64PerGbSecond : prices.provisionedDurationX86PerGbSecond;
  const quantity = gbSeconds(units, seconds, memoryMb);
  return line('Lambda', `duration on provisioned concurrency ${arm64 ? 'arm64' : 'x86_64'}`, quantity, 'GB-s', price,
    `${count(units)} requests x ${figure(seconds)} s x ${figure(memoryMb / 1024)} GB = ${count(quantity)} GB-s x $${price}`);
}

/** Warm environments kept by provisioned concurrency, from the GB-seconds lib/provisioned-api computed. */
export function provisionedConcurrency(gbSecondsPerMonth: number, arm64: boolean, prices: Prices, floor: string): CostLine {
  const price = arm64 ? prices.provisionedConcurrencyArm64PerGbSecond : prices.provisionedConcurrencyX86PerGbSecond;
  return line('Lambda', `provisioned concurrency ${arm64 ? 'arm64' : 'x86_64'}`, gbSecondsPerMonth, 'GB-s', price,
    `${floor} = ${count(gbSecondsPerMonth)} GB-s x $${price}`);
}

/** What an SQS queue consumed by a Lambda event source mapping is billed. */
export interface SqsConsumption {
  /** Messages sent (and received, and deleted) per month. */
  readonly messages: number;
  readonly payloadBytes: number;
  /** Messages per invocation; receives return at most 10. */
  readonly recordsPerInvocation: number;
  /** Pollers long-polling an idle queue (5, or 2 once Lambda scales them down without maxConcurrency). */
  readonly idlePollers: number;
  readonly fifo: boolean;
}

/**
 * SQS requests of a queue fed by producers and drained by Lambda: SendMessage per message (one
 * request per 64 KB chunk), ReceiveMessage per batch of up to 10 (one per 64 KB chunk of the
 * batch), DeleteMessageBatch per batch, and the empty receives of the idle pollers.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html
 */
export function sqsRequests(queue: SqsConsumption, prices: Prices): CostLine[] {
  const rate = queue.fifo ? prices.sqsFifoRequestsPerMillion : prices.sqsStandardRequestsPerMillion;
  const price = rate / 1e6;
  const sendChunks = chunks(queue.payloadBytes);
  const perReceive = Math.min(10, Math.max(1, queue.recordsPerInvocation));
  const receives = queue.messages / perReceive;
  const receiveChunks = chunks(perReceive * queue.payloadBytes);
  const emptyReceives = queue.idlePollers * SECONDS_PER_MONTH / LONG_POLL_SECONDS;
  const kind = queue.fifo ? 'FIFO' : 'standard';
  return [
    line('SQS', 'SendMessage', queue.messages * sendChunks, 'requests', price,
      `${count(queue.messages)} messages x ${sendChunks} chunk(s) of 64 KB x ${perMillion(rate)} (${kind})`),
    line('SQS', 'ReceiveMessage', receives * receiveChunks, 'requests', price,
      `${count(queue.messages)} messages / ${perReceive} per receive x ${receiveChunks} chunk(s) x ${perMillion(rate)}`),
    line('SQS', 'DeleteMessageBatch', receives, 'requests', price,
      `${count(queue.messages)} messages / ${perReceive} per batch x ${perMillion(rate)}`),
    line('SQS', 'empty receives of the poller', emptyReceives, 'requests', price,
      `${queue.idlePollers} pollers x ${count(SECONDS_PER_MONTH)} s / ${LONG_POLL_SECONDS} s long poll x ${perMillion(rate)}`),
  ];
}

/** SNS publishes: one request per 64 KB chunk; deliveries to SQS are free. */
export function snsPublishes(messages: number, payloadBytes: number, prices: Prices): CostLine {
  const n = chunks(payloadBytes);
  return line('SNS', 'publishes', messages * n, 'requests', prices.snsPublishesPerMillion / 1e6,
    `${count(messages)} messages x ${n} chunk(s) of 64 KB x ${perMillion(prices.snsPublishesPerMillion)} (deliveries to SQS free)`);
}

/** EventBridge custom events: one event per 64 KB chunk; rule deliveries to SQS are free. */
export function eventBridgeEvents(events: number, payloadBytes: number, prices: Prices): CostLine {
  const n = chunks(payloadBytes);
  return line('EventBridge', 'custom events', events * n, 'events', prices.eventBridgeEventsPerMillion / 1e6,
    `${count(events)} events x ${n} chunk(s) of 64 KB x ${perMillion(prices.eventBridgeEventsPerMillion)}`);
}

/** Step Functions STANDARD: every state entered is a transition. */
export function stepFunctionsStandard(executions: number, transitionsPerExecution: number, prices: Prices): CostLine {
  const transitions = executions * transitionsPerExecution;
  return line('Step Functions', 'STANDARD state transitions', transitions, 'transitions',
    prices.stepFunctionsStandardPerThousandTransitions / 1000,
    `${count(executions)} executions x ${transitionsPerExecution} transitions x ${money(prices.stepFunctionsStandardPerThousandTransitions)} per 1,000`);
}

/**
 * Step Functions EXPRESS: a request per execution, and duration rounded up to 100 ms at the
 * memory used, billed in 64 MB chunks (at least one).
 * @see https://aws.amazon.com/step-functions/pricing/
 */
export function stepFunctionsExpress(executions: number, seconds: number, memoryBytes: number, prices: Prices): CostLine[] {
  const billedSeconds = Math.ceil(seconds * 10 - 1e-9) / 10;
  const memoryGb = chunks(memoryBytes, 64 * 1024 * 1024) * 64 / 1024;
  const quantity = executions * billedSeconds * memoryGb;
  return [
    line('Step Functions', 'EXPRESS requests', executions, 'requests', prices.stepFunctionsExpressRequestsPerMillion / 1e6,
      `${count(executions)} executions x ${perMillion(prices.stepFunctionsExpressRequestsPerMillion)}`),
    line('Step Functions', 'EXPRESS duration', quantity, 'GB-s', prices.stepFunctionsExpressPerGbSecond,
      `${count(executions)} executions x ${figure(billedSeconds)} s x ${figure(memoryGb)} GB = ${count(quantity)} GB-s x $${prices.stepFunctionsExpressPerGbSecond}`),
  ];
}

/**
 * Powertools idempotency on DynamoDB on-demand: a conditional PutItem (IN_PROGRESS) and an
 * UpdateItem (COMPLETED) per record, 1 WRU each per KB of item. No reads: a duplicate's failed
 * conditional write returns the stored record (ReturnValuesOnConditionCheckFailure).
 */
export function idempotencyWrites(records: number, itemBytes: number, prices: Prices): CostLine {
  const units = Math.max(1, Math.ceil(itemBytes / 1024));
  return line('DynamoDB', 'idempotency writes', records * 2 * units, 'WRU', prices.dynamoDbWriteRequestUnitsPerMillion / 1e6,
    `${count(records)} records x 2 writes x ${units} WRU x ${perMillion(prices.dynamoDbWriteRequestUnitsPerMillion)} (reads: none, `
    + 'the failed conditional write returns the stored record)');
}

/** CloudWatch alarms: each metric an alarm evaluates is billed. */
export function alarms(alarmCount: number, metricCount: number, prices: Prices): CostLine {
  return line('CloudWatch', 'alarms', metricCount, 'alarm metrics', prices.cloudWatchAlarmMetricPerMonth,
    `${alarmCount} alarm(s) on ${metricCount} metric(s) x ${money(prices.cloudWatchAlarmMetricPerMonth)}`);
}

/** CloudWatch dashboards. */
export function dashboards(n: number, prices: Prices): CostLine {
  return line('CloudWatch', 'dashboards', n, 'dashboards', prices.cloudWatchDashboardPerMonth,
    `${n} dashboard(s) x ${money(prices.cloudWatchDashboardPerMonth)} (3 per account are free)`);
}

/** CloudWatch Logs ingestion (function logs: at the first tier; the report applies the account-wide tiers). */
export function logIngestion(entries: number, bytesPerEntry: number, prices: Prices, what: string): CostLine {
  const gb = entries * bytesPerEntry / GB;
  return line('CloudWatch Logs', `ingestion (${what})`, gb, 'GB', prices.logIngestionPerGb,
    `${count(entries)} x ${count(bytesPerEntry)} bytes = ${gb.toFixed(3)} GB x ${money(prices.logIngestionPerGb)}`);
}

/** Marks the log lines of Lambda functions, which the account-wide log tiers apply to. */
export const FUNCTION_LOGS = 'function logs';

const TB = 1024;
/** Lambda log tiers since May 2025: [upper bound in GB, price key]; above the last bound, the last price. */
function lambdaLogTiers(prices: Prices): Array<[number, number]> {
  return [[10 * TB, prices.logIngestionPerGb], [30 * TB, prices.lambdaLogsNext20TbPerGb],
    [50 * TB, prices.lambdaLogsAfter30TbPerGb], [Infinity, prices.lambdaLogsOver50TbPerGb]];
}

/**
 * The account-wide discount of Lambda's tiered log pricing (May 2025): every construct prices its
 * function logs at the first tier; past 10 TB a month in all, the tiers lower the bill. A negative
 * line, or none below 10 TB.
 * @see https://www.duckbillgroup.com/?p=9080
 */
export function lambdaLogTierDiscount(totalGb: number, prices: Prices): CostLine | undefined {
  if (totalGb <= 10 * TB) return undefined;
  let tiered = 0;
  let lower = 0;
  for (const [upper, price] of lambdaLogTiers(prices)) {
    tiered += Math.max(0, Math.min(totalGb, upper) - lower) * price;
    lower = upper;
  }
  const flat = totalGb * prices.logIngestionPerGb;
  return line('CloudWatch Logs', 'Lambda log volume tiers', 1, 'discount', tiered - flat,
    `${count(Math.round(totalGb))} GB of function logs: ${money(prices.logIngestionPerGb)} up to 10 TB, `
    + `${money(prices.lambdaLogsNext20TbPerGb)} to 30 TB, ${money(prices.lambdaLogsAfter30TbPerGb)} to 50 TB, `
    + `${money(prices.lambdaLogsOver50TbPerGb)} beyond = $${tiered.toFixed(2)}, instead of $${flat.toFixed(2)} at the first tier`);
}

/** SQS event source mapping provisioned mode: event poller units around the clock (one per minimum poller, assumed). */
export function eventPollerUnits(minimumPollers: number, prices: Prices): CostLine {
  return line('Lambda', 'SQS event poller units (provisioned mode)', minimumPollers * 730, 'EPU-hours', prices.sqsEventPollerUnitPerHour,
    `${minimumPollers} minimum poller(s) x 730 h x ${money(prices.sqsEventPollerUnitPerHour)} per EPU-hour (1 EPU per poller `
    + 'assumed; pollers scaled above the minimum cost more)');
}

/** KMS customer managed keys. */
export function kmsKeys(n: number, prices: Prices): CostLine {
  return line('KMS', 'keys', n, 'keys', prices.kmsKeyPerMonth, `${n} customer managed key(s) x ${money(prices.kmsKeyPerMonth)}`);
}

/**
 * KMS requests of an encrypted SNS topic or SQS queue, by AWS's formula: the month over the data
 * key reuse period, times 2 per publishing principal (+ 1 per consuming principal for SQS).
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
 */
export function kmsRequests(producers: number, consumers: number, prices: Prices, what: string): CostLine {
  const periods = SECONDS_PER_MONTH / DATA_KEY_REUSE_SECONDS;
  const requests = periods * (2 * producers + consumers);
  return line('KMS', `requests (${what})`, requests, 'requests', prices.kmsRequestsPerTenThousand / 10000,
    `${count(SECONDS_PER_MONTH)} s / ${DATA_KEY_REUSE_SECONDS} s data key reuse x (2 x ${producers} producer(s) + ${consumers} consumer(s)) `
    + `x ${money(prices.kmsRequestsPerTenThousand)} per 10,000`);
}

/** API Gateway HTTP API requests, metered per 512 KB. */
export function httpApiRequests(requests: number, payloadBytes: number, prices: Prices): CostLine {
  const n = chunks(payloadBytes, HTTP_API_CHUNK_BYTES);
  return line('API Gateway', 'HTTP API requests', requests * n, 'requests', prices.httpApiRequestsPerMillion / 1e6,
    `${count(requests)} requests x ${n} (512 KB increments) x ${perMillion(prices.httpApiRequestsPerMillion)}`);
}

/** NAT gateways by the hour (data processing is not estimated). */
export function natGateways(n: number, prices: Prices): CostLine {
  return line('VPC', 'NAT gateway hours', n * 730, 'hours', prices.natGatewayPerHour,
    `${n} NAT gateway(s) x 730 h x ${money(prices.natGatewayPerHour)} (plus data processed, not estimated)`);
}

/** Kinesis bills on-demand data per record rounded up to 1 KB, provisioned PUT payload units per 25 KB. */
export const KINESIS_DATA_UNIT_BYTES = 1024;
export const KINESIS_PUT_PAYLOAD_UNIT_BYTES = 25 * 1024;

/**
 * A Kinesis data stream in on-demand mode: the stream-hour, data written, and data read by each
 * shared-throughput reader, every record rounded up to 1 KB.
 * @see https://aws.amazon.com/kinesis/data-streams/pricing/
 */
export function kinesisOnDemand(records: number, payloadBytes: number, readers: number, prices: Prices, owned: boolean,
  advantage = false): CostLine[] {
  const kb = chunks(payloadBytes, KINESIS_DATA_UNIT_BYTES);
  const gb = records * kb / (1024 * 1024);
  const data = `${count(records)} records x ${kb} KB (rounded up per record) = ${gb.toFixed(3)} GB`;
  if (advantage) {
    // On-demand Advantage (an account setting): no per-stream charge, lower data prices.
    const lines = owned ? [line('Kinesis', 'on-demand Advantage data written', gb, 'GB', prices.kinesisOnDemandAdvantageDataInPerGb,
      `${data} x ${money(prices.kinesisOnDemandAdvantageDataInPerGb)} (no per-stream charge)`)] : [];
    lines.push(line('Kinesis', 'on-demand Advantage data read', gb * readers, 'GB', prices.kinesisOnDemandAdvantageDataOutPerGb,
      `${data} x ${readers} reader(s) x ${money(prices.kinesisOnDemandAdvantageDataOutPerGb)}`));
    return lines;
  }
  const lines = owned ? [
    line('Kinesis', 'on-demand stream hours', 730, 'stream-hours', prices.kinesisOnDemandStreamPerHour,
      `1 stream x 730 h x ${money(prices.kinesisOnDemandStreamPerHour)}`),
    line('Kinesis', 'on-demand data written', gb, 'GB', prices.kinesisOnDemandDataInPerGb,
      `${data} x ${money(prices.kinesisOnDemandDataInPerGb)}`),
  ] : [];
  lines.push(line('Kinesis', 'on-demand data read', gb * readers, 'GB', prices.kinesisOnDemandDataOutPerGb,
    `${data} x ${readers} reader(s) x ${money(prices.kinesisOnDemandDataOutPerGb)}`));
  return lines;
}

/** A Kinesis data stream in provisioned mode: shard-hours and PUT payload units (25 KB each); reads are free. */
export function kinesisProvisioned(shards: number, records: number, payloadBytes: number, prices: Prices): CostLine[] {
  const units = chunks(payloadBytes, KINESIS_PUT_PAYLOAD_UNIT_BYTES);
  return [
    line('Kinesis', 'shard hours', shards * 730, 'shard-hours', prices.kinesisShardPerHour,
      `${shards} shard(s) x 730 h x ${money(prices.kinesisShardPerHour)}`),
    line('Kinesis', 'PUT payload units', records * units, 'units', prices.kinesisPutPayloadUnitsPerMillion / 1e6,
      `${count(records)} records x ${units} unit(s) of 25 KB x ${perMillion(prices.kinesisPutPayloadUnitsPerMillion)}`),
  ];
}

/** EventBridge Scheduler: one invocation per occurrence delivered. */
export function schedulerInvocations(runs: number, how: string, prices: Prices): CostLine {
  return line('EventBridge Scheduler', 'invocations', runs, 'invocations', prices.schedulerInvocationsPerMillion / 1e6,
    `${how} = ${count(runs)} runs x ${perMillion(prices.schedulerInvocationsPerMillion)} (14 million a month free, not applied)`);
}

/** S3 PUT requests. */
export function s3Puts(objects: number, how: string, prices: Prices): CostLine {
  return line('S3', 'PUT requests', objects, 'requests', prices.s3PutRequestsPerThousand / 1000,
    `${how} x ${money(prices.s3PutRequestsPerThousand)} per 1,000`);
}

export function sum(lines: CostLine[]): number {
  return lines.reduce((total, l) => total + l.monthlyCost, 0);
}
