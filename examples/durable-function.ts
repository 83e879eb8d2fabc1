import { Duration, Size } from 'aws-cdk-lib';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { DurableFunction, HandlerCode } from '../lib';

/**
 * Durable operations of the demo's durable order saga, counted by test/durable-function-cost.test.ts
 * with the local durable runner: the happy path (3 steps) and the worst failure path (3 steps, 2
 * compensations, the last one failing, the metric step).
 */
export const DURABLE_DEMO_OPERATIONS = { happyPath: 3, worstFailurePath: 6 };

/**
 * The order saga of the SagaStateMachine demo (reserve inventory -> charge payment -> create
 * shipment, same step logic and `simulate` switches) as a Lambda durable function: every trigger
 * goes through its alias, failed executions land in its failure queue, and its alarms page on
 * failed and timed-out executions and on a compensation that keeps failing.
 */
export function addDurableFunctionDemo(scope: Construct, alarmTopic: sns.ITopic): DurableFunction {
  return new DurableFunction(scope, 'DurableOrderSaga', {
    handler: HandlerCode.bundled('durable-function/order-saga'),
    timeout: Duration.minutes(1),
    executionTimeout: Duration.hours(1),
    retentionPeriod: Duration.days(14),
    alarmTopic,
    // The same traffic as the Step Functions saga of the demo, for the cost comparison.
    expectedLoad: { perMonth: 200_000, averageDuration: Duration.millis(1500), payloadSize: Size.kibibytes(2) },
    workload: { operationsPerExecution: DURABLE_DEMO_OPERATIONS.happyPath, dataWrittenPerExecution: Size.kibibytes(4) },
  });
}
