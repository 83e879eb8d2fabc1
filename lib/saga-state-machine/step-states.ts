import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { SagaTask } from './saga-task';
import type { StepModel } from './step-model';

/** What every step task receives (see SagaStep). */
export function payload(step: string, compensation: boolean): { [key: string]: unknown } {
  return {
    step,
    idempotencyKey: SagaTask.idempotencyKey(step, compensation),
    input: sfn.JsonPath.objectAt('$.input'),
    results: sfn.JsonPath.objectAt('$.results'),
    ...compensation ? { failure: sfn.JsonPath.objectAt('$.failure') } : {},
  };
}

/** "<step> failed": names the failed step and its error under $.failure; `cause` has one `{}` for the caught error. */
export function failurePass(scope: Construct, step: StepModel, comment: string, cause: string,
  extra: { [key: string]: unknown } = {}): sfn.Pass {
  return new sfn.Pass(scope, `${step.name} failed`, {
    comment,
    parameters: {
      'step': step.name,
      ...extra,
      'originalError.$': '$.failure.Error',
      // The whole caught object: `Cause` is not guaranteed (e.g. some timeouts), and a missing
      // field referenced here would fail the execution before any compensation ran.
      'caught.$': '$.failure',
      'error.$': `States.Format('${step.name} failed: {}', $.failure.Error)`,
      'cause.$': `States.Format('${cause}', States.JsonToString($.failure))`,
    },
    resultPath: '$.failure',
  });
}
