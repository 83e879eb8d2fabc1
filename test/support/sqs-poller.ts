import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { lambdaContext } from './lambda';

/**
 * What Lambda's SQS event source mapping does with one queue, against a real SQS API (moto), so
 * the queue itself decides receive counts, visibility, FIFO group locking and the move to the
 * dead-letter queue:
 * - receive up to `batchSize` messages (at most 10 per ReceiveMessage; larger batches need a
 *   batching window, which this poller does not model) and invoke the function once with them;
 * - a function that returns normally: every message is deleted, except, with
 *   `ReportBatchItemFailures`, the ids listed in `batchItemFailures`;
 * - the whole batch counts as failed (nothing deleted) when the function throws, or when a
 *   `batchItemFailures` entry has an empty, missing or unknown `itemIdentifier`;
 * - failed messages are left alone: SQS makes them visible again after the visibility timeout.
 *
 * One poller, invoked serially (concurrent pollers and Lambda's scaling are not modelled).
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting
 */

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface SqsPollerOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  /** The mapping's BatchSize (1..10 here). */
  readonly batchSize: number;
  /** Whether the mapping's FunctionResponseTypes holds ReportBatchItemFailures. */
  readonly reportBatchItemFailures: boolean;
  /**
   * Instead of waiting out the queue's visibility timeout, set the failed messages' visibility to
   * 0 right after the invocation (ChangeMessageVisibility), as if the timeout had passed. Receive
   * counts and the redrive are still SQS's.
   */
  readonly expireVisibilityOfFailures?: boolean;
}

/** What the function saw of one message. */
export interface MessageHistory {
  /** ApproximateReceiveCount of each delivery, in order. */
  readonly receiveCounts: number[];
  deleted: boolean;
}

function toRecord(message: Message, queueArn: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? '',
    attributes: attributes as unknown as SQSRecord['attributes'],
    messageAttributes: Object.fromEntries(Object.entries(message.MessageAttributes ?? {}).map(([name, a]) => [name, {
      dataType: a.DataType!, stringValue: a.StringValue, binaryValue: a.BinaryValue ? Buffer.from(a.BinaryValue).toString('base64') : undefined,
      stringListValues: [], binaryListValues: [],
    }])),
    md5OfBody: message.MD5OfBody!,
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: queueArn.split(':')[3],
  };
}

/** The ids Lambda leaves in the queue after an invocation's outcome (the rest it deletes). */
export function idsLeftInQueue(batch: SQSRecord[], outcome: { response?: SQSBatchResponse | void; threw: boolean }, report: boolean): string[] {
  const all = batch.map((r) => r.messageId);
  if (outcome.threw) return all;
  const failures = (outcome.response as SQSBatchResponse | undefined)?.batchItemFailures;
  if (!report || !failures) return [];
  const ids = failures.map((f) => f?.itemIdentifier);
  if (ids.some((id) => typeof id !== 'string' || id === '' || !all.includes(id))) return all;
  return [...new Set(ids)];
}

export class SqsPoller {
  public readonly history = new Map<string, MessageHistory>();
  /** Message ids of each invocation's batch, in the order received. */
  public readonly batches: string[][] = [];
  /** Receipt handles of failed messages still hidden by their visibility timeout. */
  private readonly inFlight = new Map<string, string>();

  constructor(private readonly handler: SqsHandler, private readonly options: SqsPollerOptions) {
    if (options.batchSize < 1 || options.batchSize > 10) throw new Error(`batchSize ${options.batchSize}: this poller receives 1..10 per batch`);
  }

  /** One receive and, if it returned messages, one invocation. Returns how many were received. */
  public async pollOnce(): Promise<number> {
    const { client, queueUrl, queueArn } = this.options;
    const { Messages = [] } = await client.send(new ReceiveMessageCommand({
      QueueUrl: queueUrl, MaxNumberOfMessages: this.options.batchSize, WaitTimeSeconds: 0,
      AttributeNames: ['All'], MessageAttributeNames: ['All'],
    }));
    if (Messages.length === 0) return 0;
    const batch = Messages.map((m) => toRecord(m, queueArn));
    for (const record of batch) {
      const entry = this.history.get(record.messageId) ?? { receiveCounts: [], deleted: false };
      entry.receiveCounts.push(Number(record.attributes.ApproximateReceiveCount));
      this.history.set(record.messageId, entry);
    }
    this.batches.push(batch.map((r) => r.messageId));
    let outcome: { response?: SQSBatchResponse | void; threw: boolean };
    try {
      outcome = { response: await this.handler({ Records: batch }, lambdaContext()), threw: false };
    } catch {
      outcome = { threw: true };
    }
    const failed = new Set(idsLeftInQueue(batch, outcome, this.options.reportBatchItemFailures));
    const done = batch.filter((r) => !failed.has(r.messageId));
    if (done.length > 0) {
      const result = await client.send(new DeleteMessageBatchCommand({
        QueueUrl: queueUrl, Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
      }));
      if (result.Failed?.length) throw new Error(`DeleteMessageBatch failed: ${JSON.stringify(result.Failed)}`);
      for (const r of done) this.history.get(r.messageId)!.deleted = true;
    }
    for (const r of batch) if (failed.has(r.messageId)) this.inFlight.set(r.messageId, r.receiptHandle);
    if (this.options.expireVisibilityOfFailures) await this.expireInFlight();
    return batch.length;
  }

  /** Makes the failed messages visible again now, as if their visibility timeout had passed. */
  public async expireInFlight(): Promise<void> {
    const entries = [...this.inFlight.values()].map((handle, i) => ({ Id: String(i), ReceiptHandle: handle, VisibilityTimeout: 0 }));
    this.inFlight.clear();
    if (entries.length === 0) return;
    const result = await this.options.client.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: this.options.queueUrl, Entries: entries }));
    if (result.Failed?.length) throw new Error(`ChangeMessageVisibilityBatch failed: ${JSON.stringify(result.Failed)}`);
  }

  /** Polls until a receive comes back empty; throws after `maxPolls`. */
  public async drain(maxPolls = 100): Promise<void> {
    for (let poll = 0; poll < maxPolls; poll++) {
      if (await this.pollOnce() === 0) return;
    }
    throw new Error(`queue did not drain in ${maxPolls} polls`);
  }
}
