import { sqsMaxConcurrencyRule, sqsPartialBatchRule, sqsSourceRedriveRule, sqsVisibilityRule } from '../rules/sqs';
import { asList, concreteNumber, ModelResource, StackModel } from '../analysis/stack-model';
import type { Finding } from './finding';
import { findingOf, pathOf } from './finding';

/** Lambda's and SQS's defaults when a template leaves a property out. */
export const LAMBDA_DEFAULT_TIMEOUT_SECONDS = 3;
const SQS_DEFAULT_VISIBILITY_SECONDS = 30;

/** True when a mapping reads from SQS: its ARN says so, or it has none of the stream/broker settings. */
function isSqsMapping(model: StackModel, esm: ModelResource): boolean {
  const arn = esm.props.EventSourceArn;
  const targets = model.referenced(arn);
  if (targets.length > 0) return targets.some((t) => t.type === 'AWS::SQS::Queue');
  if (JSON.stringify(arn ?? '').includes(':sqs:')) return true;
  if (arn === undefined) return false; // self-managed Kafka
  // Unknown ARN (imported, parameter): only SQS mappings have no position, topics or broker queues.
  const p = esm.props;
  return p.StartingPosition === undefined && p.Topics === undefined && p.Queues === undefined
    && p.SelfManagedEventSource === undefined && p.DocumentDBEventSourceConfig === undefined;
}

function sourceQueueOf(model: StackModel, esm: ModelResource): ModelResource | undefined {
  return model.referenced(esm.props.EventSourceArn).find((t) => t.type === 'AWS::SQS::Queue');
}

/** SQS partial batch responses, maxConcurrency <= reserved, visibility >= 6 x timeout + window. */
export function checkEventSourceMapping(model: StackModel, esm: ModelResource): Finding[] {
  if (!isSqsMapping(model, esm)) return [];
  const queue = sourceQueueOf(model, esm);
  const fn = model.functionOf(esm.props.FunctionName);
  return [
    ...findingOf(esm, sqsPartialBatchRule.check({
      reportBatchItemFailures: asList(esm.props.FunctionResponseTypes).includes('ReportBatchItemFailures'),
    })),
    ...findingOf(esm, fn && sqsMaxConcurrencyRule.check({
      maxConcurrency: concreteNumber(esm.props.ScalingConfig?.MaximumConcurrency),
      reservedConcurrency: concreteNumber(fn.props.ReservedConcurrentExecutions),
      function: pathOf(fn),
    })),
    ...findingOf(esm, queue && fn && sqsVisibilityRule.check({
      visibilityTimeoutSeconds: concreteNumber(queue.props.VisibilityTimeout ?? SQS_DEFAULT_VISIBILITY_SECONDS),
      functionTimeoutSeconds: concreteNumber(fn.props.Timeout ?? LAMBDA_DEFAULT_TIMEOUT_SECONDS),
      batchingWindowSeconds: concreteNumber(esm.props.MaximumBatchingWindowInSeconds ?? 0),
      queue: pathOf(queue),
      function: pathOf(fn),
    })),
  ];
}

/** A queue Lambda consumes has a redrive policy. */
export function checkQueue(model: StackModel, queue: ModelResource): Finding[] {
  const consumers = model.ofType('AWS::Lambda::EventSourceMapping').filter((esm) => sourceQueueOf(model, esm) === queue);
  if (consumers.length === 0) return [];
  return findingOf(queue, sqsSourceRedriveRule.check({
    hasRedrivePolicy: queue.props.RedrivePolicy !== undefined,
    consumers: consumers.map(pathOf),
  }));
}
