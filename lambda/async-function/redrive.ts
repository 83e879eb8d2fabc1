import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { parseFailureMessage, unqualifiedFunctionArn } from './destination-record';

/** One asynchronous invoke: function name or ARN, JSON payload; resolves to the HTTP status. */
export type AsyncInvoke = (functionName: string, payload: string) => Promise<number>;

/** What happened to one failure-queue message. */
export interface RedriveOutcome {
  readonly messageId: string;
  /**
   * `redriven`: re-invoked asynchronously, the message is deleted.
   * `rejected`: cannot be replayed (malformed, foreign function, success record); kept.
   * `failed`: the invoke call failed; kept and retried by the queue.
   */
  readonly status: 'redriven' | 'rejected' | 'failed';
  readonly reason: string;
  readonly functionArn?: string;
  readonly origin?: string;
}

export interface RedriveReport {
  readonly outcomes: RedriveOutcome[];
  readonly response: SQSBatchResponse;
}

/**
 * Replays a batch of failure-queue messages to `targetFunctionArn` (the only function this
 * redrive may invoke). Every message gets an outcome; every message not redriven is reported
 * as a batch item failure, so SQS keeps it (and after maxReceiveCount parks it in the redrive
 * dead-letter queue) instead of deleting it.
 */
export async function redriveBatch(records: SQSRecord[], targetFunctionArn: string, invoke: AsyncInvoke): Promise<RedriveReport> {
  const target = unqualifiedFunctionArn(targetFunctionArn);
  const outcomes = await Promise.all(records.map(async (record): Promise<RedriveOutcome> => {
    const parsed = parseFailureMessage(record.body, record.messageAttributes);
    if (!parsed.ok) return { messageId: record.messageId, status: 'rejected', reason: parsed.reason };
    const { functionArn, payload, reason, origin } = parsed.replayable;
    if (unqualifiedFunctionArn(functionArn) !== target) {
      return {
        messageId: record.messageId, status: 'rejected', functionArn, origin,
        reason: `message is for ${functionArn}; this redrive only replays to ${target}`,
      };
    }
    try {
      const status = await invoke(functionArn, JSON.stringify(payload ?? null));
      if (status !== 202) {
        return { messageId: record.messageId, status: 'failed', functionArn, origin, reason: `async invoke returned status ${status}, expected 202` };
      }
      return { messageId: record.messageId, status: 'redriven', functionArn, origin, reason };
    } catch (err) {
      const e = err as Error;
      return { messageId: record.messageId, status: 'failed', functionArn, origin, reason: `async invoke failed: ${e.name}: ${e.message}` };
    }
  }));
  return {
    outcomes,
    response: {
      batchItemFailures: outcomes.filter((o) => o.status !== 'redriven').map((o) => ({ itemIdentifier: o.messageId })),
    },
  };
}
