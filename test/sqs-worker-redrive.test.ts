import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { HandlerCode, SqsWorker } from '../lib';
import { newStack, template } from './support/cdk';
import { loadBundledHandler } from './support/lambda';
import { SqsRedriveModel } from './support/sqs-model';

/**
 * Nothing is lost silently: with the redrive policy and batch size SqsWorker synthesizes, a poison
 * message ends in the dead-letter queue after exactly maxReceiveCount deliveries, and healthy
 * messages in the same batches are processed once.
 */
test('poison messages end in the DLQ after maxReceiveCount deliveries; healthy ones are deleted once', async () => {
  const stack = newStack();
  new SqsWorker(stack, 'Worker', { handler: HandlerCode.bundled('sqs-worker/example'), idempotency: { enabled: false } });
  const t = template(stack);
  const source = Object.values(t.findResources('AWS::SQS::Queue')).find((q) => q.Properties.RedrivePolicy)!;
  const maxReceiveCount = source.Properties.RedrivePolicy.maxReceiveCount;
  const batchSize = Object.values(t.findResources('AWS::Lambda::EventSourceMapping'))[0].Properties.BatchSize;
  expect([maxReceiveCount, batchSize]).toEqual([5, 10]);

  delete process.env.IDEMPOTENCY_TABLE_NAME;
  process.env.SQS_WORKER_FIFO = 'false';
  const handler = loadBundledHandler<(e: SQSEvent, c: Context) => Promise<SQSBatchResponse>>('sqs-worker/example');
  const model = new SqsRedriveModel(maxReceiveCount, batchSize);
  const healthy = Array.from({ length: 12 }, (_, i) => `ok-${i}`);
  for (const id of healthy) model.send(id, JSON.stringify({ orderId: id, items: [{ price: 1, quantity: 1 }] }));
  model.send('poison-json', '{not json');
  model.send('poison-order', JSON.stringify({ orderId: 'x', items: [] }));

  await model.drain(handler);

  expect(model.deadLetterQueue.sort()).toEqual(['poison-json', 'poison-order']);
  expect(model.deliveries['poison-json']).toBe(5);
  expect(model.deliveries['poison-order']).toBe(5);
  expect(model.deleted.sort()).toEqual([...healthy].sort());
  for (const id of healthy) expect(model.deliveries[id]).toBe(1);
});
