import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { registerPersistenceLayer } from './index';

/**
 * Powertools' own `DynamoDBPersistenceLayer` (on `@aws-sdk/client-dynamodb`, which the Lambda
 * Node.js runtime ships) as a persistence layer factory: pass it as the `persistenceLayer`
 * option, or import this module and set `persistenceLayer: 'sdk'` / `IDEMPOTENCY_PERSISTENCE_LAYER=sdk`.
 * It lives in its own module so that only the bundles that import it carry it.
 */
export const sdkPersistenceLayer = (tableName: string): DynamoDBPersistenceLayer => new DynamoDBPersistenceLayer({ tableName });

// Importing this module is what makes the `sdk` kind available.
registerPersistenceLayer('sdk', sdkPersistenceLayer);
