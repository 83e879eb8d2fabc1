/**
 * The idempotency scenarios (test/support/idempotency-scenarios.ts) on moto's DynamoDB, with
 * Powertools' DynamoDBPersistenceLayer. test/idempotency-scenarios.test.ts runs them on dynalite.
 */
import { httpDynamoDBLayer, idempotencyScenarios, powertoolsDynamoDBLayer } from './support/idempotency-scenarios';
import { describeWithMoto, motoEndpoint, useMoto } from './support/moto';

describeWithMoto('Powertools DynamoDBPersistenceLayer on moto', () => {
  useMoto();
  idempotencyScenarios({
    endpoint: motoEndpoint,
    persistenceLayer: powertoolsDynamoDBLayer,
    // As DynamoDB does: the failed conditional PutItem carries the stored record, no GetItem follows.
    returnsItemOnConditionFailure: true,
  });
});

describeWithMoto('the runtime\'s DynamoDBHttpPersistenceLayer on moto', () => {
  useMoto();
  idempotencyScenarios({
    endpoint: motoEndpoint,
    persistenceLayer: httpDynamoDBLayer,
    // The failed conditional PutItem carries the stored record to this layer too: no GetItem follows.
    returnsItemOnConditionFailure: true,
  });
});
