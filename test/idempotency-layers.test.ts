import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { DynamoDBHttpPersistenceLayer } from '../packages/runtime/src/idempotency/dynamodb-http-persistence-layer';
import { createPersistenceLayer, persistenceLayerKind } from '../packages/runtime/src/idempotency';
import { LocalDynamo, startLocalDynamo } from './support/dynalite';
import { LayerFactory, RecordingProxy, ScenarioOutcome, scenarios } from './support/idempotency-layer-scenarios';

/**
 * The light persistence layer (signed HTTP, no AWS SDK) against Powertools' own
 * DynamoDBPersistenceLayer: one scenario suite, both layers, the same dynalite. Each scenario's
 * outcome (what the caller saw, body runs, items left, requests sent) must be identical.
 */
let dynamo: LocalDynamo;
let proxy: RecordingProxy;
const saved = { ...process.env };
let tableSeq = 0;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  proxy = new RecordingProxy(dynamo.endpoint);
  // Both layers reach DynamoDB through the recording proxy; the scenarios' own setup goes direct.
  process.env.AWS_ENDPOINT_URL_DYNAMODB = await proxy.start();
  process.env.AWS_LAMBDA_FUNCTION_NAME = 'orders-worker';
});

afterAll(async () => {
  await proxy.stop();
  await dynamo.stop();
  process.env = saved;
});

const layers: Record<string, LayerFactory> = {
  'Powertools DynamoDBPersistenceLayer (AWS SDK)': (tableName) => new DynamoDBPersistenceLayer({ tableName }),
  'DynamoDBHttpPersistenceLayer (signed HTTP)': (tableName) => new DynamoDBHttpPersistenceLayer({ tableName }),
};

async function runScenario(name: string, factory: LayerFactory): Promise<ScenarioOutcome> {
  const tableName = `idem-${++tableSeq}`;
  await dynamo.createIdempotencyTable(tableName);
  const outcome = await scenarios[name]({ client: dynamo.client, proxy, tableName, factory });
  // The table name differs per run; everything else must not.
  return JSON.parse(JSON.stringify(outcome).split(tableName).join('<table>'));
}

/** What each scenario must produce (identical for both layers). */
const expected: Record<string, { calls: string[]; runs: number; operations: string[] }> = {
  'first call runs the body and stores the result': {
    calls: ['ok:{"charged":"o-1"}'], runs: 1, operations: ['PutItem', 'UpdateItem'],
  },
  'a repeat returns the stored result without running the body': {
    calls: ['ok:{"charged":"o-1","n":1}', 'ok:{"charged":"o-1","n":1}'], runs: 1,
    // dynalite returns no item on a failed condition, so Powertools reads it (GetItem).
    operations: ['PutItem', 'UpdateItem', 'PutItem', 'GetItem'],
  },
  'a duplicate while the first call is in progress fails with IdempotencyAlreadyInProgressError': {
    calls: ['error:IdempotencyAlreadyInProgressError', 'ok:"done"'], runs: 1,
    operations: ['PutItem', 'PutItem', 'GetItem', 'UpdateItem'],
  },
  'an expired record is overwritten and the body runs again': {
    calls: ['ok:1', 'ok:2'], runs: 2, operations: ['PutItem', 'UpdateItem', 'PutItem', 'UpdateItem'],
  },
  'an in-progress record whose in-progress expiry passed (a timed-out attempt) does not block a retry': {
    calls: ['ok:1', 'ok:2'], runs: 2, operations: ['PutItem', 'UpdateItem', 'PutItem', 'UpdateItem'],
  },
  'a body that fails leaves no record, so the retry runs it': {
    calls: ['error:PaymentGatewayError', 'ok:"second time lucky"'], runs: 2,
    operations: ['PutItem', 'DeleteItem', 'PutItem', 'UpdateItem'],
  },
  'an event without the idempotency key fails before the body runs': {
    calls: ['error:IdempotencyPersistenceLayerError[IdempotencyKeyError]'], runs: 0, operations: [],
  },
  'payload validation: the same key with a different payload fails with IdempotencyValidationError': {
    calls: ['ok:{"amount":10}', 'ok:{"amount":10}', 'error:IdempotencyValidationError'], runs: 1,
    operations: ['PutItem', 'UpdateItem', 'PutItem', 'GetItem', 'PutItem', 'GetItem'],
  },
};

describe.each(Object.keys(scenarios))('%s', (name) => {
  test('both layers: the expected outcome, and the same requests and items', async () => {
    const outcomes = [];
    for (const factory of Object.values(layers)) outcomes.push(await runScenario(name, factory));
    const [sdk, http] = outcomes;
    expect({ calls: sdk.calls, runs: sdk.runs, operations: sdk.requests.map((r) => r.operation) }).toEqual(expected[name]);
    expect(http).toEqual(sdk);
  });
});

test('the stored record: the attribute names and types Powertools uses', async () => {
  const outcome = await runScenario('first call runs the body and stores the result', layers['DynamoDBHttpPersistenceLayer (signed HTTP)']);
  expect(outcome.items).toEqual([{
    id: { S: expect.stringMatching(/^orders-worker#[A-Za-z0-9+/=]+$/) },
    status: { S: 'COMPLETED' },
    expiration: { N: '<clock>' },
    in_progress_expiration: { N: '<clock>' },
    data: { M: { charged: { S: 'o-1' } } },
  }]);
  expect(outcome.requests[0].input).toMatchObject({
    ConditionExpression: 'attribute_not_exists(#id) OR #expiry < :now OR (#status = :inprogress AND '
      + 'attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_in_millis)',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
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
