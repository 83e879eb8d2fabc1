/**
 * The idempotency scenarios (test/support/idempotency-scenarios.ts) on moto's DynamoDB, with
 * Powertools' DynamoDBPersistenceLayer. test/idempotency-scenarios.test.ts runs them on dynalite.
 */
import { idempotencyScenarios, powertoolsDynamoDBLayer } from './support/idempotency-scenarios';
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
