/**
 * What the AWS managed policies this library knows allow, as their documented policy documents
 * state them (AWS Managed Policy Reference, https://docs.aws.amazon.com/aws-managed-policy/latest/reference/).
 * Only `Effect: Allow` statements on `Resource: *` occur in them, so each is a list of action
 * patterns (`actions`) or of excluded action patterns (`notActions`).
 *
 * An AWS managed policy that is not listed here is unknown: analyses answer "cannot tell" for it.
 */
export interface ManagedPolicyGrant {
  /** Action patterns allowed on every resource. */
  readonly actions?: string[];
  /** Allowed on every resource: every action except these patterns (`NotAction`). */
  readonly notActions?: string[];
}

export const AWS_MANAGED_POLICIES: { [name: string]: ManagedPolicyGrant[] } = {
  /** @see https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AdministratorAccess.html */
  'AdministratorAccess': [{ actions: ['*'] }],
  /** @see https://docs.aws.amazon.com/aws-managed-policy/latest/reference/PowerUserAccess.html */
  'PowerUserAccess': [
    { notActions: ['iam:*', 'organizations:*', 'account:*'] },
    {
      actions: ['account:GetAccountInformation', 'account:GetGovCloudAccountInformation', 'account:GetPrimaryEmail',
        'account:ListRegions', 'iam:CreateServiceLinkedRole', 'iam:DeleteServiceLinkedRole', 'iam:ListRoles',
        'organizations:DescribeEffectivePolicy', 'organizations:DescribeOrganization'],
    },
  ],
  /** @see https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonS3FullAccess.html */
  'AmazonS3FullAccess': [{ actions: ['s3:*', 's3-object-lambda:*'] }],
  /** @see https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonS3ReadOnlyAccess.html */
  'AmazonS3ReadOnlyAccess': [{ actions: ['s3:Get*', 's3:List*', 's3:Describe*', 's3-object-lambda:Get*', 's3-object-lambda:List*'] }],
  /** @see https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaBasicExecutionRole.html */
  'service-role/AWSLambdaBasicExecutionRole': [{ actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'] }],
};
