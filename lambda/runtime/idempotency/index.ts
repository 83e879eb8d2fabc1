import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';

/**
 * Which store writes the idempotency records:
 * - `http` (default): {@link DynamoDBHttpPersistenceLayer}, the same DynamoDB requests sent by a
 *   small signed HTTP client; a cold start pays a few ms instead of ~50.
 * - `sdk`: Powertools' own `DynamoDBPersistenceLayer` on `@aws-sdk/client-dynamodb` (which the
 *   Lambda Node.js runtime ships): pick it to use the SDK's credential chain, its retry
 *   configuration or its middleware.
 * The bundled handlers read `IDEMPOTENCY_PERSISTENCE_LAYER` (`http` or `sdk`).
 */
export type PersistenceLayerKind = 'http' | 'sdk';

/** The kind the environment asks for: `IDEMPOTENCY_PERSISTENCE_LAYER`, else `http`. */
export function persistenceLayerKind(option?: PersistenceLayerKind, env: Record<string, string | undefined> = process.env): PersistenceLayerKind {
  const value = option ?? env.IDEMPOTENCY_PERSISTENCE_LAYER ?? 'http';
  if (value !== 'http' && value !== 'sdk') {
    throw new Error(`IDEMPOTENCY_PERSISTENCE_LAYER must be 'http' or 'sdk' (given '${value}')`);
  }
  return value;
}

/**
 * Creates the persistence layer for `tableName`. The module behind each kind is loaded here, on
 * first use, so a handler with idempotency off loads neither.
 */
export async function createPersistenceLayer(tableName: string, kind: PersistenceLayerKind = persistenceLayerKind()): Promise<BasePersistenceLayer> {
  if (kind === 'sdk') {
    const { DynamoDBPersistenceLayer } = await import('@aws-lambda-powertools/idempotency/dynamodb');
    return new DynamoDBPersistenceLayer({ tableName });
  }
  const { DynamoDBHttpPersistenceLayer } = await import('./dynamodb-http-persistence-layer');
  return new DynamoDBHttpPersistenceLayer({ tableName });
}
