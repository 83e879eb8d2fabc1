/**
 * The idempotency scenarios (test/support/idempotency-scenarios.ts) on moto's DynamoDB, which, as
 * DynamoDB does, answers a failed conditional write with the stored record: each scenario with
 * Powertools' DynamoDBPersistenceLayer and with the runtime's DynamoDBHttpPersistenceLayer, which
 * must send the same requests and leave the same records. test/idempotency-scenarios.test.ts runs
 * them on dynalite.
 */
import { BOTH_LAYERS, idempotencyScenarios } from './support/idempotency-scenarios';
import { describeWithMoto, motoEndpoint, useMoto } from './support/moto';

describeWithMoto('both persistence layers on moto', () => {
  useMoto();
  idempotencyScenarios({
    endpoint: motoEndpoint,
    layers: BOTH_LAYERS,
    // The failed conditional PutItem carries the stored record: no GetItem follows, with either layer.
    returnsItemOnConditionFailure: true,
  });
});
