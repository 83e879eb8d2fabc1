import { IamModel, writeFacts } from '../analysis/iam';
import { s3RecursionRule, s3RecursionUndetermined, S3RecursionFacts, triggeringActions } from '../rules/s3';
import { asList, ModelResource, StackModel } from '../analysis/stack-model';
import type { Finding } from './finding';
import { findingOf, pathOf } from './finding';

/** (bucket, function) pairs of S3 event notifications declared in the stack. */
function s3Triggers(model: StackModel): Array<{ bucket: ModelResource; fn: ModelResource; events: string[] }> {
  const pairs: Array<{ bucket: ModelResource; fn: ModelResource; events: string[] }> = [];
  for (const custom of model.ofType('Custom::S3BucketNotifications')) {
    const bucket = model.referenced(custom.props.BucketName).find((r) => r.type === 'AWS::S3::Bucket');
    for (const config of asList(custom.props.NotificationConfiguration?.LambdaFunctionConfigurations)) {
      const fn = model.functionOf(config.LambdaFunctionArn);
      if (bucket && fn) pairs.push({ bucket, fn, events: asList(config.Events) });
    }
  }
  for (const bucket of model.ofType('AWS::S3::Bucket')) {
    for (const config of asList(bucket.props.NotificationConfiguration?.LambdaConfigurations)) {
      const fn = model.functionOf(config.Function);
      if (fn) pairs.push({ bucket, fn, events: asList(config.Event) });
    }
  }
  return pairs;
}

/** The S3 recursion rule over the S3 notifications of `fn`, with the stack's IAM model. */
export function checkS3Recursion(model: StackModel, fn: ModelResource): Finding[] {
  const iam = new IamModel(model);
  const role = iam.roleOf(fn);
  const findings: Finding[] = [];
  for (const { bucket, events } of s3Triggers(model).filter((t) => t.fn === fn)) {
    const target = { resource: bucket, name: typeof bucket.props.BucketName === 'string' ? bucket.props.BucketName : undefined };
    const facts: S3RecursionFacts = {
      ...writeFacts(iam.mayDoAnyOnBucketObjects(role, triggeringActions(events), target)),
      bucket: pathOf(bucket),
    };
    findings.push(...findingOf(fn, s3RecursionRule.check(facts)), ...findingOf(fn, s3RecursionUndetermined(facts), true));
  }
  return findings;
}
