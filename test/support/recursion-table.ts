import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * The table of issue 12: three ways a function's role may write to the bucket that triggers it.
 * FanOutPipeline, AsyncFunction and ServerlessGuardrails must all answer "error" for each.
 */
export const RECURSION_TABLE: Array<[string, (stack: Stack, bucket: s3.IBucket, role: iam.IRole, grantee: iam.IGrantable) => void]> = [
  ['AWS managed AdministratorAccess', (_stack, _bucket, role) => {
    role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess'));
  }],
  ['a customer managed policy with s3:PutObject on the bucket', (stack, bucket, role) => {
    new iam.ManagedPolicy(stack, 'CustomerManagedWrites', {
      roles: [role],
      statements: [new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [bucket.arnForObjects('*')] })],
    });
  }],
  ['bucket.grantWrite(fn)', (_stack, bucket, _role, grantee) => {
    bucket.grantWrite(grantee);
  }],
];

/** An AWS managed policy the IAM model does not know: its answer is "cannot tell". */
export function attachUnknownManagedPolicy(role: iam.IRole): void {
  role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonEC2FullAccess'));
}
