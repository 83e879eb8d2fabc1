import { Duration } from 'aws-cdk-lib';
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
        worker: { maxConcurrency: 5, timeout: Duration.minutes(2), memorySize: 2048 },
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
        worker: { batchSize: 50, maxBatchingWindow: Duration.seconds(5), maxConcurrency: 2 },
      },
    ],
  });
}
