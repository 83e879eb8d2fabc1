/**
 * SQS fair queues (July 2025): on a standard queue a MessageGroupId marks a tenant, and SNS standard
 * topics pass it on to their SQS subscriptions. The pipeline's topic and consumer queue are created
 * in moto from a synthesized FanOutPipeline; the bundled SqsWorker example handler runs on what
 * arrives, driven by test/support/sqs-poller.ts the way Lambda's event source mapping drives it.
 *
 * What moto 5.2.1 does (measured here): SendMessage with a MessageGroupId to a standard queue is
 * accepted and the group id comes back as the MessageGroupId attribute; Publish with a
 * MessageGroupId to a standard topic is accepted and the SQS subscription's message carries it.
 * moto does not model the fairness itself (which tenant's messages a receive prefers).
 */
import { SNSClient, PublishCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { FanOutPipeline, HandlerCode } from '../lib';
import { loadBundledHandler } from './support/lambda';
import { newStack, template } from './support/cdk';
import { describeWithMoto, motoClientConfig, useMoto } from './support/moto';
import { CreatedResources, createQueues, createTopics } from './support/moto-template';
import { SqsHandler, SqsPoller } from './support/sqs-poller';

const order = (orderId: string) => JSON.stringify({ orderId, items: [{ price: 10, quantity: 1 }] });

describeWithMoto('fair queues: MessageGroupId on standard queues and topics (moto)', () => {
  useMoto();
  let sqsClient: SQSClient;
  let snsClient: SNSClient;
  beforeAll(() => {
    sqsClient = new SQSClient(motoClientConfig());
    snsClient = new SNSClient(motoClientConfig());
  });
  afterAll(() => [sqsClient, snsClient].forEach((c) => c.destroy()));

  /** A pipeline with one consumer (the bundled SqsWorker example, idempotency off), created in moto. */
  async function deployPipeline(id: string) {
    const stack = newStack(id);
    const pipeline = new FanOutPipeline(stack, 'Orders', {
      consumers: [{ name: 'billing', handler: HandlerCode.bundled('sqs-worker/example'), worker: { idempotency: { enabled: false } } }],
    });
    const t = template(stack).toJSON() as any;
    const created = await createTopics(snsClient, t, await createQueues(sqsClient, t, new CreatedResources(id)));
    const worker = pipeline.consumer('billing').worker;
    const queueId = stack.getLogicalId(worker.queue.node.defaultChild as sqs.CfnQueue);
    const topicId = Object.keys(t.Resources).find((k) => t.Resources[k].Type === 'AWS::SNS::Topic')!;
    const queueUrl = created.queueUrl(queueId);
    const { Attributes } = await sqsClient.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn', 'FifoQueue'] }));
    const fn = Object.values<any>(t.Resources).find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.SQS_WORKER_FIFO);
    Object.assign(process.env, created.resolve(fn.Properties.Environment.Variables));
    // The handler as the mapping runs it, recording what each invocation got.
    const events: SQSEvent[] = [];
    const bundled = loadBundledHandler<SqsHandler>('sqs-worker/example');
    const handler: SqsHandler = async (event, context) => {
      events.push(event);
      return bundled(event, context);
    };
    const poller = new SqsPoller(handler, {
      client: sqsClient, queueUrl, queueArn: Attributes!.QueueArn!, batchSize: 10, reportBatchItemFailures: true,
    });
    return { topicArn: created.resolve({ Ref: topicId }) as unknown as string, queueUrl, fifo: Attributes!.FifoQueue === 'true', poller, events };
  }

  test('a MessageGroupId sent to the worker\'s standard queue is accepted, reaches the handler, and the batch succeeds', async () => {
    const deployed = await deployPipeline('Direct');
    expect(deployed.fifo).toBe(false);
    const tenantA = await sqsClient.send(new SendMessageCommand({ QueueUrl: deployed.queueUrl, MessageBody: order('a-1'), MessageGroupId: 'tenant-a' }));
    const tenantB = await sqsClient.send(new SendMessageCommand({ QueueUrl: deployed.queueUrl, MessageBody: order('b-1'), MessageGroupId: 'tenant-b' }));
    await deployed.poller.drain();

    const records = deployed.events.flatMap((e) => e.Records);
    expect(records.map((r) => [r.messageId, (r.attributes as any).MessageGroupId]).sort()).toEqual([
      [tenantA.MessageId, 'tenant-a'], [tenantB.MessageId, 'tenant-b'],
    ].sort());
    for (const id of [tenantA.MessageId!, tenantB.MessageId!]) expect(deployed.poller.history.get(id)).toEqual({ receiveCounts: [1], deleted: true });
  });

  test('published to the pipeline\'s standard topic with a MessageGroupId, the group id is passed through to the consumer queue', async () => {
    const deployed = await deployPipeline('ThroughSns');
    await snsClient.send(new PublishCommand({ TopicArn: deployed.topicArn, Message: order('c-1'), MessageGroupId: 'tenant-c' }));
    await deployed.poller.drain();

    const records = deployed.events.flatMap((e) => e.Records);
    expect(records.map((r) => [r.body, (r.attributes as any).MessageGroupId])).toEqual([[order('c-1'), 'tenant-c']]);
    expect(deployed.poller.history.get(records[0].messageId)).toEqual({ receiveCounts: [1], deleted: true });
  });
});
