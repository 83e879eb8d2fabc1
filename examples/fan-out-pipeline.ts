import { Duration, Size } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ConsumerFilter, FanOutOrigin, FanOutPipeline, HandlerCode } from '../lib';

/**
 * An upload pipeline: every object created in the uploads bucket is fanned out through an
 * encrypted SNS topic to three independent consumers, each with its own queue, DLQ, concurrency
 * and alarms: virus scanning (everything), text extraction (documents only) and metadata
 * indexing (non-empty objects under uploads/, copies skipped).
 */
export function addFanOutPipelineDemo(scope: Construct, alarmTopic: sns.ITopic): FanOutPipeline {
  const handler = HandlerCode.bundled('fan-out-pipeline/example');
  return new FanOutPipeline(scope, 'UploadPipeline', {
    origin: FanOutOrigin.bucket(),
    alarmTopic,
    // Every upload reaches virus-scan; the filtered consumers state their share.
    expectedLoad: { perMonth: 500_000, averageDuration: Duration.millis(800), payloadSize: Size.kibibytes(2) },
    consumers: [
      {
        name: 'virus-scan',
        handler,
        worker: { maxConcurrency: 10, timeout: Duration.seconds(60), memorySize: 1024 },
      },
      {
        name: 'text-extraction',
        handler,
        filter: ConsumerFilter.s3KeySuffixes(['.pdf', '.docx', '.txt']),
        worker: {
          maxConcurrency: 5, timeout: Duration.minutes(2), memorySize: 2048,
          expectedLoad: { perMonth: 100_000, averageDuration: Duration.seconds(3), payloadSize: Size.kibibytes(2) },
        },
      },
      {
        name: 'metadata-index',
        handler,
        filter: ConsumerFilter.snsPayload({
          Records: sns.FilterOrPolicy.policy({
            eventName: sns.FilterOrPolicy.filter(sns.SubscriptionFilter.stringFilter({ denylist: ['ObjectCreated:Copy'] })),
            s3: sns.FilterOrPolicy.policy({
              object: sns.FilterOrPolicy.policy({
                key: sns.FilterOrPolicy.filter(sns.SubscriptionFilter.stringFilter({ matchPrefixes: ['uploads/'] })),
                size: sns.FilterOrPolicy.filter(sns.SubscriptionFilter.numericFilter({ greaterThan: 0 })),
              }),
            }),
          }),
        }),
        worker: {
          batchSize: 50, maxBatchingWindow: Duration.seconds(5), maxConcurrency: 2,
          expectedLoad: { perMonth: 450_000, averageDuration: Duration.millis(40), payloadSize: Size.kibibytes(2), recordsPerInvocation: 20 },
        },
      },
    ],
  });
}
