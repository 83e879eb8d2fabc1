import type { _Record } from '@aws-sdk/client-kinesis';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, KinesisStreamRecord } from 'aws-lambda';

const REGION = 'us-east-1';
type Image = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['Keys']>;

/**
 * A record read with GetRecords, shaped as Lambda delivers it to a Kinesis consumer.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html (sample event)
 */
export function kinesisEventRecord(shardId: string, streamArn: string, record: _Record): KinesisStreamRecord {
  return {
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shardId}:${record.SequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::123456789012:role/worker',
    awsRegion: REGION,
    eventSourceARN: streamArn,
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: record.PartitionKey!,
      sequenceNumber: record.SequenceNumber!,
      data: Buffer.from(record.Data!).toString('base64'),
      approximateArrivalTimestamp: record.ApproximateArrivalTimestamp!.getTime() / 1000,
    },
  };
}

/** A Kinesis record built directly (for the model's own tests). */
export function kinesisRecord(sequence: number, data: string, partitionKey = 'pk', arrivedAtSeconds = Date.now() / 1000): KinesisStreamRecord {
  const sequenceNumber = String(49_000_000_000_000_000_000n + BigInt(sequence));
  return kinesisEventRecord('shardId-000000000000', 'arn:aws:kinesis:us-east-1:123456789012:stream/model', {
    SequenceNumber: sequenceNumber, PartitionKey: partitionKey, Data: Buffer.from(data, 'utf8'),
    ApproximateArrivalTimestamp: new Date(arrivedAtSeconds * 1000),
  });
}

export interface ItemChange {
  readonly eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  readonly keys: Record<string, unknown>;
  readonly newImage?: Record<string, unknown>;
  readonly oldImage?: Record<string, unknown>;
}

/**
 * A DynamoDB Streams record in the documented shape (StreamViewType NEW_AND_OLD_IMAGES):
 * INSERT has NewImage, MODIFY NewImage and OldImage, REMOVE only OldImage.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html (sample event)
 * @see https://docs.aws.amazon.com/amazondynamodbstreams/latest/APIReference/API_StreamRecord.html
 */
export function dynamoDbRecord(sequence: number, change: ItemChange, streamArn: string, createdAtSeconds = Math.floor(Date.now() / 1000)): DynamoDBRecord {
  return {
    eventID: `${sequence.toString(16).padStart(32, '0')}`,
    eventName: change.eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: REGION,
    eventSourceARN: streamArn,
    dynamodb: {
      ApproximateCreationDateTime: createdAtSeconds,
      Keys: marshall(change.keys) as Image,
      ...(change.newImage ? { NewImage: marshall(change.newImage) as Image } : {}),
      ...(change.oldImage ? { OldImage: marshall(change.oldImage) as Image } : {}),
      SequenceNumber: String(100_000_000_000_000_000_000n + BigInt(sequence)),
      SizeBytes: 100,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}
