import { CfnResource, Token } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { AccessAnswer, BucketTarget, IamModel, RoleTarget } from './iam';
import { StackModel } from './stack-model';

/**
 * The IAM model asked from a construct's side, with L2 handles: "may `role` do each of `actions`
 * on objects of `bucket`?". The role's stack is modelled afresh (constructs ask at validation,
 * when every grant has been made);
 */
export function roleAccessToBucketObjects(role: iam.IRole, bucket: s3.IBucket, actions: string[]): AccessAnswer {
  const model = StackModel.of(role, true);
  return new IamModel(model).mayDoAnyOnBucketObjects(roleTarget(model, role), actions, bucketTarget(model, bucket));
}

function roleTarget(model: StackModel, role: iam.IRole): RoleTarget {
  const child = role.node.defaultChild;
  const resource = child && CfnResource.isCfnResource(child) ? model.entry(child) : undefined;
  return { resource, name: Token.isUnresolved(role.roleName) ? undefined : role.roleName };
}

function bucketTarget(model: StackModel, bucket: s3.IBucket): BucketTarget {
  const child = bucket.node.defaultChild;
  const resource = child && CfnResource.isCfnResource(child) ? model.entry(child) : undefined;
  const literal = resource && typeof resource.props.BucketName === 'string' ? resource.props.BucketName : undefined;
  return { resource, name: Token.isUnresolved(bucket.bucketName) ? literal : bucket.bucketName };
}
