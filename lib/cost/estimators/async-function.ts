import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AsyncFunction } from '../../async-function';
import { asyncPayloadRequests, eventBridgeEvents, lambdaRequests, line, money, snsPublishes, sqsRequests, type CostLine } from '../model';
import { alarmLines, functionFacts, functionLines, ownerOfReference, type EstimateContext, type Load } from './common';

/**
 * An AsyncFunction: one invocation per event (retries of failed events are not priced), the
 * on-success destination's requests per event, the idle long polls of the failure queue's
 * redrive when it is enabled, function logs and alarms.
 */
export function estimateAsyncFunction(fn: AsyncFunction, load: Load, ctx: EstimateContext): CostLine[] {
  const lines = functionLines(fn.function, load.perMonth, load.perMonth, load, ctx);
  const payload = asyncPayloadRequests(load.perMonth, load.payloadBytes, ctx.prices);
  if (payload && functionFacts(fn.function, ctx)) lines.splice(1, 0, payload);
  lines.push(...onSuccessLines(fn, load, ctx));
  const redrive = fn.redriveEventSourceMapping?.node.defaultChild as lambda.CfnEventSourceMapping | undefined;
  if (redrive && Stack.of(redrive).resolve(redrive.enabled) !== false) {
    const idle = sqsRequests({ messages: 0, payloadBytes: load.payloadBytes, recordsPerInvocation: 10, idlePollers: 5, fifo: false }, ctx.prices)
      .filter((l) => l.item === 'empty receives of the poller');
    lines.push(...idle.map((l) => ({ ...l, item: `${l.item} (redrive)` })));
  }
  lines.push(...alarmLines(fn.alarms, ctx));
  return lines;
}

/** What the on-success destination bills per event, found from the event invoke config's target. */
function onSuccessLines(fn: AsyncFunction, load: Load, ctx: EstimateContext): CostLine[] {
  const cfn = fn.eventInvokeConfig.node.defaultChild as lambda.CfnEventInvokeConfig;
  const stack = Stack.of(cfn);
  const config = stack.resolve(cfn.destinationConfig) as { onSuccess?: { destination?: unknown } } | undefined;
  const target = config?.onSuccess?.destination;
  if (target === undefined) return [];
  const owner = ownerOfReference(cfn, target);
  const tag = (l: CostLine): CostLine => ({ ...l, item: `${l.item} (on-success destination)` });
  if (owner instanceof sqs.Queue) {
    return [tag(line('SQS', 'SendMessage', load.perMonth, 'requests', ctx.prices.sqsStandardRequestsPerMillion / 1e6,
      `${load.perMonth.toLocaleString('en-US')} successful events x ${money(ctx.prices.sqsStandardRequestsPerMillion)} per million`))];
  }
  if (owner instanceof sns.Topic) return [tag(snsPublishes(load.perMonth, load.payloadBytes, ctx.prices))];
  if (owner instanceof events.EventBus) return [tag(eventBridgeEvents(load.perMonth, load.payloadBytes, ctx.prices))];
  if (owner instanceof lambda.Function) return [tag(lambdaRequests(load.perMonth, ctx.prices, 'successful events'))];
  return [];
}
