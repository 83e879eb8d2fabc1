import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { HandlerCode, SagaStateMachine, ServerlessFunction } from '../lib';

/**
 * The Powertools idempotency table of the step functions (the shape SqsWorker creates): records
 * are keyed by function name and idempotency key, so the five functions share it without collisions.
 */
function idempotencyTable(scope: Construct): dynamodb.Table {
  return new dynamodb.Table(scope, 'IdempotencyTable', {
    partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    timeToLiveAttribute: 'expiration',
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    // Records live for the TTL only; nothing of value is lost when the stack is deleted.
    removalPolicy: RemovalPolicy.DESTROY,
  });
}

/** One example step function from this package's bundled saga handlers (`assets/saga/<name>`). */
function stepFunction(scope: Construct, name: string, table: dynamodb.ITable): ServerlessFunction {
  const fn = new ServerlessFunction(scope, name, {
    handler: HandlerCode.bundled(`saga/${name}`),
    memorySize: 256,
    timeout: Duration.seconds(10),
    environment: { POWERTOOLS_SERVICE_NAME: `order-saga-${name}`, IDEMPOTENCY_TABLE_NAME: table.tableName },
  });
  // Only what the Powertools persistence layer calls: no Scan, Query or batch writes.
  table.grant(fn, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem');
  return fn;
}

/**
 * The order saga: reserve inventory -> charge payment -> create shipment. A failed charge is
 * refunded too (a timed-out charge may have been captured). Start an execution with
 * `{"orderId":"o-1","items":[{"sku":"A","quantity":1,"price":10}],"simulate":{"failStep":"create-shipment"}}`
 * to watch the refund and the release run in reverse order.
 */
export function addSagaStateMachineDemo(scope: Construct, alarmTopic: sns.ITopic): SagaStateMachine {
  const steps = new Construct(scope, 'OrderSagaSteps');
  // The step handlers are idempotent per `<execution>:<step>` key (Powertools, DynamoDB).
  const table = idempotencyTable(steps);
  const step = (name: string) => stepFunction(steps, name, table);
  return new SagaStateMachine(scope, 'OrderSaga', {
    steps: [
      {
        name: 'reserve-inventory',
        action: step('reserve-inventory'),
        compensation: step('release-inventory'),
        // The inventory service sheds load with this error; a later attempt succeeds.
        retry: { retryErrors: ['ServiceUnavailableError'], maxAttempts: 4 },
      },
      {
        name: 'charge-payment',
        action: step('charge-payment'),
        compensation: step('refund-payment'),
        compensatesOwnFailure: true,
        timeout: Duration.seconds(15),
      },
      { name: 'create-shipment', action: step('create-shipment') },
    ],
    timeout: Duration.minutes(15),
    alarmTopic,
  });
}
