import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { roleAccessToBucketObjects } from '../analysis/construct-access';
import { writeFacts } from '../analysis/iam';
import { advise, violationError } from '../rules/rule';
import { s3RecursionRule, s3RecursionUndetermined, S3RecursionFacts, triggeringActions } from '../rules/s3';

/** An S3 trigger added with `addS3Trigger`. */
export interface S3Trigger {
  readonly bucket: s3.IBucket;
  readonly events: string[];
  readonly allowed: boolean;
}

/**
 * The S3 recursion rule over the construct's triggers, at synth time (so grants made after
 * `addS3Trigger` are seen too), with the library's one IAM model. Returns the errors; a
 * "cannot tell" is a warning.
 */
export function checkS3Triggers(scope: Construct, fn: lambda.IFunction, triggers: S3Trigger[]): string[] {
  const role = fn.role;
  if (!role) return [];
  const errors: string[] = [];
  for (const trigger of triggers) {
    if (trigger.allowed) continue;
    const facts: S3RecursionFacts = {
      ...writeFacts(roleAccessToBucketObjects(role, trigger.bucket, triggeringActions(trigger.events))),
      function: `the function ${fn.node.path}`,
      bucket: trigger.bucket.node.path,
      acknowledgeWith: 'pass allowWritesToTriggerBucket: true to addS3Trigger',
    };
    const violation = s3RecursionRule.check(facts);
    if (violation) errors.push(violationError(scope, 'allowWritesToTriggerBucket', violation));
    advise(scope, 'allowWritesToTriggerBucket', s3RecursionUndetermined(facts));
  }
  return errors;
}
