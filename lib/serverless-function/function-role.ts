import { Lazy, Stack } from 'aws-cdk-lib';
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
  const role = ownRole(fn);
  if (!role) return;
  const policy = role.node.tryFindChild('DefaultPolicy');
  if (!(policy instanceof iam.Policy)) return;
  const resource = policy.node.defaultChild;
  if (resource) policy.node.tryRemoveChild(resource.node.id);
  const cfnRole = role.node.defaultChild as iam.CfnRole;
  cfnRole.policies = Lazy.any({
    produce: () => (policy.document.isEmpty ? undefined : [{ policyName: INLINE_POLICY_NAME, policyDocument: policy.document }]),
  });
}

/** The AWS managed policy aws-cdk-lib attaches to the role of a function placed in a VPC. */
const VPC_ACCESS_POLICY = 'service-role/AWSLambdaVPCAccessExecutionRole';

/**
 * Replaces the `AWSLambdaVPCAccessExecutionRole` managed policy (its EC2 actions on Resource "*") of a
 * function the library created in a VPC with inline statements scoped as far as EC2 allows: the two
 * Describe actions support only "*"; creating a network interface is limited to this account and
 * region, the function's subnets and security groups; deleting one and (un)assigning its private IPs
 * to network interfaces of this account and region (Lambda's guide asks for every network-interface
 * ID there, as it names its interfaces itself). Logging stays with `AWSLambdaBasicExecutionRole`.
 * Inline on the role, so the permissions exist when Lambda checks them at CreateFunction.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html#configuration-vpc-permissions
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html
 */
export function inlineVpcAccess(fn: lambda.Function, subnetIds: string[]): void {
  const role = ownRole(fn);
  if (!role) return;
  const stack = Stack.of(fn);
  const cfnRole = role.node.defaultChild as iam.CfnRole;
  const managed = cfnRole.managedPolicyArns;
  cfnRole.managedPolicyArns = Lazy.list({
    produce: () => (stack.resolve(managed) as unknown[] | undefined)
      ?.filter((arn) => !JSON.stringify(arn).includes(VPC_ACCESS_POLICY)) as string[] | undefined,
  }, { omitEmpty: true });
  const ec2Arn = (resource: string, name: string) => stack.formatArn({ service: 'ec2', resource, resourceName: name });
  const networkInterfaces = ec2Arn('network-interface', '*');
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'],
    resources: ['*'],
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['ec2:CreateNetworkInterface'],
    resources: [
      networkInterfaces,
      ...subnetIds.map((id) => ec2Arn('subnet', id)),
      ...fn.connections.securityGroups.map((group) => ec2Arn('security-group', group.securityGroupId)),
    ],
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['ec2:AssignPrivateIpAddresses', 'ec2:DeleteNetworkInterface', 'ec2:UnassignPrivateIpAddresses'],
    resources: [networkInterfaces],
  }));
}

/** The execution role aws-cdk-lib created for the function (not one the user passed in). */
function ownRole(fn: lambda.Function): iam.Role | undefined {
  const role = fn.role;
  return role instanceof iam.Role && role.node.scopes.includes(fn) ? role : undefined;
}
