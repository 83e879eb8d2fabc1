import { Duration, Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { buildGroup } from './parallel';
import { SagaTask } from './saga-task';
import { failurePass, payload } from './step-states';
import type { SagaRetry } from './props';
import { compensationOrder, StepModel } from './step-model';
import { compensationFailedStateName } from './validation';

/** CloudWatch namespace and metric the RecordCompensationFailure state puts. */
export const METRIC_NAMESPACE = 'CdkServerlessPatterns/Saga';
export const COMPENSATION_FAILED_METRIC = 'CompensationFailed';

/** A step whose compensation is left undone when an earlier one in the chain fails; uncertain: only if it completed. */
interface LeftItem { readonly name: string; readonly uncertain: boolean }
const UNCERTAIN = ' (if completed)';
const leftItem = (label: string): LeftItem => (label.endsWith(UNCERTAIN)
  ? { name: label.slice(0, -UNCERTAIN.length), uncertain: true } : { name: label, uncertain: false });

/** Attaches the state that comes next to the end of what was built so far. */
type Attach = (next: sfn.State) => void;

/**
 * Builds the saga's states in the construct's scope (state names are construct ids):
 * Start -> step 1 -> ... -> step n -> Succeeded. Step k's Catch leads to "<k> failed" (which
 * writes `$.failure`), then into ONE shared chain of compensations in reverse order
 * (Compensate n -> ... -> Compensate 1 -> SagaFailed), entered at the last completed step that
 * has a compensation. A parallel group is a Parallel state (see parallel.ts) whose compensation
 * segment checks, per branch, whether it completed. The chain is linear in the number of steps.
 */
export class SagaDefinition {
  /** Entry of the compensation chain at or below each top-level step (SagaFailed below the first). */
  private readonly entries: sfn.State[] = [];
  private readonly sagaFailed: sfn.Fail;
  private readonly recordCompensationFailure: sfn.State;

  constructor(private readonly scope: Construct, private readonly steps: StepModel[], private readonly compensationRetry?: SagaRetry) {
    this.sagaFailed = new sfn.Fail(scope, 'SagaFailed', { errorPath: '$.failure.error', causePath: '$.failure.cause' });
    this.recordCompensationFailure = this.buildRecordCompensationFailure();
  }

  /** The start state of the whole definition. */
  public build(): sfn.State {
    this.buildCompensationChain();
    const start = new sfn.Pass(this.scope, 'Start', {
      comment: 'Keeps the execution input under $.input and each step result under $.results.<step>',
      parameters: { 'input.$': '$', 'results': {} },
    });
    let attach: Attach = (next) => start.next(next);
    this.steps.forEach((step, index) => {
      if (step.branches) {
        const group = buildGroup(this.scope, step, this.steps.slice(0, index), this.entryAt(index), (s) => this.actionTask(s));
        attach(group.start);
        attach = group.attach;
      } else {
        const action = this.actionTask(step);
        const lastCompensated = step.compensatesOwnFailure ? index : index - 1;
        const compensated = compensationOrder(this.steps.slice(0, lastCompensated + 1));
        const failed = failurePass(this.scope, step,
          `Names the failed step and its error, then runs the compensations: ${compensated.join(', ') || 'none'}`,
          `step ${step.name} failed: {}. ${compensated.length ? `Compensated in reverse order: ${compensated.join(', ')}` : 'Nothing to compensate'}.`);
        failed.next(this.entryAt(lastCompensated));
        action.addCatch(failed, { errors: [sfn.Errors.ALL], resultPath: '$.failure' });
        attach(action);
        attach = (next) => action.next(next);
      }
    });
    attach(new sfn.Succeed(this.scope, 'Succeeded', { comment: 'Every step completed' }));
    return start;
  }

  private entryAt(index: number): sfn.State {
    return index < 0 ? this.sagaFailed : this.entries[index];
  }

  /** The action state of a step or branch, with its retry of the task's transient errors. */
  private actionTask(step: StepModel): sfn.TaskStateBase {
    const task = step.action!._renderState(this.scope, step.name, {
      comment: `Action of saga step ${step.name}`,
      payload: payload(step.name, false),
      idempotencyKey: SagaTask.idempotencyKey(step.name),
      // Bracket notation: Step Functions requires it for field names with characters outside
      // JSONPath's member-name-shorthand, such as '-' (and names starting with a digit).
      resultPath: `$.results['${step.name}']`,
      timeout: step.timeout,
    });
    const retry = step.retry ?? {};
    task.addRetry({
      errors: [...step.action!.transientErrors, ...retry.retryErrors ?? []],
      interval: retry.interval ?? Duration.seconds(1),
      maxAttempts: retry.maxAttempts ?? 3,
      backoffRate: retry.backoffRate ?? 2,
      maxDelay: retry.maxDelay ?? Duration.seconds(30),
      jitterStrategy: retry.jitter === false ? sfn.JitterType.NONE : sfn.JitterType.FULL,
    });
    return task;
  }

  /** Per top-level step, bottom up: its compensation segment, continuing with the one below. */
  private buildCompensationChain(): void {
    this.steps.forEach((step, index) => {
      let entry = this.entryAt(index - 1);
      const order = compensationOrder(this.steps.slice(0, index + 1), step.branches ? step : undefined);
      // The last step's compensation can only run for its own failure (nothing fails after it):
      // without compensatesOwnFailure it would be an unreachable state, which Step Functions rejects.
      const reachable = (member: StepModel) => step.branches || index < this.steps.length - 1 || member.compensatesOwnFailure;
      for (const member of step.branches ?? [step]) {
        if (!member.compensation || !reachable(member)) continue;
        const at = order.findIndex((n) => n === member.name || n === `${member.name} (if completed)`);
        const task = this.compensationTask(member, order.slice(at + 1).map(leftItem));
        task.next(entry);
        if (step.branches && !member.compensatesOwnFailure) {
          entry = new sfn.Choice(this.scope, `Compensate ${member.name}?`, { comment: `Compensates branch ${member.name} only if it completed` })
            .when(sfn.Condition.isPresent(`$.results['${member.name}']`), task)
            .otherwise(entry);
        } else {
          entry = task;
        }
      }
      this.entries[index] = entry;
    });
  }

  private compensationTask(step: StepModel, left: LeftItem[]): sfn.TaskStateBase {
    const task = step.compensation!._renderState(this.scope, `Compensate ${step.name}`, {
      comment: `Compensation of saga step ${step.name}`,
      payload: payload(step.name, true),
      idempotencyKey: SagaTask.idempotencyKey(step.name, true),
      resultPath: sfn.JsonPath.DISCARD,
    });
    const retry = this.compensationRetry ?? {};
    task.addRetry({
      errors: [sfn.Errors.ALL],
      interval: retry.interval ?? Duration.seconds(2),
      maxAttempts: retry.maxAttempts ?? 5,
      backoffRate: retry.backoffRate ?? 2,
      maxDelay: retry.maxDelay ?? Duration.minutes(1),
      jitterStrategy: retry.jitter === false ? sfn.JitterType.NONE : sfn.JitterType.FULL,
    });
    const { text, next } = this.notCompensatedChain(left);
    const failed = new sfn.Pass(this.scope, compensationFailedStateName(step.name), {
      comment: 'Names the compensation that failed, the original failure and what is left undone',
      parameters: {
        'step': step.name,
        'error.$': '$.compensationFailure.Error',
        'caught.$': '$.compensationFailure',
        'cause.$': `States.Format('compensation of step ${step.name} failed after retries: {}. Original failure: {}. `
          + `Not compensated: ${[step.name, ...text].join(', ')}${next ? '' : '.'}', `
          + 'States.JsonToString($.compensationFailure), $.failure.error)',
      },
      resultPath: '$.compensationFailure',
    });
    failed.next(next ?? this.recordCompensationFailure);
    task.addCatch(failed, { errors: [sfn.Errors.ALL], resultPath: '$.compensationFailure' });
    return task;
  }

  /**
   * What is left after a failed compensation, exactly: the names known to be left (`text`, up to the
   * first branch that may not have completed), and the states that append the rest at run time
   * (`next`): per such branch, "Not compensated: <branch>?" checks its result, and
   * "Not compensated: <branch>" (or "Not completed: <branch>") appends it and the known names after it.
   * Shared by every compensation of the group (the states after a branch are the same for all).
   */
  private notCompensatedChain(left: LeftItem[]): { text: string[]; next?: sfn.State } {
    const firstUncertain = left.findIndex((item) => item.uncertain);
    if (firstUncertain < 0) return { text: left.map((item) => item.name) };
    const known = left.slice(0, firstUncertain).map((item) => item.name);
    const branch = left[firstUncertain].name;
    const existing = this.scope.node.tryFindChild(`Not compensated: ${branch}?`);
    if (existing) return { text: known, next: existing as sfn.State };
    const rest = this.notCompensatedChain(left.slice(firstUncertain + 1));
    const append = (id: string, names: string[]) => {
      const pass = new sfn.Pass(this.scope, id, {
        comment: 'Adds to the list of steps not compensated',
        parameters: {
          'step.$': '$.compensationFailure.step',
          'error.$': '$.compensationFailure.error',
          'caught.$': '$.compensationFailure.caught',
          'cause.$': `States.Format('{}${names.map((n) => `, ${n}`).join('')}${rest.next ? '' : '.'}', $.compensationFailure.cause)`,
        },
        resultPath: '$.compensationFailure',
      });
      return pass.next(rest.next ?? this.recordCompensationFailure);
    };
    const check = new sfn.Choice(this.scope, `Not compensated: ${branch}?`, { comment: `Did branch ${branch} complete (so it is left)?` })
      .when(sfn.Condition.isPresent(`$.results['${branch}']`), append(`Not compensated: ${branch}`, [branch, ...rest.text]))
      .otherwise(rest.text.length || !rest.next ? append(`Not completed: ${branch}`, rest.text) : rest.next);
    return { text: known, next: check };
  }

  private buildRecordCompensationFailure(): sfn.State {
    const compensationFailed = new sfn.Fail(this.scope, 'CompensationFailed', {
      error: 'SagaCompensationFailed',
      causePath: '$.compensationFailure.cause',
    });
    // A plain Task state rather than tasks.CallAwsService: that one grants its action on its
    // resources without conditions, and PutMetricData has no resource-level permissions. The
    // grant (in the construct) is limited to this namespace with the cloudwatch:namespace key.
    const record = new sfn.CustomState(this.scope, 'RecordCompensationFailure', {
      stateJson: {
        Type: 'Task',
        Resource: `arn:${Stack.of(this.scope).partition}:states:::aws-sdk:cloudwatch:putMetricData`,
        Parameters: {
          Namespace: METRIC_NAMESPACE,
          MetricData: [{
            MetricName: COMPENSATION_FAILED_METRIC,
            Unit: 'Count',
            Value: 1,
            Dimensions: [{ 'Name': 'StateMachineArn', 'Value.$': sfn.JsonPath.stateMachineId }],
          }],
        },
        ResultPath: null,
      },
    });
    // The metric is how the alarm sees the failure; if even that call fails the execution still
    // ends in CompensationFailed (and counts as failed).
    record.addRetry({
      errors: [sfn.Errors.ALL], interval: Duration.seconds(1), maxAttempts: 3, backoffRate: 2, jitterStrategy: sfn.JitterType.FULL,
    });
    record.addCatch(compensationFailed, { errors: [sfn.Errors.ALL], resultPath: '$.metricFailure' });
    record.next(compensationFailed);
    return record;
  }
}
