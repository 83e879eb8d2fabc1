import { isJsonObject } from '../common/json';
import { decodeS3Key } from '../common/s3-key';

/**
 * Pure logic of the example async handler: accepts S3 object-created notifications and
 * EventBridge events (scheduled or custom); anything else is an error, which Lambda retries and
 * then sends to the failure destination.
 */
export class UnsupportedEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedEventError';
  }
}

export interface HandledEvent {
  readonly kind: 's3' | 'eventbridge';
  /** Object keys (S3) or the detail-type (EventBridge). */
  readonly items: string[];
}

export function handleAsyncEvent(event: unknown): HandledEvent {
  if (!isJsonObject(event)) throw new UnsupportedEventError('event must be a JSON object');
  if (Array.isArray(event.Records)) {
    const keys = event.Records.map((record: unknown, i: number) => {
      const key = isJsonObject(record) && isJsonObject(record.s3) && isJsonObject(record.s3.object) ? record.s3.object.key : undefined;
      if (typeof key !== 'string' || key.length === 0) throw new UnsupportedEventError(`record ${i} is not an S3 notification with an object key`);
      // S3 URL-encodes keys in notifications, with '+' for spaces.
      return decodeS3Key(key);
    });
    return { kind: 's3', items: keys };
  }
  if (typeof event['detail-type'] === 'string' && typeof event.source === 'string') {
    return { kind: 'eventbridge', items: [event['detail-type']] };
  }
  throw new UnsupportedEventError('event is neither an S3 notification nor an EventBridge event');
}
