// AWS limits the library checks props against or documents, each with the AWS page that states it.
// Constructs and the cost model read these; nothing here throws.

/** A limit, with where AWS states it and the day it was read. */
export interface AwsLimit {
  readonly value: number;
  readonly unit: string;
  readonly source: string;
  readonly read: string;
}

const MIB = 1024 * 1024;

/**
 * Payload limits. SQS messages, EventBridge events and asynchronous Lambda invocations take up to
 * 1 MB since 2025 (SQS: 1 MiB, 1,048,576 bytes, August 2025; async Lambda: October 2025;
 * EventBridge: January 2026); SNS messages and Step Functions task results stay at 256 KiB;
 * Kinesis records go up to 10 MiB once a stream's maximum record size is raised (1 MiB by default).
 */
export const PAYLOAD_LIMITS = {
  sqsMessageBytes: {
    value: MIB, unit: 'bytes',
    source: 'https://aws.amazon.com/blogs/compute/more-room-to-build-serverless-services-now-support-payloads-up-to-1-mb',
    read: '2026-12-07',
  },
  eventBridgeEventBytes: {
    value: MIB, unit: 'bytes',
    source: 'https://aws.amazon.com/blogs/compute/more-room-to-build-serverless-services-now-support-payloads-up-to-1-mb',
    read: '2026-12-07',
  },
  lambdaAsyncInvocationBytes: {
    value: MIB, unit: 'bytes',
    source: 'https://aws.amazon.com/blogs/compute/more-room-to-build-serverless-services-now-support-payloads-up-to-1-mb',
    read: '2026-12-07',
  },
  snsMessageBytes: {
    value: 256 * 1024, unit: 'bytes',
    source: 'https://docs.aws.amazon.com/general/latest/gr/sns.html',
    read: '2026-12-07',
  },
  kinesisRecordBytes: {
    value: 10 * MIB, unit: 'bytes',
    source: 'https://docs.aws.amazon.com/streams/latest/dev/large-records.html',
    read: '2026-12-07',
  },
  kinesisDefaultRecordBytes: {
    value: MIB, unit: 'bytes',
    source: 'https://docs.aws.amazon.com/streams/latest/dev/large-records.html',
    read: '2026-12-07',
  },
} satisfies { [name: string]: AwsLimit };

/**
 * Provisioned mode of an SQS event source mapping (November 2025): dedicated event pollers
 * between a minimum (2 to 200, default 2) and a maximum (2 to 2,000, default 200). The Lambda API
 * reference now lists up to 10,000 for SQS; CloudFormation's reference and aws-cdk-lib 2.276 accept
 * 2,000, so that is the bound here. Provisioned mode and `MaximumConcurrency` exclude each other.
 */
export const SQS_PROVISIONED_POLLERS = {
  minimumPollers: {
    min: 2, max: 200, default: 2,
    source: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-lambda-eventsourcemapping-provisionedpollerconfig.html',
    read: '2026-12-07',
  },
  maximumPollers: {
    min: 2, max: 2000, default: 200,
    source: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-lambda-eventsourcemapping-provisionedpollerconfig.html',
    read: '2026-12-07',
  },
  /** What provisioned mode gives: scaling by up to 1,000 concurrency a minute, up to 20,000 concurrency. */
  announcement: 'https://aws.amazon.com/blogs/aws/aws-lambda-enhances-sqs-processing-with-new-provisioned-mode-3x-faster-scaling-16x-higher-capacity',
} as const;
