import { Lazy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * Name of the role's inline policy that holds the function's grants. Not the DefaultPolicy's name:
 * when a stack created before this moves to it, CloudFormation deletes the old `AWS::IAM::Policy`
 * after updating the role, and that deletion removes the inline policy of its own name.
 */
const INLINE_POLICY_NAME = 'FunctionPolicy';

/**
 * Renders the grants of a function's execution role (the role's `DefaultPolicy`, where every
 * `grant*`, `addToRolePolicy` and the tracing statement land) as an inline policy of the
 * `AWS::IAM::Role` instead of a separate `AWS::IAM::Policy`: one CloudFormation resource fewer per
 * function, the same statements, and no window in which the function or its event source mapping
 * runs before its permissions exist. IAM counts both forms as inline policies of the role, so the
 * role's 10,240-character quota is unchanged.
 *
 * The DefaultPolicy construct stays (grants keep adding to its document, and dependencies on it stay
 * valid); only its `AWS::IAM::Policy` resource is removed. A role passed in by the user, or one
 * without a DefaultPolicy yet, is left as it is.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 */
export function inlineGrantPolicy(fn: lambda.Function): void {
  const role = fn.role;
  if (!(role instanceof iam.Role) || !role.node.scopes.includes(fn)) return;
  const policy = role.node.tryFindChild('DefaultPolicy');
  if (!(policy instanceof iam.Policy)) return;
  const resource = policy.node.defaultChild;
  if (resource) policy.node.tryRemoveChild(resource.node.id);
  const cfnRole = role.node.defaultChild as iam.CfnRole;
  cfnRole.policies = Lazy.any({
    produce: () => (policy.document.isEmpty ? undefined : [{ policyName: INLINE_POLICY_NAME, policyDocument: policy.document }]),
  });
}
