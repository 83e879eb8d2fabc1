import { Duration, Size } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { HandlerCode, IdempotencyTable, SagaStateMachine, SagaTask, ServerlessFunction, SqsWorker } from '../lib';

/**
 * One example step function from this package's bundled saga handlers (`assets/saga-state-machine/<name>`),
 * with its records in the stack's shared idempotency table under a key prefix of its own.
 */
function stepFunction(scope: Construct, name: string): ServerlessFunction {
  const table = IdempotencyTable.forStack(scope);
  const fn = new ServerlessFunction(scope, name, {
    handler: HandlerCode.bundled(`saga-state-machine/${name}`),
    memorySize: 256,
    timeout: Duration.seconds(10),
    environment: { POWERTOOLS_SERVICE_NAME: `order-saga-${name}`, IDEMPOTENCY_TABLE_NAME: table.tableName },
  });
  // Only the items under the step's own prefix (dynamodb:LeadingKeys).
  const keyPrefix = IdempotencyTable.keyPrefixFor(fn);
  fn.addEnvironment('IDEMPOTENCY_KEY_PREFIX', keyPrefix);
  table.grantRecordAccess(fn, keyPrefix);
  return fn;
}

/** The order event the notify group publishes to the default event bus (and retracts on rollback). */
const orderEvent = (state: string) => sfn.TaskInput.fromObject({
  'orderId.$': '$.input.orderId',
  state,
  'shipment.$': "$.results['create-shipment']",
});

/**
 * The order saga: reserve inventory -> approve the order (a callback: the approval worker answers
 * the task token) -> charge payment -> create shipment -> notify, a parallel group that publishes
 * the OrderPlaced event (EventBridge, directly) and emails the receipt (SNS, directly). A failed
 * charge is refunded too (a timed-out charge may have been captured). Start an execution with
 * `{"orderId":"o-1","items":[{"sku":"A","quantity":1,"price":10}],"simulate":{"failStep":"create-shipment"}}`
 * to watch the refund and the release run in reverse order, or with `"simulate":{"rejectApproval":true}`
 * to watch a rejected approval release the inventory.
 */
export function addSagaStateMachineDemo(scope: Construct, alarmTopic: sns.ITopic): SagaStateMachine {
  const steps = new Construct(scope, 'OrderSagaSteps');
  // The step handlers are idempotent per `<execution>:<step>` key (Powertools, DynamoDB), in the
  // stack's one idempotency table, which the workers of the demo use too.
  const step = (name: string) => stepFunction(steps, name);
  // The approval worker gets {taskToken, step, idempotencyKey, input, results} per message and answers the token.
  const approvals = new SqsWorker(steps, 'ApprovalWorker', {
    handler: HandlerCode.bundled('saga-state-machine/approve-order'),
    timeout: Duration.seconds(10),
    environment: { POWERTOOLS_SERVICE_NAME: 'order-saga-approval', APPROVAL_LIMIT: '1000' },
    idempotency: { eventKeyJmesPath: 'powertools_json(body).idempotencyKey' },
    alarmTopic,
  });
  const receipts = new sns.Topic(steps, 'Receipts', { enforceSSL: true });

  const saga = new SagaStateMachine(scope, 'OrderSaga', {
    steps: [
      {
        name: 'reserve-inventory',
        action: step('reserve-inventory'),
        compensation: step('release-inventory'),
        // The inventory service sheds load with this error; a later attempt succeeds.
        retry: { retryErrors: ['ServiceUnavailableError'], maxAttempts: 4 },
      },
      {
        name: 'approve-order',
        actionTask: SagaTask.callbackViaQueue(approvals.queue, { timeout: Duration.hours(1), heartbeat: Duration.minutes(10) }),
      },
      {
        name: 'charge-payment',
        action: step('charge-payment'),
        compensation: step('refund-payment'),
        compensatesOwnFailure: true,
        timeout: Duration.seconds(15),
      },
      { name: 'create-shipment', action: step('create-shipment') },
      {
        name: 'notify',
        parallel: [
          {
            name: 'publish-order-placed',
            actionTask: SagaTask.eventBridgePutEvents({ source: 'orders', detailType: 'OrderPlaced', detail: orderEvent('placed') }),
            compensationTask: SagaTask.eventBridgePutEvents({ source: 'orders', detailType: 'OrderCancelled', detail: orderEvent('cancelled') }),
          },
          {
            name: 'send-receipt',
            actionTask: SagaTask.snsPublish({ topic: receipts, subject: 'Your order', message: orderEvent('placed') }),
          },
        ],
      },
    ],
    timeout: Duration.hours(2),
    alarmTopic,
    expectedLoad: { perMonth: 200_000, averageDuration: Duration.millis(1500), payloadSize: Size.kibibytes(2) },
  });
  saga.grantTaskResponse(approvals.function);
  return saga;
}
