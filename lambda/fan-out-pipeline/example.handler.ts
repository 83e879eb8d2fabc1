import { logger } from '@cdk-serverless-patterns/runtime/logger';
import { createSqsWorkerHandler } from '@cdk-serverless-patterns/runtime/sqs-worker';
import { extractS3Objects } from './s3-object';

/**
 * Example fan-out consumer deployed by the demo app: reads the S3 objects a message refers to
 * (keys decoded) and logs them. Replace the log line with the consumer's work (GetObject, ...).
 */
export const handler = createSqsWorkerHandler(async (body) => {
  const objects = extractS3Objects(body);
  for (const object of objects) {
    logger.info('object received', { bucket: object.bucket, key: object.key, size: object.size, eventName: object.eventName });
  }
  return { objects: objects.length };
});
