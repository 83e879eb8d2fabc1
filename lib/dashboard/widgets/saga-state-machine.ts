import { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SagaStateMachine } from '../../saga-state-machine';
import { alarmStatus, graph, header } from './common';

const FIVE_MINUTES = Duration.minutes(5);

/**
 * A SagaStateMachine: executions started, succeeded, failed and timed out; compensations that
 * failed for good (the metric the state machine puts itself); execution time p99; alarms.
 */
export function renderSagaStateMachine(saga: SagaStateMachine): cloudwatch.IWidget[][] {
  const sm = saga.stateMachine;
  return [[header('SagaStateMachine', saga)], [
    graph('Executions', [
      ['started', sm.metricStarted({ period: FIVE_MINUTES })],
      ['succeeded', sm.metricSucceeded({ period: FIVE_MINUTES })],
      ['failed', saga.metricFailed({ period: FIVE_MINUTES })],
      ['timed out', saga.metricTimedOut({ period: FIVE_MINUTES })],
    ]),
    graph('Compensation failed', [['compensation failed', saga.metricCompensationFailed({ period: FIVE_MINUTES })]]),
    graph('Execution time (ms)', [
      ['p50', sm.metricTime({ statistic: 'p50', period: FIVE_MINUTES })],
      ['p99', sm.metricTime({ statistic: 'p99', period: FIVE_MINUTES })],
    ]),
    ...alarmStatus(saga.alarms),
  ]];
}
