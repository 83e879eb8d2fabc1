// A dynalite (in-memory DynamoDB) in the bench process, with the Powertools idempotency table.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export async function startDynamo(tableName = 'bench-idempotency') {
  const dynalite = require('dynalite');
  const { DynamoDBClient, CreateTableCommand } = require('@aws-sdk/client-dynamodb');
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${server.address().port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await client.send(new CreateTableCommand({
    TableName: tableName,
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  }));
  return {
    endpoint,
    tableName,
    async stop() {
      client.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
