import { DurableFunction } from '../../durable-function';
import { durableExecutions, type CostLine } from '../model';
import { alarmLines, functionLines, type EstimateContext, type Load } from './common';

/** The defaults of `DurableWorkload`. */
export const DEFAULT_DURABLE_WORKLOAD = { operationsPerExecution: 10, dataWrittenBytes: 4096, invocationsPerExecution: 1 };

/**
 * A DurableFunction: per execution, its invocations (1 plus one per replay), the compute of one
 * execution (`averageDuration`, waits are not billed), its durable operations, the data it writes
 * and keeps for the retention period; function logs per invocation and alarms. Retried
 * asynchronous invocations and failed executions are not priced.
 * @see https://aws.amazon.com/lambda/pricing/
 */
export function estimateDurableFunction(fn: DurableFunction, load: Load, ctx: EstimateContext): CostLine[] {
  const workload = fn.workload;
  const invocations = load.perMonth * (workload.invocationsPerExecution ?? DEFAULT_DURABLE_WORKLOAD.invocationsPerExecution);
  const retentionDays = fn.retentionPeriod.isUnresolved() ? 14 : fn.retentionPeriod.toDays();
  return [
    ...functionLines(fn.function, invocations, load.perMonth, load, ctx),
    ...durableExecutions(load.perMonth, workload.operationsPerExecution ?? DEFAULT_DURABLE_WORKLOAD.operationsPerExecution,
      workload.dataWrittenPerExecution?.toBytes() ?? DEFAULT_DURABLE_WORKLOAD.dataWrittenBytes, retentionDays, ctx.prices),
    ...alarmLines(fn.alarms, ctx),
  ];
}
