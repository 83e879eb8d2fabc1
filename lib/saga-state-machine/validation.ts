import { Duration, Token } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { invalidProp, validateDurationRange, validateIntegerRange, validateUniqueNames, warn } from '../core/validation';
import { callbackTimeoutRule } from '../rules/state-machine';
import type { SagaRetry, SagaStateMachineProps, SagaStep } from './props';
import type { SagaTask } from './saga-task';
import { leafSteps, StepModel } from './step-model';
import { AWS_LIMITS, durationCode } from '../rules/limits';

/** Names of the states the construct adds around the steps; a step may not use them. */
export const RESERVED_STATE_NAMES = ['Start', 'Succeeded', 'SagaFailed', 'CompensationFailed', 'RecordCompensationFailure'];
/** Ids of the other constructs the saga creates beside the step states (same scope): a step may not use them either. */
const RESERVED_CONSTRUCT_IDS = ['LogGroup', 'StateMachine', 'ExecutionsFailedAlarm', 'CompensationFailedAlarm', 'ExecutionsTimedOutAlarm'];
/** Step Functions limits state names to 80 characters. */
const MAX_STATE_NAME_LENGTH = AWS_LIMITS.stateNameLength.max;
/** The longest state name the saga derives from a step name (when the step has a compensation). */
export const compensationFailedStateName = (step: string) => `Compensate ${step} failed`;

export const MAX_EXPRESS_TIMEOUT = Duration.seconds(AWS_LIMITS.expressExecutionDuration.max);
const MAX_STANDARD_TIMEOUT = Duration.seconds(AWS_LIMITS.standardExecutionDuration.max);
/** A group's results are merged with nested States.JsonMerge, and Step Functions nests at most 10 intrinsics. */
const MAX_BRANCHES = 10;

/** The workflow type (`stateMachineType`; 0.1.0's `type` is a reserved word in Go and is gone). */
export function stateMachineTypeOf(_scope: Construct, props: SagaStateMachineProps): sfn.StateMachineType {
  return props.stateMachineType ?? sfn.StateMachineType.STANDARD;
}

/** Validates the props once, up front. Tokens are never judged. */
export class SagaValidator {
  constructor(private readonly scope: Construct, private readonly express: boolean) {}

  public validate(props: SagaStateMachineProps, steps: StepModel[]): void {
    if (props.steps.length === 0) {
      invalidProp(this.scope, 'steps', 'must contain at least one step (given 0)',
        'add the steps in order, e.g. { name: \'reserve-inventory\', action, compensation }');
    }
    validateUniqueNames(this.scope, 'steps', [...steps.map((s) => s.name), ...steps.flatMap((s) => (s.branches ?? []).map((b) => b.name))]);
    props.steps.forEach((step, index) => this.validateShape(step, steps[index]));
    for (const step of leafSteps(steps)) this.validateStep(step);
    steps.filter((s) => s.branches).forEach((group) => this.validateName(group));
    this.validateRetry('compensationRetry', props.compensationRetry);
    this.validateExecutionTimeout(props.timeout);
    this.warnAboutCallbacks(steps, props.timeout);

    const last = steps[steps.length - 1];
    if (!last.branches && last.compensation && !last.compensatesOwnFailure) {
      warn(this.scope, 'SagaStateMachine.lastStepCompensationNeverRuns',
        `the compensation of the last step '${last.name}' never runs: no step after it can fail. `
        + 'Drop it, or set compensatesOwnFailure if a failed attempt can leave partial work.');
    }
  }

  /** One of action, actionTask, parallel; a group has branches only. */
  private validateShape(step: SagaStep, model: StepModel, inGroup = false): void {
    const kinds = (['action', 'actionTask', 'parallel'] as const).filter((k) => step[k] !== undefined);
    if (kinds.length !== 1) {
      invalidProp(this.scope, model.prop, `step '${step.name}' needs exactly one of action, actionTask and parallel (given ${kinds.join(', ') || 'none'})`,
        'give the step one action (a function or a SagaTask), or make it a group of steps with parallel');
    }
    if (step.compensation && step.compensationTask) {
      invalidProp(this.scope, `${model.prop}.compensationTask`, `step '${step.name}' has both compensation and compensationTask`,
        'keep one of them');
    }
    if (!step.parallel) return;
    if (inGroup) {
      invalidProp(this.scope, `${model.prop}.parallel`, `step '${step.name}' is a group inside the group: groups do not nest`,
        'make the inner group a step of its own before or after the outer one');
    }
    const extra = (['compensation', 'compensationTask', 'compensatesOwnFailure', 'retry', 'timeout'] as const).filter((k) => step[k] !== undefined);
    if (extra.length > 0) {
      invalidProp(this.scope, model.prop, `the parallel group '${step.name}' sets ${extra.join(', ')}: a group has no action of its own`,
        'set them on the branches (the steps in parallel)');
    }
    if (step.parallel.length < 2 || step.parallel.length > MAX_BRANCHES) {
      invalidProp(this.scope, `${model.prop}.parallel`, `must hold 2 to ${MAX_BRANCHES} steps (given ${step.parallel.length})`,
        step.parallel.length < 2 ? 'make a single step a plain step' : 'split the group into two groups in a row');
    }
    step.parallel.forEach((branch, i) => this.validateShape(branch, model.branches![i], true));
  }

