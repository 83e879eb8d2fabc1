import { isJsonObject, JsonObject } from '../common/json';
import { decodeS3Key as decodeS3KeyOrThrow } from '../common/s3-key';

/**
 * Pure logic of the fan-out example consumer: finds the S3 objects an SQS message body refers to.
 *
 * The body is one of
 * - an S3 event notification (`{ "Records": [...] }`), as SNS delivers it with raw message delivery;
 * - the same notification inside an SNS envelope (`{ "Type": "Notification", "Message": "..." }`),
 *   when raw delivery is off;
 * - an EventBridge `Object Created` event from S3 (`{ "source": "aws.s3", "detail": {...} }`);
 * - the `s3:TestEvent` S3 sends when a notification is configured (no objects).
 *
 * In all of them the object key is URL-encoded the way HTML forms are: a space arrives as `+`,
 * other reserved and non-ASCII characters as `%XX` UTF-8 bytes, and a literal `+` as `%2B`.
 * Using the key as it arrives makes `GetObject` fail with NoSuchKey for such objects.
 */

/** An object an event refers to, with its key decoded. */
export interface S3ObjectRef {
  readonly bucket: string;
  readonly key: string;
  /** Size in bytes, when the event carries it. */
  readonly size?: number;
  readonly eventName: string;
}

/** The body matched none of the shapes this consumer understands; the record fails. */
export class UnrecognizedEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnrecognizedEventError';
  }
}

/** Decodes an object key from an S3 event (see `lambda/common/s3-key.ts`); malformed keys fail the record. */
export function decodeS3Key(encodedKey: string): string {
  try {
    return decodeS3KeyOrThrow(encodedKey);
  } catch {
    throw new UnrecognizedEventError(`object key '${encodedKey}' is not valid URL encoding`);
  }
}


function fromNotificationRecord(record: unknown): S3ObjectRef {
  const s3 = isJsonObject(record) && isJsonObject(record.s3) ? record.s3 : undefined;
  const bucket = s3 && isJsonObject(s3.bucket) ? s3.bucket.name : undefined;
  const object = s3 && isJsonObject(s3.object) ? s3.object : undefined;
  if (typeof bucket !== 'string' || !object || typeof object.key !== 'string') {
    throw new UnrecognizedEventError('S3 notification record without s3.bucket.name and s3.object.key');
  }
  return {
    bucket,
    key: decodeS3Key(object.key),
    size: typeof object.size === 'number' ? object.size : undefined,
    eventName: typeof (record as JsonObject).eventName === 'string' ? (record as JsonObject).eventName as string : 'unknown',
  };
}

function fromEventBridge(event: JsonObject): S3ObjectRef {
  const detail = isJsonObject(event.detail) ? event.detail : undefined;
  const bucket = detail && isJsonObject(detail.bucket) ? detail.bucket.name : undefined;
  const object = detail && isJsonObject(detail.object) ? detail.object : undefined;
  if (typeof bucket !== 'string' || !object || typeof object.key !== 'string') {
    throw new UnrecognizedEventError('EventBridge S3 event without detail.bucket.name and detail.object.key');
  }
  return {
    bucket,
    key: decodeS3Key(object.key),
    size: typeof object.size === 'number' ? object.size : undefined,
    eventName: String(event['detail-type']),
  };
}

/** The objects a message body refers to (empty for S3's test event). */
export function extractS3Objects(body: unknown): S3ObjectRef[] {
  if (!isJsonObject(body)) throw new UnrecognizedEventError('message body is not a JSON object');
  if (body.Type === 'Notification' && typeof body.Message === 'string') {
    let inner: unknown;
    try {
      inner = JSON.parse(body.Message);
    } catch {
      throw new UnrecognizedEventError('SNS envelope whose Message is not JSON');
    }
    return extractS3Objects(inner);
  }
  if (body.Event === 's3:TestEvent') return [];
  if (Array.isArray(body.Records)) return body.Records.map(fromNotificationRecord);
  if (body.source === 'aws.s3' && isJsonObject(body.detail)) return [fromEventBridge(body)];
  throw new UnrecognizedEventError('message body is neither an S3 notification nor an EventBridge S3 event');
}
