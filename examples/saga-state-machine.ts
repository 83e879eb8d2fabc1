import { Duration, Size } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { HandlerCode, IdempotencyTable, SagaStateMachine, ServerlessFunction } from '../lib';

/** One example step function from this package's bundled saga handlers (`assets/saga-state-machine/<name>`). */
function stepFunction(scope: Construct, name: string, table: dynamodb.ITable): ServerlessFunction {
  const fn = new ServerlessFunction(scope, name, {
    handler: HandlerCode.bundled(`saga-state-machine/${name}`),
    memorySize: 256,
    timeout: Duration.seconds(10),
    environment: { POWERTOOLS_SERVICE_NAME: `order-saga-${name}`, IDEMPOTENCY_TABLE_NAME: table.tableName },
  });
  IdempotencyTable.grantRecordAccessOn(table, fn);
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
  // One Powertools idempotency table for the five step functions: records are keyed by function
  // name and idempotency key, so they share it without collisions.
  const table = new IdempotencyTable(steps, 'IdempotencyTable');
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
    expectedLoad: { perMonth: 200_000, averageDuration: Duration.millis(1500), payloadSize: Size.kibibytes(2) },
  });
}
