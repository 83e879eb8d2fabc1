// The one idempotency wiring of the runtime: every module (SQS, stream, scheduled job, the saga
// steps) reads its configuration, builds its persistence layer and runs its work through here, so
// they fail and behave the same way.
import { logger } from '../logger';
import type { LambdaContext } from '../types';
import { createPersistenceLayer, resolveIdempotency, type IdempotencyOption, type ResolvedIdempotency } from './index';

export { IdempotencyConfigurationError } from './index';

/** Runs `work` at most once per idempotency key of `payload`; a repeat returns the stored result. */
export type RunOnce = <T>(payload: object, work: () => Promise<T>) => Promise<T>;

/** Idempotency for one handler, from {@link createIdempotentRunner}. */
export interface IdempotentRunner {
  /** The settings read from the option and the construct's variables. */
  readonly settings: ResolvedIdempotency;
  /**
   * The {@link RunOnce} of one invocation: its in-progress records expire with this `context`'s
   * remaining time. Rejects with the configuration error (an `IdempotencyConfigurationError` naming
   * the variable and its valid values) or the persistence layer's construction error, so the
   * invocation fails with it.
   */
  forInvocation(context: LambdaContext): Promise<RunOnce>;
}

type Powertools = typeof import('@aws-lambda-powertools/idempotency');

interface Loaded {
  readonly powertools: Powertools;
  readonly persistenceStore: import('@aws-lambda-powertools/idempotency/persistence').BasePersistenceLayer;
}

/**
 * Reads the idempotency configuration (`option` over the construct's variables
 * `IDEMPOTENCY_TABLE_NAME`, `IDEMPOTENCY_KEY_PATH`, `IDEMPOTENCY_TTL_SECONDS`,
 * `IDEMPOTENCY_KEY_PREFIX`, `IDEMPOTENCY_PERSISTENCE_LAYER`) and returns the runner, or `undefined`
 * when idempotency is off (`false`, or no table).
 *
 * Powertools idempotency (with its JMESPath engine) and the persistence layer load here, once per
 * execution environment, in the background of the cold start, and only when idempotency is on.
 * import(), not require(): esbuild keeps the ES build, and for `sdk` the DynamoDB client loads only then.
 * A configuration error is kept for the invocations to report: it never becomes an unhandled
 * rejection at load, which would end the execution environment.
 *
 * Two rules of Powertools 2.35's `makeIdempotent` shape the call: its second argument is inspected
 * for a Lambda or durable-execution context (`getRemainingTimeInMillis`, a `step` key,
 * `lambdaContext`, `durableExecutionMode`), so the second argument here is always the work
 * function, never a record, body or context; and the Lambda context goes into a per-invocation
 * `IdempotencyConfig`, never registered on a shared one, so concurrent invocations keep their own.
 */
export function createIdempotentRunner(
  option: IdempotencyOption | false | undefined,
  defaults: { readonly eventKeyJmesPath: string; readonly expiresAfterSeconds: number },
  env: Record<string, string | undefined> = process.env,
): IdempotentRunner | undefined {
  const settings = resolveIdempotency(option, defaults, env);
  if (!settings) return undefined;
  const loading: Promise<Loaded> = import('@aws-lambda-powertools/idempotency').then(async (powertools) => ({
    powertools,
    persistenceStore: await createPersistenceLayer(settings.tableName, settings.persistenceLayer),
  }));
  // Each invocation awaits `loading` and fails with its error; nothing is left unhandled meanwhile.
  loading.catch(() => undefined);

  return {
    settings,
    async forInvocation(context) {
      let loaded: Loaded;
      try {
        loaded = await loading;
      } catch (error) {
        logger.error('idempotency cannot be set up: the invocation fails', { error: error as Error });
        throw error;
      }
      const { powertools: { IdempotencyConfig, makeIdempotent }, persistenceStore } = loaded;
      const config = new IdempotencyConfig({
        eventKeyJmesPath: settings.eventKeyJmesPath,
        expiresAfterSeconds: settings.expiresAfterSeconds,
        throwOnNoIdempotencyKey: true,
        lambdaContext: context as ConstructorParameters<typeof IdempotencyConfig>[0]['lambdaContext'],
      });
      const once = makeIdempotent(async (_payload: object, work: () => Promise<unknown>) => work(), {
        persistenceStore, config, keyPrefix: settings.keyPrefix, dataIndexArgument: 0,
      });
      return once as RunOnce;
    },
  };
}
