import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { failurePass } from './step-states';
import { compensationOrder, StepModel } from './step-model';

/**
 * `$[0].results` merged with every other branch's `$[i].results` (shallow, later wins): each branch
 * returns the group input with its own result added, so the merge is the earlier results plus the
 * result of every branch that completed. Nested States.JsonMerge (at most 10 intrinsics deep).
 */
function mergedResults(branches: number): string {
  let merged = '$[0].results';
  for (let i = 1; i < branches; i++) merged = `States.JsonMerge(${merged}, $[${i}].results, false)`;
  return merged;
}

/** The failures of the branches that failed, in declaration order (the others left `failure: {}`). */
const FAILED = '$.branchFailures[?(@.step)]';

/**
 * A parallel group:
 *
 *   <group> (Parallel: one branch per step; each branch's action catches its own failure into
 *   "<branch> failed", so a failing branch never stops the others) -> Check <group> (Choice: any
 *   `$.branchFailures`?) -> the next step, or "<group> failed" -> the group's compensation segment
 *   ("Compensate <branch>?" per branch, latest first: compensate it if its result is there), then
 *   the earlier steps' compensations.
 *
 * The Parallel state's output is `{ input, results, branchFailures }`: results of the completed
 * branches merged into `results`, and one entry per branch in `branchFailures`: `{}`, or the branch's failure.
 */
export function buildGroup(scope: Construct, group: StepModel, earlier: StepModel[], compensationEntry: sfn.State,
  actionTask: (step: StepModel) => sfn.TaskStateBase): { start: sfn.State; attach: (next: sfn.State) => void } {
  const branches = group.branches!;
  const names = branches.map((b) => b.name);
  const parallel = new sfn.Parallel(scope, group.name, {
    comment: `Parallel group ${group.name}: ${names.join(', ')}. Every branch finishes (each catches its own failure)`,
    // `failure: {}` in every branch: a branch that fails replaces it, so `$[*].failure` has one entry per branch.
    parameters: { 'input.$': '$.input', 'results.$': '$.results', 'failure': {} },
    resultSelector: {
      'input.$': '$[0].input',
      'results.$': mergedResults(branches.length),
      'branchFailures.$': '$[*].failure',
    },
  });
  for (const branch of branches) {
    const action = actionTask(branch);
    const failed = failurePass(scope, branch, `Records the failure of branch ${branch.name}; the group decides after every branch finished`,
      `branch ${branch.name} of ${group.name} failed: {}`, { group: group.name });
    action.addCatch(failed, { errors: [sfn.Errors.ALL], resultPath: '$.failure' });
    parallel.branch(action);
  }

  const compensated = compensationOrder([...earlier, group], group);
  const groupFailed = new sfn.Pass(scope, `${group.name} failed`, {
    comment: `Names the group, its first failed branch and every branch failure, then runs the compensations: ${compensated.join(', ') || 'none'}`,
    parameters: {
      'step': group.name,
      'failedBranches.$': `${FAILED}.step`,
      'originalError.$': `States.ArrayGetItem(${FAILED}.originalError, 0)`,
      'caught.$': `States.ArrayGetItem(${FAILED}.caught, 0)`,
      'branchFailures.$': FAILED,
      'error.$': `States.Format('${group.name} failed: {}', States.ArrayGetItem(${FAILED}.error, 0))`,
      'cause.$': `States.Format('step ${group.name} failed: {} of ${branches.length} branches failed, the first: {}. ${compensated.length
        ? `Compensated in reverse order: ${compensated.join(', ')}` : 'Nothing to compensate'}.', `
        + `States.ArrayLength(${FAILED}), States.ArrayGetItem(${FAILED}.cause, 0))`,
    },
    resultPath: '$.failure',
  });
  groupFailed.next(compensationEntry);
  const check = new sfn.Choice(scope, `Check ${group.name}`, { comment: `Did any branch of ${group.name} fail?` })
    .when(sfn.Condition.or(...branches.map((_, i) => sfn.Condition.isPresent(`$.branchFailures[${i}].step`))), groupFailed);
  return { start: parallel, attach: (next) => { parallel.next(check); check.otherwise(next); } };
}
