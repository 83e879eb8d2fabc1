import type { SQSBatchResponse } from 'aws-lambda';
import { lambdaContext, sqsEvent, sqsRecord } from './lambda';

/**
 * A model of what SQS and the Lambda poller do with a redrive policy, used to drive the real
 * handler until every message is either deleted or in the dead-letter queue:
 * - a receive increments ApproximateReceiveCount;
 * - a message already received `maxReceiveCount` times is moved to the DLQ instead of delivered;
 * - ids in `batchItemFailures` (or the whole batch, when the invocation throws) become visible
 *   again; every other record of the batch is deleted.
 */
export class SqsRedriveModel {
  public readonly deadLetterQueue: string[] = [];
  public readonly deleted: string[] = [];
  public readonly deliveries: Record<string, number> = {};
  private readonly queue: Array<{ id: string; body: string; receives: number }> = [];

  constructor(private readonly maxReceiveCount: number, private readonly batchSize: number) {}

  public send(id: string, body: string): void {
    this.queue.push({ id, body, receives: 0 });
  }

  /** Polls until the queue is empty; returns the number of invocations. */
  public async drain(handler: (event: any, context: any) => Promise<SQSBatchResponse>, maxInvocations = 100): Promise<number> {
    let invocations = 0;
    while (this.queue.length > 0) {
      if (++invocations > maxInvocations) throw new Error('queue did not drain');
      const batch = [];
      while (batch.length < this.batchSize && this.queue.length > 0) {
        const message = this.queue.shift()!;
        if (message.receives >= this.maxReceiveCount) {
          this.deadLetterQueue.push(message.id);
          continue;
        }
        message.receives += 1;
        this.deliveries[message.id] = (this.deliveries[message.id] ?? 0) + 1;
        batch.push(message);
      }
      if (batch.length === 0) continue;
      const records = batch.map((m) => {
        const record = sqsRecord(m.id, m.body);
        record.attributes.ApproximateReceiveCount = String(m.receives);
        return record;
      });
      let failed: Set<string>;
      try {
        const response = await handler(sqsEvent(records), lambdaContext());
        failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
      } catch {
        failed = new Set(batch.map((m) => m.id));
      }
      for (const message of batch) {
        if (failed.has(message.id)) this.queue.push(message);
        else this.deleted.push(message.id);
      }
    }
    return invocations;
  }
}
