import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AsyncFunction, HandlerCode } from '../lib';

/**
 * An upload indexer: runs for every JSON file dropped under `incoming/` and once a night; writes
 * its results to a separate bucket (never to the one that triggers it). Events that fail three
 * times land in the failure queue, alarm, and can be replayed with the redrive.
 */
export function addAsyncFunctionDemo(scope: Construct, alarmTopic: sns.ITopic): AsyncFunction {
  const bucketProps: s3.BucketProps = {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    removalPolicy: RemovalPolicy.RETAIN,
  };
  const uploads = new s3.Bucket(scope, 'UploadsBucket', bucketProps);
  const index = new s3.Bucket(scope, 'IndexBucket', bucketProps);

  const indexer = new AsyncFunction(scope, 'UploadIndexer', {
    handler: HandlerCode.bundled('async-function/example'),
    timeout: Duration.seconds(30),
    retryAttempts: 2,
    maxEventAge: Duration.hours(2),
    reservedConcurrency: 10,
    environment: { INDEX_BUCKET: index.bucketName },
    alarmTopic,
    expectedLoad: { perMonth: 300_000, averageDuration: Duration.millis(200) },
  });
  uploads.grantRead(indexer.function, 'incoming/*');
  index.grantWrite(indexer.function);
  indexer.addS3Trigger(uploads, { filters: [{ prefix: 'incoming/', suffix: '.json' }] });
  indexer.addSchedule(events.Schedule.cron({ hour: '3', minute: '0' }), { description: 'nightly re-index' });
  for (const bucket of [uploads, index]) {
    // cdk-nag 3 reads aws-cdk-lib's own acknowledgements (plain rule id, see docs/guardrails.md).
    Validations.of(bucket).acknowledge({ id: 'AwsSolutions-S1', reason: 'demo buckets; a production bucket logs access to a dedicated log bucket' });
  }
  // grantRead/grantWrite use action wildcards (s3:GetObject*, s3:List*, ...) and object ARNs need a key wildcard.
  const arnOf = (bucket: s3.Bucket) => `<${Stack.of(bucket).getLogicalId(bucket.node.defaultChild as s3.CfnBucket)}.Arn>`;
  for (const id of ['Action::s3:GetObject*', 'Action::s3:GetBucket*', 'Action::s3:List*', 'Action::s3:DeleteObject*',
    'Action::s3:Abort*', `Resource::${arnOf(uploads)}/incoming/*`, `Resource::${arnOf(index)}/*`]) {
    Validations.of(indexer.function).acknowledge({
      id: `AwsSolutions-IAM5[${id}]`,
      reason: 'scoped to the incoming/ prefix of the uploads bucket (read) and the index bucket (write)',
    });
  }
  return indexer;
}
