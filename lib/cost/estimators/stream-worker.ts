import { Stack } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { StreamWorker } from '../../stream-worker';
import { count, idempotencyWrites, kinesisOnDemand, kinesisProvisioned, line, s3Puts, type CostLine } from '../model';
import { alarmLines, concrete, functionLines, IDEMPOTENCY_ITEM_BYTES, type EstimateContext, type Load } from './common';
import { AWS_LIMITS } from '../../rules/limits';

/** A StreamWorker's mapping reads 100 records per batch unless its batchSize says otherwise. */
const DEFAULT_STREAM_BATCH = AWS_LIMITS.streamBatchSize.default;

/**
 * A StreamWorker: the function per batch (records / records per invocation), the Kinesis stream
 * (the stream it created: stream-hours or shard-hours and the data written; any stream: the data
 * its mapping reads), DynamoDB Streams reads (free for Lambda), idempotency writes, the failure
 * bucket's PUTs at the load's failure rate, function logs and alarms. Enhanced fan-out
 * consumer-hours, retries and extended retention are not priced.
 */
export function estimateStreamWorker(worker: StreamWorker, load: Load, ctx: EstimateContext): CostLine[] {
  const mapping = worker.eventSourceMapping.node.defaultChild as lambda.CfnEventSourceMapping;
  const batchSize = concrete(mapping, mapping.batchSize) ?? DEFAULT_STREAM_BATCH;
  const invocations = load.perMonth / Math.min(load.recordsPerInvocation ?? batchSize, batchSize);
  const lines = [
    ...functionLines(worker.function, invocations, load.perMonth, load, ctx),
    ...streamLines(worker, load, invocations, ctx),
  ];
  if (worker.idempotencyTable) lines.push(idempotencyWrites(load.perMonth, IDEMPOTENCY_ITEM_BYTES, ctx.prices));
  if (worker.onFailure.bucket) {
    const failures = load.perMonth * (load.failureRate ?? 0);
    lines.push(s3Puts(failures, load.failureRate === undefined
      ? '0 failure objects (the expectedLoad gives no failureRate)'
      : `${count(load.perMonth)} records x ${load.failureRate} failure rate = ${count(failures)} failure objects`, ctx.prices));
  }
  lines.push(...alarmLines(worker.alarms, ctx));
  return lines;
}

/** What the source bills: Kinesis by capacity mode, a DynamoDB stream nothing (Lambda's reads are free). */
function streamLines(worker: StreamWorker, load: Load, invocations: number, ctx: EstimateContext): CostLine[] {
  if (worker.table) {
    // "Read requests made by AWS Lambda-based consumers of DynamoDB Streams are free."
    // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CostOptimization_StreamsUsage.html
    return [line('DynamoDB Streams', 'GetRecords by Lambda', invocations, 'requests', 0,
      `about ${count(invocations)} reads (one per batch) x $0: reads by Lambda are free`)];
  }
  const stream = worker.stream;
  const cfn = stream?.node.defaultChild;
  // An imported stream: its capacity mode is unknown, and the stream is billed where it is defined.
  if (!(stream instanceof kinesis.Stream) || !(cfn instanceof kinesis.CfnStream)) return [];
  const resolve = (v: unknown) => Stack.of(cfn).resolve(v);
  const owned = stream.node.scope === worker;
  const fanOut = worker.streamConsumer ? ' (enhanced fan-out consumer not priced)' : '';
  if ((resolve(cfn.streamModeDetails) as { streamMode?: string } | undefined)?.streamMode === 'ON_DEMAND') {
    return kinesisOnDemand(load.perMonth, load.payloadBytes, 1, ctx.prices, owned, ctx.kinesisOnDemandAdvantage).map((l) => ({ ...l, formula: l.formula + fanOut }));
  }
  const shards = resolve(cfn.shardCount);
  // Provisioned reads are free; a stream given to the worker bills its shards where it is defined.
  if (!owned || typeof shards !== 'number') return [];
  return kinesisProvisioned(shards, load.perMonth, load.payloadBytes, ctx.prices);
}
