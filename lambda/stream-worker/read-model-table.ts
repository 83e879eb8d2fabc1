import { DeleteItemCommand, DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { ProjectionRequest } from './order-projection';

let client: DynamoDBClient | undefined;

/** Applies a projection request to the read-model table (`READ_MODEL_TABLE_NAME`); one client per cold start. */
export async function applyToReadModel(request: ProjectionRequest): Promise<void> {
  const tableName = process.env.READ_MODEL_TABLE_NAME;
  if (!tableName) throw new Error('READ_MODEL_TABLE_NAME is not set: the worker has no read-model table to write to');
  client ??= new DynamoDBClient({});
  if (request.kind === 'delete') {
    await client.send(new DeleteItemCommand({ TableName: tableName, Key: request.key }));
    return;
  }
  await client.send(new UpdateItemCommand({
    TableName: tableName,
    Key: request.key,
    UpdateExpression: request.updateExpression,
    ExpressionAttributeNames: request.names,
    ExpressionAttributeValues: request.values,
  }));
}
