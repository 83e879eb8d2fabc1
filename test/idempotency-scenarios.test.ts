/**
 * The idempotency scenarios (test/support/idempotency-scenarios.ts) on dynalite, with Powertools'
 * DynamoDBPersistenceLayer and with the runtime's DynamoDBHttpPersistenceLayer; test/idempotency-scenarios.moto.test.ts
 * runs the same suite on moto.
 */
import { LocalDynamo, startLocalDynamo } from './support/dynalite';
import { httpDynamoDBLayer, idempotencyScenarios, powertoolsDynamoDBLayer } from './support/idempotency-scenarios';

describe('Powertools DynamoDBPersistenceLayer on dynalite', () => {
  let dynamo: LocalDynamo;
  beforeAll(async () => { dynamo = await startLocalDynamo(); });
  afterAll(async () => { await dynamo.stop(); });

  idempotencyScenarios({
    endpoint: () => dynamo.endpoint,
    persistenceLayer: powertoolsDynamoDBLayer,
    // dynalite ignores ReturnValuesOnConditionCheckFailure: Powertools reads the record back.
    returnsItemOnConditionFailure: false,
  });
});

describe('the runtime\'s DynamoDBHttpPersistenceLayer on dynalite', () => {
  let dynamo: LocalDynamo;
  beforeAll(async () => { dynamo = await startLocalDynamo(); });
  afterAll(async () => { await dynamo.stop(); });

  idempotencyScenarios({
    endpoint: () => dynamo.endpoint,
    persistenceLayer: httpDynamoDBLayer,
    returnsItemOnConditionFailure: false,
  });
});
