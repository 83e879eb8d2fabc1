import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * What a producer needs on the customer managed key of an SSE-KMS SQS queue or SNS topic: the
 * service generates a data key to encrypt the message, and decrypts it to check it. Exactly these
 * two actions, not aws-cdk-lib's generic `kms:GenerateDataKey*` / `kms:ReEncrypt*` grants.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
 */
export const MESSAGE_PRODUCER_KEY_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'];

/**
 * What a Kinesis producer needs on the stream's customer managed key.
 * @see https://docs.aws.amazon.com/streams/latest/dev/permissions-user-key-KMS.html
 */
export const STREAM_PRODUCER_KEY_ACTIONS = ['kms:GenerateDataKey'];

/** `grant`, plus exactly `actions` on `key` when the resource is encrypted with a customer managed key. */
export function withKeyGrant(grant: iam.Grant, grantee: iam.IGrantable, key: kms.IKey | undefined, actions: string[]): iam.Grant {
  return key ? grant.combine(key.grant(grantee, ...actions)) : grant;
}

/**
 * `lambda:InvokeFunction` on exactly the function's ARN (aws-cdk-lib's `grantInvoke` adds
 * `<arn>:*`, every version and alias, a wildcard resource). A principal that takes no identity
 * policy (a service or another account) gets the function's resource policy instead.
 */
export function grantInvokeExactly(fn: lambda.IFunction, grantee: iam.IGrantable): iam.Grant {
  const grant = iam.Grant.addToPrincipal({ grantee, actions: ['lambda:InvokeFunction'], resourceArns: [fn.functionArn] });
  return grant.success ? grant : fn.grantInvoke(grantee);
}
