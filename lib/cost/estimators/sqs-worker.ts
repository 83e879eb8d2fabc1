import * as lambda from 'aws-cdk-lib/aws-lambda';
import { eventPollerUnits, idempotencyWrites, kmsRequests, sqsRequests, type CostLine } from '../model';
import { SqsWorker } from '../../sqs-worker';
import { alarmLines, concrete, functionLines, IDEMPOTENCY_ITEM_BYTES, type EstimateContext, type Load } from './common';

/**
 * An SqsWorker: the queue's requests (sends, batch receives, deletes, idle long polls), the
 * function per batch, idempotency writes, KMS requests when the queue has a customer key,
 * function logs and alarms. `label` (a fan-out consumer's name) tags each line.
 */
export function estimateSqsWorker(worker: SqsWorker, load: Load, ctx: EstimateContext, label?: string): CostLine[] {
  const mapping = worker.eventSourceMapping.node.defaultChild as lambda.CfnEventSourceMapping;
  const batchSize = concrete(mapping, mapping.batchSize) ?? 10;
  const scaling = mapping.stack.resolve(mapping.scalingConfig) as { maximumConcurrency?: unknown } | undefined;
  const maxConcurrencySet = scaling?.maximumConcurrency !== undefined;
  const recordsPerInvocation = Math.min(load.recordsPerInvocation ?? batchSize, batchSize);
  const invocations = load.perMonth / recordsPerInvocation;
  const tag = (l: CostLine): CostLine => label ? { ...l, item: `${l.item} (${label})` } : l;

  const lines: CostLine[] = [
    ...sqsRequests({
      messages: load.perMonth,
      payloadBytes: load.payloadBytes,
      recordsPerInvocation,
      // Lambda keeps 5 pollers; without maxConcurrency it can scale an idle mapping down to 2; in
      // provisioned mode the minimum pollers keep polling.
      idlePollers: worker.provisionedPollers ? concrete(mapping, worker.provisionedPollers.minimumPollers) ?? 2 : maxConcurrencySet ? 5 : 2,
      fifo: worker.queue.fifo,
    }, ctx.prices).map(tag),
    ...functionLines(worker.function, invocations, load.perMonth, load, ctx, label),
  ];
  const minimumPollers = worker.provisionedPollers && concrete(mapping, worker.provisionedPollers.minimumPollers);
  if (minimumPollers !== undefined) lines.push(tag(eventPollerUnits(minimumPollers, ctx.prices)));
  if (worker.idempotencyTable) lines.push(tag(idempotencyWrites(load.perMonth, IDEMPOTENCY_ITEM_BYTES, ctx.prices)));
  if (worker.queue.encryptionMasterKey) lines.push(tag(kmsRequests(1, 1, ctx.prices, 'queue')));
  lines.push(...alarmLines(worker.alarms, ctx).map(tag));
  return lines;
}
