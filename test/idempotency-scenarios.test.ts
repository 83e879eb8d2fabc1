/**
 * The idempotency scenarios (test/support/idempotency-scenarios.ts) on dynalite, each with
 * Powertools' DynamoDBPersistenceLayer and with the runtime's DynamoDBHttpPersistenceLayer, which
 * must send the same requests and leave the same records; test/idempotency-scenarios.moto.test.ts
 * runs the same scenarios on moto. Then how the runtime picks its persistence layer.
 */
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { createPersistenceLayer, persistenceLayerKind } from '../packages/runtime/src/idempotency';
import { DynamoDBHttpPersistenceLayer } from '../packages/runtime/src/idempotency/dynamodb-http-persistence-layer';
import { LocalDynamo, startLocalDynamo } from './support/dynalite';
import { BOTH_LAYERS, idempotencyScenarios } from './support/idempotency-scenarios';

describe('both persistence layers on dynalite', () => {
  let dynamo: LocalDynamo;
  beforeAll(async () => { dynamo = await startLocalDynamo(); });
  afterAll(async () => { await dynamo.stop(); });

  idempotencyScenarios({
    endpoint: () => dynamo.endpoint,
    layers: BOTH_LAYERS,
    // dynalite ignores ReturnValuesOnConditionCheckFailure: the layers read the record back.
    returnsItemOnConditionFailure: false,
  });
});

describe('persistence layer selection', () => {
  afterEach(() => { delete process.env.IDEMPOTENCY_PERSISTENCE_LAYER; });

  test('signed HTTP by default; sdk only once runtime/idempotency/sdk is imported (so other bundles do not carry it)', async () => {
    expect(await createPersistenceLayer('t')).toBeInstanceOf(DynamoDBHttpPersistenceLayer);
    process.env.IDEMPOTENCY_PERSISTENCE_LAYER = 'sdk';
    expect(persistenceLayerKind()).toBe('sdk');
    await expect(createPersistenceLayer('t')).rejects.toThrow("persistence layer 'sdk' is not in this bundle: import @cdk-serverless-patterns/runtime/idempotency/sdk");
    const { sdkPersistenceLayer } = await import('../packages/runtime/src/idempotency/sdk');
    expect(await createPersistenceLayer('t')).toBeInstanceOf(DynamoDBPersistenceLayer);
    expect(await createPersistenceLayer('t', 'http')).toBeInstanceOf(DynamoDBHttpPersistenceLayer);
    delete process.env.IDEMPOTENCY_PERSISTENCE_LAYER;
    const fromFactory = await createPersistenceLayer('orders', sdkPersistenceLayer);
    expect(fromFactory).toBeInstanceOf(DynamoDBPersistenceLayer);
    expect(fromFactory).toMatchObject({ tableName: 'orders' });
  });

  test('an unknown value fails with a message naming the variable', () => {
    process.env.IDEMPOTENCY_PERSISTENCE_LAYER = 'dax';
    expect(() => persistenceLayerKind()).toThrow("IDEMPOTENCY_PERSISTENCE_LAYER must be 'http' or 'sdk' (given 'dax')");
  });
});