  private validateName(step: StepModel): void {
    const prop = `${step.prop}.name`;
    if (RESERVED_STATE_NAMES.includes(step.name)) {
      invalidProp(this.scope, prop, `'${step.name}' is the name of a state the saga adds (reserved: ${RESERVED_STATE_NAMES.join(', ')})`,
        `rename the step, e.g. '${step.name.toLowerCase()}-step'`);
    }
    if (RESERVED_CONSTRUCT_IDS.includes(step.name)) {
      invalidProp(this.scope, prop,
        `'${step.name}' is the id of a construct the saga creates beside the step states (reserved: ${RESERVED_CONSTRUCT_IDS.join(', ')})`,
        `rename the step, e.g. '${step.name.toLowerCase()}-step'`);
    }
    const longest = step.compensation ? compensationFailedStateName(step.name) : `${step.name} failed`;
    if (longest.length > MAX_STATE_NAME_LENGTH) {
      invalidProp(this.scope, prop,
        `'${step.name}' is too long: the saga names a state '${longest}' (${longest.length} characters), `
        + `and Step Functions allows ${MAX_STATE_NAME_LENGTH}`,
        `shorten the name of a step with a compensation to ${MAX_STATE_NAME_LENGTH - compensationFailedStateName('').length} characters or fewer`);
    }
  }

  private validateStep(step: StepModel): void {
    this.validateName(step);
    const prop = step.prop;
    if (step.retry?.retryErrors?.includes(sfn.Errors.ALL)) {
      invalidProp(this.scope, `${prop}.retry.retryErrors`,
        `must not contain ${sfn.Errors.ALL}: it would retry business errors too (and Step Functions allows it only alone in a retrier)`,
        'list the error names a second attempt can fix, e.g. [\'InventoryServiceUnavailable\']');
    }
    if (step.compensatesOwnFailure && !step.compensation) {
      invalidProp(this.scope, `${prop}.compensatesOwnFailure`,
        `step '${step.name}' says it compensates its own failure but has no compensation`,
        'give the step a compensation, or drop compensatesOwnFailure');
    }
    this.validateRetry(`${prop}.retry`, step.retry);
    this.validateSeconds(`${prop}.timeout`, step.timeout, MAX_STANDARD_TIMEOUT);
    if (step.timeout && step.action?._callbackWait()) {
      invalidProp(this.scope, `${prop}.timeout`, `step '${step.name}' is a callback: its wait is bounded by the callback's own timeout`,
        'drop the step timeout and set SagaTask.callbackVia*(..., { timeout, heartbeat })');
    }
    this.validateCallback(`${prop}.actionTask`, step.action);
    this.validateCallback(`${prop}.compensationTask`, step.compensation);
    this.validateFifoGroup(`${prop}.actionTask`, step.action);
    this.validateFifoGroup(`${prop}.compensationTask`, step.compensation);
  }

  /** SQS rejects a FIFO message without a group id: every send of the step would fail. */
  private validateFifoGroup(prop: string, task: SagaTask | undefined): void {
    const factory = task?._fifoWithoutGroup();
    if (!factory) return;
    invalidProp(this.scope, `${prop}.messageGroupId`,
      'is missing: the task sends to a FIFO queue, and SQS rejects a FIFO message without a MessageGroupId',
      `pass messageGroupId to ${factory}: a literal, or sfn.JsonPath.stringAt('$.input.<field>')`);
  }

