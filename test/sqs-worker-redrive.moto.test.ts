/**
 * Redrive on a real queue: the source queue, its dead-letter queue and the idempotency table are
 * created in moto with the properties of a synthesized SqsWorker; the bundled example worker
 * (assets/sqs-worker/example) runs with the environment the template gives its function, driven by
 * test/support/sqs-poller.ts the way Lambda's event source mapping drives it. Receive counts,
 * visibility, FIFO group locking and the move to the DLQ are moto's, not ours.
 */
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  GetQueueAttributesCommand,
  Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { Duration, Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { HandlerCode, SqsWorker, SqsWorkerProps } from '../lib';
import { createSqsWorkerHandler } from '../packages/runtime/src/sqs-worker';
import { processOrder } from '../lambda/sqs-worker/order';
import { newStack, template } from './support/cdk';
import { loadBundledHandler } from './support/lambda';
import { describeWithMoto, motoClientConfig, useMoto } from './support/moto';
import { CreatedResources, createQueues, createTables } from './support/moto-template';
import { SqsHandler, SqsPoller } from './support/sqs-poller';

const order = (orderId: string) => JSON.stringify({ orderId, items: [{ price: 12.5, quantity: 2 }] });

describeWithMoto('SqsWorker redrive on moto', () => {
  useMoto();
  let sqsClient: SQSClient;
  let dynamodb: DynamoDBClient;
  beforeAll(() => {
    sqsClient = new SQSClient(motoClientConfig());
    dynamodb = new DynamoDBClient(motoClientConfig());
  });
  afterAll(() => {
    sqsClient.destroy();
    dynamodb.destroy();
  });

  interface DeployedWorker {
    readonly handler: SqsHandler;
    readonly queueUrl: string;
    readonly queueArn: string;
    readonly deadLetterQueueUrl: string;
    readonly tableName?: string;
    readonly batchSize: number;
    readonly reportBatchItemFailures: boolean;
    readonly maxReceiveCount: number;
    readonly visibilityTimeout: number;
    readonly fifo: boolean;
    readonly contentBasedDeduplication: boolean;
  }

  /**
   * Synthesizes an SqsWorker, creates its queues and table in moto from the template, sets the
   * function's environment from the template and loads the bundled handler. `override` changes
   * queue properties before creation (only where a test says why).
   */
  async function deployWorker(id: string, props: Partial<SqsWorkerProps> | ((stack: Stack) => Partial<SqsWorkerProps>),
    override?: (queue: any) => void): Promise<DeployedWorker> {
    const stack = newStack(id);
    const worker = new SqsWorker(stack, 'Worker', {
      handler: HandlerCode.bundled('sqs-worker/example'),
      ...(typeof props === 'function' ? props(stack) : props),
    });
    const t = template(stack).toJSON() as any;
    const queueId = stack.getLogicalId(worker.queue.node.defaultChild as sqs.CfnQueue);
    const dlqId = stack.getLogicalId(worker.deadLetterQueue!.node.defaultChild as sqs.CfnQueue);
    const queueProps = t.Resources[queueId].Properties;
    override?.(queueProps);
    // Logical ids repeat across the stacks of this file: names in moto get the stack id first.
    const created = await createTables(dynamodb, t, await createQueues(sqsClient, t, new CreatedResources(id)));

    const fn = Object.values<any>(t.Resources).find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.SQS_WORKER_FIFO);
    const environment = created.resolve(fn.Properties.Environment.Variables) as Record<string, string>;
    delete process.env.IDEMPOTENCY_TABLE_NAME;
    Object.assign(process.env, environment);
    const mapping = Object.values<any>(t.Resources).find((r) => r.Type === 'AWS::Lambda::EventSourceMapping').Properties;
    const queueUrl = created.queueUrl(queueId);
    const { Attributes } = await sqsClient.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }));
    return {
      handler: loadBundledHandler<SqsHandler>('sqs-worker/example'),
      queueUrl,
      queueArn: Attributes!.QueueArn!,
      deadLetterQueueUrl: created.queueUrl(dlqId),
      tableName: environment.IDEMPOTENCY_TABLE_NAME,
      batchSize: mapping.BatchSize,
      reportBatchItemFailures: (mapping.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures'),
      // What moto holds, read back: the template's values reached the queue.
      maxReceiveCount: JSON.parse(Attributes!.RedrivePolicy!).maxReceiveCount,
      visibilityTimeout: Number(Attributes!.VisibilityTimeout),
      fifo: Attributes!.FifoQueue === 'true',
      contentBasedDeduplication: Attributes!.ContentBasedDeduplication === 'true',
    };
  }

  async function send(worker: DeployedWorker, body: string, groupId?: string, dedupId?: string): Promise<string> {
    const { MessageId } = await sqsClient.send(new SendMessageCommand({
      QueueUrl: worker.queueUrl, MessageBody: body,
      ...(worker.fifo ? { MessageGroupId: groupId, ...(worker.contentBasedDeduplication ? {} : { MessageDeduplicationId: dedupId }) } : {}),
    }));
    return MessageId!;
  }

  async function receiveAll(queueUrl: string): Promise<Message[]> {
    const messages: Message[] = [];
    for (;;) {
      const { Messages = [] } = await sqsClient.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, AttributeNames: ['All'] }));
      if (Messages.length === 0) return messages;
      messages.push(...Messages);
    }
  }

  async function queueDepth(queueUrl: string): Promise<{ visible: number; inFlight: number }> {
    const { Attributes } = await sqsClient.send(new GetQueueAttributesCommand({
      QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }));
    return { visible: Number(Attributes!.ApproximateNumberOfMessages), inFlight: Number(Attributes!.ApproximateNumberOfMessagesNotVisible) };
  }

  const pollerFor = (worker: DeployedWorker, expireVisibilityOfFailures: boolean) => new SqsPoller(worker.handler, {
    client: sqsClient, queueUrl: worker.queueUrl, queueArn: worker.queueArn, batchSize: worker.batchSize,
    reportBatchItemFailures: worker.reportBatchItemFailures, expireVisibilityOfFailures,
  });

  test('standard queue, defaults: poison messages reach the DLQ after exactly maxReceiveCount deliveries; healthy ones are processed once', async () => {
    const worker = await deployWorker('Standard', {});
    expect(worker).toMatchObject({ batchSize: 10, reportBatchItemFailures: true, maxReceiveCount: 5, visibilityTimeout: 180, fifo: false });

    const healthy = new Map<string, string>();
    for (let i = 0; i < 12; i++) healthy.set(await send(worker, order(`o-${i}`)), `o-${i}`);
    const poisonJson = await send(worker, '{not json');
    const poisonOrder = await send(worker, JSON.stringify({ orderId: 'x', items: [] }));

    // 180 s visibility: the poller makes failed messages visible again at once (see sqs-poller.ts);
    // the next test shows moto redelivering on its own when the timeout really passes.
    const poller = pollerFor(worker, true);
    await poller.drain();

    for (const id of healthy.keys()) expect(poller.history.get(id)).toEqual({ receiveCounts: [1], deleted: true });
    expect(poller.history.get(poisonJson)).toEqual({ receiveCounts: [1, 2, 3, 4, 5], deleted: false });
    expect(poller.history.get(poisonOrder)).toEqual({ receiveCounts: [1, 2, 3, 4, 5], deleted: false });
    expect(await queueDepth(worker.queueUrl)).toEqual({ visible: 0, inFlight: 0 });
    const dead = await receiveAll(worker.deadLetterQueueUrl);
    expect(dead.map((m) => m.MessageId).sort()).toEqual([poisonJson, poisonOrder].sort());
    expect(dead.find((m) => m.MessageId === poisonJson)!.Body).toBe('{not json');

    // Idempotency (on by default) against moto's DynamoDB: one COMPLETED record per healthy
    // message; the failed order's record was deleted so its retries ran again.
    const { Items = [] } = await dynamodb.send(new ScanCommand({ TableName: worker.tableName }));
    expect(Items.map((i) => i.status.S)).toEqual(Array(12).fill('COMPLETED'));
    expect(Items.map((i) => i.data.M!.orderId.S).sort()).toEqual([...healthy.values()].sort());
  });

  test('a failed message stays hidden for the visibility timeout, then SQS redelivers it with a higher receive count', async () => {
    // Test-only: VisibilityTimeout 1 s instead of the synthesized 180 s, so the real timeout passes.
    const worker = await deployWorker('ShortVisibility', { idempotency: { enabled: false } }, (queue) => { queue.VisibilityTimeout = 1; });
    expect(worker.visibilityTimeout).toBe(1);
    const poison = await send(worker, 'not json');
    const poller = pollerFor(worker, false);
    expect(await poller.pollOnce()).toBe(1);
    expect(await poller.pollOnce()).toBe(0); // in flight, not visible
    expect(await queueDepth(worker.queueUrl)).toEqual({ visible: 0, inFlight: 1 });
    await new Promise((r) => setTimeout(r, 1300));
    expect(await poller.pollOnce()).toBe(1);
    expect(poller.history.get(poison)).toEqual({ receiveCounts: [1, 2], deleted: false });
  });

  test('FIFO, batch size 1: a poison message holds back its own group only; the group resumes in order once it is in the DLQ', async () => {
    const worker = await deployWorker('FifoSingle', { fifo: true, batchSize: 1 });
    expect(worker).toMatchObject({ batchSize: 1, fifo: true, contentBasedDeduplication: false, maxReceiveCount: 5 });
    const a1 = await send(worker, order('a-1'), 'A', 'a1');
    const a2 = await send(worker, '{broken', 'A', 'a2');
    const a3 = await send(worker, order('a-3'), 'A', 'a3');
    const b1 = await send(worker, order('b-1'), 'B', 'b1');

    // Real visibility first: while a2 is in flight, SQS locks group A and hands out group B.
    const lockStep = pollerFor(worker, false);
    for (let i = 0; i < 4; i++) await lockStep.pollOnce();
    expect(lockStep.batches).toEqual([[a1], [a2], [b1]]);
    expect(await queueDepth(worker.queueUrl)).toEqual({ visible: 1, inFlight: 1 }); // a3 waits behind a2

    // Then as if each visibility timeout had passed: a2 comes back until the DLQ takes it, and
    // only then does a3 follow.
    await lockStep.expireInFlight();
    const retries = pollerFor(worker, true);
    await retries.drain();
    expect(retries.batches).toEqual([[a2], [a2], [a2], [a2], [a3]]);
    expect(retries.history.get(a2)).toEqual({ receiveCounts: [2, 3, 4, 5], deleted: false });
    expect(retries.history.get(a3)).toEqual({ receiveCounts: [1], deleted: true });
    expect((await receiveAll(worker.deadLetterQueueUrl)).map((m) => m.MessageId)).toEqual([a2]);
    expect(await queueDepth(worker.queueUrl)).toEqual({ visible: 0, inFlight: 0 });
  });

  test('your own FIFO queue with content-based deduplication and maxReceiveCount 3: a re-sent body is dropped, the poison message moves after 3 deliveries', async () => {
    const worker = await deployWorker('FifoOwnQueue', (stack) => ({
      queue: new sqs.Queue(stack, 'Orders', {
        fifo: true,
        contentBasedDeduplication: true,
        visibilityTimeout: Duration.minutes(3),
        deadLetterQueue: { queue: new sqs.Queue(stack, 'OrdersDlq', { fifo: true }), maxReceiveCount: 3 },
      }),
    }));
    expect(worker).toMatchObject({ fifo: true, contentBasedDeduplication: true, maxReceiveCount: 3 });
    const first = await send(worker, order('c-1'), 'C');
    await send(worker, order('c-1'), 'C'); // the same body again, within the 5-minute window
    const poison = await send(worker, '{broken', 'D');

    const poller = pollerFor(worker, true);
    await poller.drain();
    // Only two messages were ever delivered: the re-sent one was dropped as a duplicate.
    expect([...poller.history.keys()].sort()).toEqual([first, poison].sort());
    expect(poller.history.get(first)).toEqual({ receiveCounts: [1], deleted: true });
    expect(poller.history.get(poison)).toEqual({ receiveCounts: [1, 2, 3], deleted: false });
    expect((await receiveAll(worker.deadLetterQueueUrl)).map((m) => m.MessageId)).toEqual([poison]);
    const { Items = [] } = await dynamodb.send(new ScanCommand({ TableName: worker.tableName }));
    expect(Items.map((i) => i.data?.M?.orderId.S)).toEqual(['c-1']);
  });

  test('FIFO, default batch size: a poison message holds back its own group only; another group in the same batch is processed once', async () => {
    const worker = await deployWorker('FifoBatch', { fifo: true });
    expect(worker).toMatchObject({ batchSize: 10, fifo: true, maxReceiveCount: 5 });
    const a1 = await send(worker, order('a-1'), 'A', 'a1');
    const a2 = await send(worker, JSON.stringify({ orderId: 'a-2', items: [] }), 'A', 'a2');
    const a3 = await send(worker, order('a-3'), 'A', 'a3');
    const b1 = await send(worker, order('b-1'), 'B', 'b1');
    const b2 = await send(worker, order('b-2'), 'B', 'b2');

    const poller = pollerFor(worker, true);
    await poller.drain();

    // SQS fills a FIFO batch from several groups, in order. The worker (skipGroupOnError, its
    // default fifoFailureScope 'group') hands back a2 and the rest of group A only.
    expect(poller.batches[0]).toEqual([a1, a2, a3, b1, b2]);
    expect(poller.batches.slice(1)).toEqual(Array(4).fill([a2, a3]));
    for (const id of [a1, b1, b2]) expect(poller.history.get(id)).toEqual({ receiveCounts: [1], deleted: true });
    // a3 is healthy but stays behind a2 in its group: group order wins, as AWS documents for FIFO.
    for (const id of [a2, a3]) expect(poller.history.get(id)).toEqual({ receiveCounts: [1, 2, 3, 4, 5], deleted: false });
    expect((await receiveAll(worker.deadLetterQueueUrl)).map((m) => m.MessageId).sort()).toEqual([a2, a3].sort());
    const { Items = [] } = await dynamodb.send(new ScanCommand({ TableName: worker.tableName }));
    expect(Items.map((i) => i.data?.M?.orderId.S).sort()).toEqual(['a-1', 'b-1', 'b-2']);
  });

  test('FIFO with fifoFailureScope \'batch\' (the runtime before 0.2): every record after the first failure is handed back, so another group\'s healthy messages end in the DLQ', async () => {
    const worker = await deployWorker('FifoWholeBatch', { fifo: true, idempotency: { enabled: false } });
    // The example worker's record logic, with the old batch-wide failure scope.
    const handler: SqsHandler = createSqsWorkerHandler(processOrder, { fifo: true, fifoFailureScope: 'batch', idempotency: false });
    const a1 = await send(worker, order('a-1'), 'A', 'a1');
    const a2 = await send(worker, JSON.stringify({ orderId: 'a-2', items: [] }), 'A', 'a2');
    const a3 = await send(worker, order('a-3'), 'A', 'a3');
    const b1 = await send(worker, order('b-1'), 'B', 'b1');
    const b2 = await send(worker, order('b-2'), 'B', 'b2');

    const poller = new SqsPoller(handler, {
      client: sqsClient, queueUrl: worker.queueUrl, queueArn: worker.queueArn, batchSize: worker.batchSize,
      reportBatchItemFailures: worker.reportBatchItemFailures, expireVisibilityOfFailures: true,
    });
    await poller.drain();

    expect(poller.batches.slice(1)).toEqual(Array(4).fill([a2, a3, b1, b2]));
    expect(poller.history.get(a1)).toEqual({ receiveCounts: [1], deleted: true });
    for (const id of [a2, a3, b1, b2]) expect(poller.history.get(id)).toEqual({ receiveCounts: [1, 2, 3, 4, 5], deleted: false });
    expect((await receiveAll(worker.deadLetterQueueUrl)).map((m) => m.MessageId).sort()).toEqual([a2, a3, b1, b2].sort());
  });
});
