import { DynamoDBHttpClient } from '@cdk-serverless-patterns/runtime/aws/dynamodb';
import type { ProjectionRequest } from './order-projection';

// The runtime's signed HTTP client (already in the bundle for idempotency): two item writes do
// not need the AWS SDK's ~50 ms of cold start.
let client: DynamoDBHttpClient | undefined;

/** Applies a projection request to the read-model table (`READ_MODEL_TABLE_NAME`); one client per cold start. */
export async function applyToReadModel(request: ProjectionRequest): Promise<void> {
  const tableName = process.env.READ_MODEL_TABLE_NAME;
  if (!tableName) throw new Error('READ_MODEL_TABLE_NAME is not set: the worker has no read-model table to write to');
  client ??= new DynamoDBHttpClient();
  if (request.kind === 'delete') {
    await client.call('DeleteItem', { TableName: tableName, Key: request.key });
    return;
  }
  await client.call('UpdateItem', {
    TableName: tableName,
    Key: request.key,
    UpdateExpression: request.updateExpression,
    ExpressionAttributeNames: request.names,
    ExpressionAttributeValues: request.values,
  });
}
