import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SnsDlq, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeRule, nagResourceId } from '../core/nag';

/**
 * Where a StreamWorker's mapping writes a batch it discards (retries or record age exhausted).
 *
 * Only an S3 bucket keeps the records themselves: Lambda writes the whole invocation payload next
 * to the batch metadata. An SQS queue or SNS topic receives the metadata only (shard, first and
 * last sequence number), so the records must be read back from the stream before its retention
 * (24 hours by default, fixed for DynamoDB) deletes them.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html
 */
export class StreamFailureDestination {
  /** An S3 bucket: each discarded batch becomes one object holding its metadata and its records. */
  public static toBucket(bucket: s3.IBucket): StreamFailureDestination {
    return new StreamFailureDestination(new S3FailureDlq(bucket), true, bucket, undefined, undefined);
  }

  /** An SQS queue: receives the batch metadata only, not the records. */
  public static toQueue(queue: sqs.IQueue): StreamFailureDestination {
    return new StreamFailureDestination(new SqsDlq(queue), false, undefined, queue, undefined);
  }

  /** An SNS topic: receives the batch metadata only, not the records. */
  public static toTopic(topic: sns.ITopic): StreamFailureDestination {
    return new StreamFailureDestination(new SnsDlq(topic), false, undefined, undefined, topic);
  }

  private constructor(
    private readonly dlq: lambda.IEventSourceDlq,
    /** True when the destination keeps the records, not only their sequence numbers. */
    public readonly keepsRecords: boolean,
    /** The bucket, for a bucket destination. */
    public readonly bucket?: s3.IBucket,
    /** The queue, for a queue destination. */
    public readonly queue?: sqs.IQueue,
    /** The topic, for a topic destination. */
    public readonly topic?: sns.ITopic,
  ) {}

  /**
   * The event source destination for `lambda.EventSourceMapping`.
   * @internal
   */
  public _toEventSourceDlq(): lambda.IEventSourceDlq {
    return this.dlq;
  }
}

/**
 * S3 on-failure destination with what Lambda needs and nothing more: `s3:PutObject` on the
 * bucket's objects, `s3:ListBucket` on the bucket, and `kms:GenerateDataKey` on its key when it
 * has one. (`S3OnFailureDestination` of aws-cdk-lib grants read and write on the whole bucket.)
 * @see https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html
 */
class S3FailureDlq implements lambda.IEventSourceDlq {
  constructor(private readonly bucket: s3.IBucket) {}

  public bind(_target: lambda.IEventSourceMapping, targetHandler: lambda.IFunction): lambda.DlqDestinationConfig {
    grantFailureWrites(this.bucket, targetHandler);
    return { destination: this.bucket.bucketArn };
  }
}

/** Lambda names failure objects `aws/lambda/<mapping UUID>/<shard>/<yyyy>/<mm>/<dd>/<timestamp>-<uuid>`. */
const FAILURE_OBJECT_KEYS = 'aws/lambda/*';

function grantFailureWrites(bucket: s3.IBucket, grantee: lambda.IFunction): void {
  const objects = bucket.arnForObjects(FAILURE_OBJECT_KEYS);
  iam.Grant.addToPrincipalOrResource({ grantee, actions: ['s3:PutObject'], resourceArns: [objects], resource: bucket });
  // The mapping UUID is only known once the mapping exists, and Lambda checks the permission when it creates the mapping.
  acknowledgeRule(grantee, `AwsSolutions-IAM5[Resource::${nagResourceId(Stack.of(grantee).resolve(objects))}]`,
    'Lambda writes failure records under aws/lambda/<event source mapping UUID>/..., and the UUID exists only after the '
    + 'mapping is created, which needs this permission first: s3:PutObject is scoped to the aws/lambda/ prefix of the failure bucket');
  iam.Grant.addToPrincipalOrResource({ grantee, actions: ['s3:ListBucket'], resourceArns: [bucket.bucketArn], resource: bucket });
  bucket.encryptionKey?.grant(grantee, 'kms:GenerateDataKey');
}

/** Settings of the failure bucket a StreamWorker creates. */
export interface FailureBucketOptions {
  /** How long a failure record stays in the bucket. */
  readonly retention: Duration;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The bucket a StreamWorker creates for discarded batches: SSE-S3, SSL enforced, public access
 * blocked, objects expire after `retention`, kept when the stack is deleted (the objects are the
 * only copy of records the stream has dropped).
 */
export function createFailureBucket(scope: Construct, options: FailureBucketOptions): s3.Bucket {
  const bucket = new s3.Bucket(scope, 'FailureBucket', {
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    lifecycleRules: [{ id: 'ExpireFailureRecords', expiration: options.retention }],
    removalPolicy: options.removalPolicy,
  });
  acknowledgeRule(bucket, 'AwsSolutions-S1',
    'holds only the failure records Lambda writes for discarded stream batches; every write is counted by the '
    + 'OnFailureRecordsAlarm (OnFailureDestinationDeliveredEventCount), and CloudTrail records object-level access '
    + 'where data events are on: a server access log bucket would add a second bucket per worker');
  return bucket;
}
