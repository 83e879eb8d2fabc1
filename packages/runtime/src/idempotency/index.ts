import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { PersistenceLayerFactory, PersistenceLayerOption } from '../types';

export type { PersistenceLayerFactory, PersistenceLayerOption } from '../types';

/**
 * Which store writes the idempotency records:
 * - `http` (default): {@link DynamoDBHttpPersistenceLayer}, the same DynamoDB requests sent by a
 *   small signed HTTP client; a cold start pays a few ms instead of ~50.
 * - `sdk`: Powertools' own `DynamoDBPersistenceLayer` on `@aws-sdk/client-dynamodb` (which the
 *   Lambda Node.js runtime ships): pick it to use the SDK's credential chain, its retry
 *   configuration or its middleware. It is in a bundle only if the handler imports
 *   `@cdk-serverless-patterns/runtime/idempotency/sdk` (see {@link registerPersistenceLayer}),
 *   so a handler that does not use it does not carry it.
 * The handlers also read `IDEMPOTENCY_PERSISTENCE_LAYER` (`http` or `sdk`).
 */
export type PersistenceLayerKind = 'http' | 'sdk';

/**
 * A configuration the idempotency wiring cannot work with (a bad `IDEMPOTENCY_PERSISTENCE_LAYER`,
 * a layer the bundle does not carry). Every runtime module fails the invocation with it, never the
 * module load: see `createIdempotentRunner`.
 */
export class IdempotencyConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IdempotencyConfigurationError';
  }
}

/** The kind the environment asks for: `IDEMPOTENCY_PERSISTENCE_LAYER`, else `http`. */
export function persistenceLayerKind(option?: PersistenceLayerKind, env: Record<string, string | undefined> = process.env): PersistenceLayerKind {
  const value = option ?? env.IDEMPOTENCY_PERSISTENCE_LAYER ?? 'http';
  if (value !== 'http' && value !== 'sdk') {
    const source = option === undefined ? 'IDEMPOTENCY_PERSISTENCE_LAYER' : 'the persistenceLayer option';
    throw new IdempotencyConfigurationError(`${source} must be 'http' or 'sdk' (given '${value}')`);
  }
  return value;
}

// Layers other modules add (the `sdk` one: ./sdk.ts registers it when imported).
const registered = new Map<PersistenceLayerKind, PersistenceLayerFactory>();

/**
 * Makes `kind` available to {@link createPersistenceLayer}. `runtime/idempotency/sdk` calls it
 * for `sdk` when a handler imports that module; a bundle without the import has no AWS SDK layer.
 */
export function registerPersistenceLayer(kind: PersistenceLayerKind, factory: PersistenceLayerFactory): void {
  registered.set(kind, factory);
}

/**
 * Creates the persistence layer for `tableName`: from a factory, or by kind (the option, else
 * `IDEMPOTENCY_PERSISTENCE_LAYER`, else `http`). The default layer's module is loaded here, on
 * first use, so a handler with idempotency off does not load it.
 */
export async function createPersistenceLayer(tableName: string, option?: PersistenceLayerOption): Promise<BasePersistenceLayer> {
  if (typeof option === 'function') return await option(tableName) as BasePersistenceLayer;
  const kind = persistenceLayerKind(option);
  const factory = registered.get(kind);
  if (factory) return await factory(tableName) as BasePersistenceLayer;
  if (kind === 'sdk') {
    throw new IdempotencyConfigurationError("persistence layer 'sdk' is not in this bundle: import @cdk-serverless-patterns/runtime/idempotency/sdk");
  }
  const { DynamoDBHttpPersistenceLayer } = await import('./dynamodb-http-persistence-layer');
  return new DynamoDBHttpPersistenceLayer({ tableName });
}

/** The idempotency settings a handler option may give; each falls back to the construct's variables. */
export interface IdempotencyOption {
  readonly tableName?: string;
  readonly eventKeyJmesPath?: string;
  readonly expiresAfterSeconds?: number;
  readonly persistenceLayer?: PersistenceLayerOption;
  /**
   * Prefix of the record keys (`<prefix>#<hash>`), Powertools' `keyPrefix`. The constructs set
   * `IDEMPOTENCY_KEY_PREFIX` when the handler shares the stack's table: its role may touch only
   * the items under that prefix.
   * @default - `IDEMPOTENCY_KEY_PREFIX`, else Powertools' default (the function name)
   */
  readonly keyPrefix?: string;
}

/** The resolved settings: undefined when idempotency is off (`false`, or no table configured). */
export interface ResolvedIdempotency {
  readonly tableName: string;
  readonly eventKeyJmesPath: string;
  readonly expiresAfterSeconds: number;
  readonly persistenceLayer?: PersistenceLayerOption;
  readonly keyPrefix?: string;
}

/** The key prefix the constructs set for a handler in the stack's shared table (`IDEMPOTENCY_KEY_PREFIX`). */
export function keyPrefixFromEnv(env: Record<string, string | undefined> = process.env): string | undefined {
  return env.IDEMPOTENCY_KEY_PREFIX || undefined;
}

/**
 * One reading of the variables every idempotent construct sets (`IDEMPOTENCY_TABLE_NAME`,
 * `IDEMPOTENCY_KEY_PATH`, `IDEMPOTENCY_TTL_SECONDS`, `IDEMPOTENCY_KEY_PREFIX`) under the handler's own option and defaults.
 */
export function resolveIdempotency(option: IdempotencyOption | false | undefined,
  defaults: { readonly eventKeyJmesPath: string; readonly expiresAfterSeconds: number },
  env: Record<string, string | undefined> = process.env): ResolvedIdempotency | undefined {
  if (option === false) return undefined;
  const tableName = option?.tableName ?? env.IDEMPOTENCY_TABLE_NAME;
  if (!tableName) return undefined;
  const ttlFromEnv = Number(env.IDEMPOTENCY_TTL_SECONDS);
  return {
    tableName,
    eventKeyJmesPath: option?.eventKeyJmesPath ?? env.IDEMPOTENCY_KEY_PATH ?? defaults.eventKeyJmesPath,
    expiresAfterSeconds: option?.expiresAfterSeconds
      ?? (Number.isFinite(ttlFromEnv) && ttlFromEnv > 0 ? ttlFromEnv : defaults.expiresAfterSeconds),
    persistenceLayer: option?.persistenceLayer,
    keyPrefix: option?.keyPrefix ?? keyPrefixFromEnv(env),
  };
}
