/**
 * The SQS event source mapping model (test/support/sqs-poller.ts) against AWS's documented
 * behaviour, on a real queue (moto): which messages of a batch Lambda leaves in the queue after an
 * invocation. The cases are the success and failure conditions of
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting
 * (a complete success: an empty or null batchItemFailures list, an empty or null response; a
 * complete failure: an empty or null itemIdentifier, or one under a bad key name; a function error
 * fails the whole batch). An id that is not in the batch is taken as a complete failure too (the
 * stricter reading where the page says nothing). Without ReportBatchItemFailures a normal return
 * deletes the whole batch (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html).
 *
 * Each case sends three messages, lets the poller receive them as one batch and invoke a function
 * that returns (or throws) the case's response, makes what is left visible again, and reads the
 * queue: the messages still there are what the poller left, as SQS itself holds them.
 */
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { describeWithMoto, motoClientConfig, useMoto } from './support/moto';
import { SqsPoller } from './support/sqs-poller';

const BODIES = ['m1', 'm2', 'm3'];
/** What the function does with the batch: `ids` are the message ids SQS gave m1, m2, m3. */
type Behaviour = (ids: string[]) => unknown;
const throws: Behaviour = () => { throw new Error('function error'); };

const CASES: Array<[string, Behaviour, boolean, string[]]> = [
  ['the function throws', throws, true, ['m1', 'm2', 'm3']],
  ['listed failures', (ids) => ({ batchItemFailures: [{ itemIdentifier: ids[1] }] }), true, ['m2']],
  ['a failure listed twice', (ids) => ({ batchItemFailures: [{ itemIdentifier: ids[2] }, { itemIdentifier: ids[2] }] }), true, ['m3']],
  ['an empty batchItemFailures list', () => ({ batchItemFailures: [] }), true, []],
  ['a null batchItemFailures list', () => ({ batchItemFailures: null }), true, []],
  ['an empty response', () => ({}), true, []],
  ['a null response', () => null, true, []],
  ['an empty itemIdentifier', () => ({ batchItemFailures: [{ itemIdentifier: '' }] }), true, ['m1', 'm2', 'm3']],
  ['a null itemIdentifier', () => ({ batchItemFailures: [{ itemIdentifier: null }] }), true, ['m1', 'm2', 'm3']],
  ['a bad key name', (ids) => ({ batchItemFailures: [{ messageId: ids[0] }] }), true, ['m1', 'm2', 'm3']],
  ['an id not in the batch', () => ({ batchItemFailures: [{ itemIdentifier: 'other' }] }), true, ['m1', 'm2', 'm3']],
  ['listed failures without ReportBatchItemFailures', (ids) => ({ batchItemFailures: [{ itemIdentifier: ids[1] }] }), false, []],
  ['a throw without ReportBatchItemFailures', throws, false, ['m1', 'm2', 'm3']],
];

describeWithMoto('SqsPoller: what Lambda leaves in the queue (moto)', () => {
  useMoto();
  let client: SQSClient;
  let queues = 0;
  beforeAll(() => { client = new SQSClient(motoClientConfig()); });
  afterAll(() => client.destroy());

  test.each(CASES.map(([label, behaviour, report, expected]) => ({ label, behaviour, report, expected })))(
    '$label (ReportBatchItemFailures: $report): Lambda leaves $expected', async ({ behaviour, report, expected }) => {
      const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: `poller-${++queues}`, Attributes: { VisibilityTimeout: '30' } }));
      const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
      await client.send(new SendMessageBatchCommand({ QueueUrl, Entries: BODIES.map((body, i) => ({ Id: String(i), MessageBody: body })) }));

      const seen: string[][] = [];
      const poller = new SqsPoller(async (event: SQSEvent) => {
        const byBody = new Map(event.Records.map((r) => [r.body, r.messageId]));
        seen.push(event.Records.map((r) => r.body));
        return behaviour(BODIES.map((body) => byBody.get(body)!)) as SQSBatchResponse;
      }, { client, queueUrl: QueueUrl!, queueArn: Attributes!.QueueArn!, batchSize: 10, reportBatchItemFailures: report, expireVisibilityOfFailures: true });
      expect(await poller.pollOnce()).toBe(3);
      expect(seen.map((batch) => [...batch].sort())).toEqual([BODIES]);

      const { Messages = [] } = await client.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
      expect(Messages.map((m) => m.Body).sort()).toEqual(expected);
    });
});
