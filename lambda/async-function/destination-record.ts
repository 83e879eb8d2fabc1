import { isJsonObject } from '../common/json';

/**
 * Pure parsing of what lands in an AsyncFunction's failure queue, so the redrive handler can
 * replay it. Two kinds of message arrive there:
 *
 * 1. Lambda destination records (the on-failure destination of the async invoke config):
 *    `{version, timestamp, requestContext: {requestId, functionArn, condition,
 *    approximateInvokeCount}, requestPayload, responseContext, responsePayload}`.
 * 2. EventBridge dead letters (the rule target's dead-letter queue): the event itself as body,
 *    with `RULE_ARN`, `TARGET_ARN`, `ERROR_CODE` message attributes.
 *
 * Nothing here talks to AWS: every rule is a plain function tested on fixtures.
 */

/** `requestContext` of a Lambda destination record. */
export interface DestinationRequestContext {
  readonly requestId: string;
  /** ARN of the function that failed, usually qualified (`...:function:name:$LATEST`). */
  readonly functionArn: string;
  /** Why the event left the async queue: `RetriesExhausted`, `EventAgeExceeded`, or `Success`. */
  readonly condition: string;
  readonly approximateInvokeCount: number;
}

/** A Lambda destination (invocation) record. */
export interface DestinationRecord {
  readonly version: string;
  readonly timestamp: string;
  readonly requestContext: DestinationRequestContext;
  /** The event as the function first received it: what a redrive sends again. */
  readonly requestPayload: unknown;
  readonly responseContext?: { readonly statusCode?: number; readonly executedVersion?: string; readonly functionError?: string };
  readonly responsePayload?: unknown;
}

/** A message the redrive can replay: which function, and the original event. */
export interface Replayable {
  readonly source: 'lambda-destination' | 'eventbridge-dead-letter';
  /** The function the event was meant for, as the message names it. */
  readonly functionArn: string;
  /** The original event. */
  readonly payload: unknown;
  /** Why it failed, for the log line (condition or EventBridge error code). */
  readonly reason: string;
  /** Original request id (destination records) or rule ARN (dead letters). */
  readonly origin: string;
}

export type ParseResult =
  | { readonly ok: true; readonly replayable: Replayable }
  | { readonly ok: false; readonly reason: string };

/** Conditions under which Lambda sends a record to the on-failure destination. */
export const FAILURE_CONDITIONS: readonly string[] = ['RetriesExhausted', 'EventAgeExceeded'];

const FUNCTION_ARN = /^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[$A-Za-z0-9_-]+)?$/;

/** Message attributes as an SQS event delivers them (only `stringValue` matters here). */
export type MessageAttributes = { readonly [name: string]: { readonly stringValue?: string } | undefined };

/** `arn:...:function:name:qualifier` -> `arn:...:function:name`; anything else unchanged. */
export function unqualifiedFunctionArn(arn: string): string {
  const parts = arn.split(':');
  return parts.length === 8 && parts[5] === 'function' ? parts.slice(0, 7).join(':') : arn;
}

/** Validates a parsed Lambda destination record; returns the first rule it breaks. */
export function validateDestinationRecord(value: unknown): string | undefined {
  if (!isJsonObject(value)) return 'body is not a JSON object';
  if (typeof value.version !== 'string') return "'version' is missing or not a string";
  if (typeof value.timestamp !== 'string') return "'timestamp' is missing or not a string";
  const ctx = value.requestContext;
  if (!isJsonObject(ctx)) return "'requestContext' is missing or not an object";
  if (typeof ctx.requestId !== 'string' || ctx.requestId.length === 0) return "'requestContext.requestId' is missing or empty";
  if (typeof ctx.functionArn !== 'string' || !FUNCTION_ARN.test(ctx.functionArn)) {
    return `'requestContext.functionArn' is not a Lambda function ARN (given ${JSON.stringify(ctx.functionArn)})`;
  }
  if (typeof ctx.condition !== 'string') return "'requestContext.condition' is missing or not a string";
  if (typeof ctx.approximateInvokeCount !== 'number') return "'requestContext.approximateInvokeCount' is missing or not a number";
  if (!('requestPayload' in value)) return "'requestPayload' is missing: there is no original event to replay";
  return undefined;
}

/**
 * Reads one failure-queue message. Returns what to replay, or why it cannot be replayed
 * (the caller reports it and leaves the message in the queue; nothing is dropped here).
 */
export function parseFailureMessage(body: string, attributes: MessageAttributes = {}): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    return { ok: false, reason: `body is not JSON (${(err as Error).message})` };
  }

  const targetArn = attributes.TARGET_ARN?.stringValue;
  const errorCode = attributes.ERROR_CODE?.stringValue;
  if (targetArn !== undefined && errorCode !== undefined) {
    if (!FUNCTION_ARN.test(targetArn)) {
      return { ok: false, reason: `EventBridge dead letter for target ${targetArn}, which is not a Lambda function` };
    }
    return {
      ok: true,
      replayable: {
        source: 'eventbridge-dead-letter',
        functionArn: targetArn,
        payload: value,
        reason: errorCode,
        origin: attributes.RULE_ARN?.stringValue ?? 'unknown rule',
      },
    };
  }

  const invalid = validateDestinationRecord(value);
  if (invalid) return { ok: false, reason: `not a Lambda destination record: ${invalid}` };
  const record = value as unknown as DestinationRecord;
  const condition = record.requestContext.condition;
  if (!FAILURE_CONDITIONS.includes(condition)) {
    return {
      ok: false,
      reason: `condition '${condition}' is not a failure (expected ${FAILURE_CONDITIONS.join(' or ')}); `
        + 'a success record must not be replayed',
    };
  }
  return {
    ok: true,
    replayable: {
      source: 'lambda-destination',
      functionArn: record.requestContext.functionArn,
      payload: record.requestPayload,
      reason: `${condition} after ${record.requestContext.approximateInvokeCount} attempt(s)`,
      origin: record.requestContext.requestId,
    },
  };
}