  private validateCallback(prop: string, task: SagaTask | undefined): void {
    const wait = task?._callbackWait();
    if (!wait) return;
    if (this.express) {
      invalidProp(this.scope, prop, 'an EXPRESS state machine cannot wait for a task token (callbacks are STANDARD only)',
        'use sfn.StateMachineType.STANDARD, or a direct service step that does not wait');
    }
    const { timeout, heartbeat } = wait;
    // The saga requires the timeout itself (a heartbeat alone still lets a live worker hold the execution for a year).
    const violation = callbackTimeoutRule.check({ waitsForTaskToken: true, hasTimeout: timeout !== undefined, hasHeartbeat: heartbeat !== undefined });
    if (violation) invalidProp(this.scope, `${prop}.timeout`, `${violation.message} (rule ${violation.rule})`, violation.fix);
    if (!timeout && heartbeat) {
      invalidProp(this.scope, `${prop}.timeout`,
        'is missing: the callback has a heartbeat but no timeout, so a worker that keeps sending heartbeats holds the execution '
        + `up to a year (SagaStateMachine requires a callback timeout, rule ${callbackTimeoutRule.id})`,
        'set SagaTask.callbackVia*(..., { timeout, heartbeat }) with the heartbeat below the timeout');
    }
    this.validateSeconds(`${prop}.timeout`, timeout, MAX_STANDARD_TIMEOUT);
    this.validateSeconds(`${prop}.heartbeat`, heartbeat, MAX_STANDARD_TIMEOUT);
    if (timeout && heartbeat && !timeout.isUnresolved() && !heartbeat.isUnresolved() && heartbeat.toSeconds() >= timeout.toSeconds()) {
      invalidProp(this.scope, `${prop}.heartbeat`,
        `must be below the timeout (given heartbeat ${heartbeat.toHumanString()}, timeout ${timeout.toHumanString()})`,
        'lower the heartbeat (the longest gap between two SendTaskHeartbeat calls) or raise the timeout');
    }
  }

  /** A callback that can outwait the execution is cut off by the execution timeout, and then nothing is compensated. */
  private warnAboutCallbacks(steps: StepModel[], executionTimeout: Duration | undefined): void {
    const limit = executionTimeout ?? (this.express ? MAX_EXPRESS_TIMEOUT : Duration.hours(1));
    if (limit.isUnresolved()) return;
    for (const step of leafSteps(steps)) {
      const timeout = step.action?._callbackWait()?.timeout;
      if (!timeout || timeout.isUnresolved() || timeout.toSeconds() < limit.toSeconds()) continue;
      warn(this.scope, 'SagaStateMachine.callbackOutlivesExecution',
        `the callback of step '${step.name}' may wait ${timeout.toHumanString()}, as long as the whole execution `
        + `(${limit.toHumanString()}): the execution can time out first, and a timed-out execution runs no compensation. `
        + 'Raise the saga timeout above every callback timeout plus the steps after it.');
    }
  }

  private validateExecutionTimeout(timeout: Duration | undefined): void {
    const max = this.express ? MAX_EXPRESS_TIMEOUT : MAX_STANDARD_TIMEOUT;
    this.validateWholeSeconds('timeout', timeout);
    if (timeout && !timeout.isUnresolved() && (timeout.toSeconds() > max.toSeconds() || timeout.toSeconds() < 1)) {
      invalidProp(this.scope, 'timeout', this.express
        ? `an EXPRESS state machine runs at most ${MAX_EXPRESS_TIMEOUT.toHumanString()} (given ${timeout.toHumanString()})`
        : `must be between 1 second and ${MAX_STANDARD_TIMEOUT.toHumanString()} (given ${timeout.toHumanString()})`,
      this.express ? `lower timeout to ${durationCode(MAX_EXPRESS_TIMEOUT.toSeconds(), 'minutes')} or less, or use sfn.StateMachineType.STANDARD`
        : `set timeout between 1 second and ${MAX_STANDARD_TIMEOUT.toHumanString()}`);
    }
  }

  private validateRetry(prop: string, retry: SagaRetry | undefined): void {
    if (!retry) return;
    validateIntegerRange(this.scope, `${prop}.maxAttempts`, retry.maxAttempts, AWS_LIMITS.retryMaxAttempts.min, AWS_LIMITS.retryMaxAttempts.max);
    if (retry.backoffRate !== undefined && !Token.isUnresolved(retry.backoffRate)
      && (retry.backoffRate < 1 || retry.backoffRate > 1000)) {
      invalidProp(this.scope, `${prop}.backoffRate`, `must be between 1 and 1000 (given ${retry.backoffRate})`,
        'set backoffRate to 1 (constant waits) or more, e.g. 2');
    }
    this.validateSeconds(`${prop}.interval`, retry.interval, Duration.seconds(AWS_LIMITS.retryInterval.max));
    this.validateSeconds(`${prop}.maxDelay`, retry.maxDelay, Duration.seconds(AWS_LIMITS.retryInterval.max));
  }

  /** Step Functions takes whole seconds here: at least 1, at most `max`. Tokens are skipped. */
  private validateSeconds(prop: string, value: Duration | undefined, max: Duration): void {
    this.validateWholeSeconds(prop, value);
    validateDurationRange(this.scope, prop, value, Duration.seconds(1), max);
  }

  /** Step Functions (and CDK's rendering, which throws otherwise) take whole seconds. Tokens are skipped. */
  private validateWholeSeconds(prop: string, value: Duration | undefined): void {
    if (!value || value.isUnresolved()) return;
    const millis = value.toMilliseconds();
    if (!Number.isInteger(millis / 1000)) {
      invalidProp(this.scope, prop, `must be whole seconds (given ${value.toHumanString()})`,
        `use Duration.seconds(${Math.max(1, Math.round(millis / 1000))})`);
    }
  }
}
