import type { Construct } from 'constructs';
import { PATTERN_ALARM_PROPS, rejectUnknownProps, type KnownProps } from '../core/known-props';
import type { SagaStateMachineProps, SagaStep } from './props';
import type { SagaStateMachineAlarms } from './alarms';

/** The keys of `SagaStateMachineProps`. */
export const SAGA_STATE_MACHINE_PROPS: KnownProps<SagaStateMachineProps> = {
  alarms: true,
  ...PATTERN_ALARM_PROPS, steps: true, stateMachineType: true, timeout: true, compensationRetry: true,
  logLevel: true, includeExecutionData: true, logRetention: true, logEncryptionKey: true,
  stateMachineName: true, costAssumptions: true, expectedLoad: true,
};

/** The keys of `SagaStep`. */
export const SAGA_STEP_PROPS: KnownProps<SagaStep> = {
  name: true, action: true, actionTask: true, compensation: true, compensationTask: true,
  compensatesOwnFailure: true, retry: true, timeout: true, parallel: true,
};

/** Rejects unknown keys of each step, parallel branches included (`steps[1].parallel[0].actoin`). */
export function rejectUnknownStepProps(scope: Construct, steps: readonly SagaStep[] | undefined, at: string): void {
  (steps ?? []).forEach((step, index) => {
    rejectUnknownProps(scope, 'SagaStep', step, SAGA_STEP_PROPS, { prefix: `${at}[${index}].` });
    rejectUnknownStepProps(scope, step?.parallel, `${at}[${index}].parallel`);
  });
}

/** The keys of `SagaStateMachineAlarms`. */
export const SAGA_STATE_MACHINE_ALARMS: KnownProps<SagaStateMachineAlarms> = {
  executionsFailed: true, compensationFailed: true, executionsTimedOut: true,
};
