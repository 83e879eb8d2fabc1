import { Duration, Size } from 'aws-cdk-lib';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { HandlerCode, SqsWorker } from '../lib';

/** An order-fulfilment worker: standard queue, bounded concurrency, idempotent per order id. */
export function addSqsWorkerDemo(scope: Construct, alarmTopic: sns.ITopic): SqsWorker {
  return new SqsWorker(scope, 'OrderWorker', {
    handler: HandlerCode.bundled('sqs-worker/example'),
    batchSize: 10,
    maxBatchingWindow: Duration.seconds(2),
    maxConcurrency: 20,
    reservedConcurrency: 25,
    timeout: Duration.seconds(20),
    idempotency: { ttl: Duration.hours(6), eventKeyJmesPath: 'powertools_json(body).orderId' },
    alarmTopic,
    expectedLoad: { perMonth: 2_000_000, averageDuration: Duration.millis(120), payloadSize: Size.kibibytes(2) },
  });
}
