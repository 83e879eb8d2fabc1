import type { Duration } from 'aws-cdk-lib';
import type { SagaRetry, SagaStep } from './props';
import { SagaTask } from './saga-task';

/** A step as the definition builder sees it: one task per action/compensation, or branches. */
export interface StepModel {
  readonly name: string;
  /** Where the user wrote it, e.g. `steps[2]` or `steps[2].parallel[1]`. */
  readonly prop: string;
  readonly action?: SagaTask;
  readonly compensation?: SagaTask;
  readonly compensatesOwnFailure: boolean;
  readonly retry?: SagaRetry;
  readonly timeout?: Duration;
  readonly branches?: StepModel[];
}

/** The step's action as a task (`action` wins over nothing, `actionTask` otherwise). */
function taskOf(fn: SagaStep['action'], task: SagaTask | undefined): SagaTask | undefined {
  return fn ? SagaTask.lambdaInvoke(fn) : task;
}

export function modelOf(step: SagaStep, prop: string): StepModel {
  return {
    name: step.name,
    prop,
    action: taskOf(step.action, step.actionTask),
    compensation: taskOf(step.compensation, step.compensationTask),
    compensatesOwnFailure: step.compensatesOwnFailure ?? false,
    retry: step.retry,
    timeout: step.timeout,
    branches: step.parallel?.map((branch, i) => modelOf(branch, `${prop}.parallel[${i}]`)),
  };
}

/** Every step with a task: top-level steps and parallel branches, in declaration order. */
export function leafSteps(steps: StepModel[]): StepModel[] {
  return steps.flatMap((s) => s.branches ?? [s]);
}

/** The compensation chain in the order it runs (latest first), labelled as the failure messages name them. */
export function compensationOrder(steps: StepModel[], uncertainGroup?: StepModel): string[] {
  return [...steps].reverse().flatMap((step) => {
    if (!step.branches) return step.compensation ? [step.name] : [];
    return [...step.branches].reverse().filter((b) => b.compensation)
      .map((b) => (step === uncertainGroup && !b.compensatesOwnFailure ? `${b.name} (if completed)` : b.name));
  });
}
