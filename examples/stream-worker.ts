import { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { HandlerCode, StreamSource, StreamWorker } from '../lib';

/**
 * Two stream workers sharing one read model:
 * - CQRS: the orders table (write model) streams its changes to a worker that keeps order
 *   summaries per customer in the read-model table;
 * - a Kinesis worker on a created on-demand stream that keeps a running total per customer.
 */
export function addStreamWorkerDemo(scope: Construct, alarmTopic: sns.ITopic): StreamWorker[] {
  const orders = new dynamodb.Table(scope, 'OrdersTable', {
    partitionKey: { name: 'orderId', type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const readModel = new dynamodb.Table(scope, 'OrdersReadModel', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const environment = { READ_MODEL_TABLE_NAME: readModel.tableName };

  const projector = new StreamWorker(scope, 'OrdersProjector', {
    handler: HandlerCode.bundled('stream-worker/read-model'),
    source: StreamSource.dynamoDb(orders),
    batchSize: 50,
    maxBatchingWindow: Duration.seconds(1),
    environment,
    alarmTopic,
    // Light traffic: the 1-second window closes with about 10 changes, not 50.
    expectedLoad: { perMonth: 1_000_000, averageDuration: Duration.millis(30), recordsPerInvocation: 10 },
  });
  const totals = new StreamWorker(scope, 'OrderEventsWorker', {
    handler: HandlerCode.bundled('stream-worker/example'),
    batchSize: 100,
    parallelizationFactor: 2,
    maxRecordAge: Duration.hours(6),
    environment,
    alarmTopic,
    expectedLoad: { perMonth: 3_000_000, averageDuration: Duration.millis(15), payloadSize: Size.kibibytes(2), failureRate: 0.0001 },
  });
  for (const worker of [projector, totals]) {
    readModel.grant(worker.function, 'dynamodb:UpdateItem', 'dynamodb:DeleteItem');
  }
  return [projector, totals];
}
