/**
 * What the SagaStateMachine passes to every step function (see lib/saga-state-machine.ts), and
 * the small in-memory idempotency store of the example handlers.
 */
export interface SagaStepEvent<I = OrderInput> {
  /** Name of the saga step. */
  readonly step: string;
  /** `<execution name>:<step>` for actions, `<execution name>:<step>:compensation` for compensations. */
  readonly idempotencyKey: string;
  /** The execution input. */
  readonly input: I;
  /** Return values of the completed steps, by step name. */
  readonly results: Record<string, unknown>;
  /** Set for compensations: the step that failed and its error. */
  readonly failure?: {
    readonly step: string;
    readonly originalError: string;
    /** `<step> failed: <original error>` */
    readonly error: string;
    readonly cause: string;
    /** The caught error as Step Functions reported it. */
    readonly caught: { readonly Error: string; readonly Cause?: string };
  };
}

/** Input of the example order saga, with switches that make a chosen step fail. */
export interface OrderInput {
  readonly orderId: string;
  readonly items: ReadonlyArray<{ readonly sku: string; readonly quantity: number; readonly price: number }>;
  /** Test switches, used by the demo app and the tests. */
  readonly simulate?: {
    /** Name of the step whose action fails with its business error. */
    readonly failStep?: string;
    /** Name of the step whose compensation fails on every attempt. */
    readonly failCompensation?: string;
    /** Step name -> number of attempts that fail with `ServiceUnavailableError` before one succeeds. */
    readonly unavailable?: Record<string, number>;
  };
}

/** A step failed for a business reason: retrying does not help, compensation does. */
export class SagaBusinessError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/**
 * Results by idempotency key, and attempts per key. Module scope, so it lives as long as the
 * execution environment: enough for the examples (one warm function, and the tests, which load
 * a bundle fresh per scenario). Production handlers keep this in DynamoDB through Powertools
 * idempotency (`makeIdempotent` with `eventKeyJmesPath: 'idempotencyKey'`), which survives cold
 * starts and concurrent environments.
 */
export class IdempotencyStore {
  private readonly results = new Map<string, unknown>();
  private readonly attempts = new Map<string, number>();

  /** Runs `work` once per key: later calls with the same key return the first call's result. */
  public once<T>(key: string, work: (attempt: number) => T): { result: T; replayed: boolean } {
    if (typeof key !== 'string' || key.length === 0) {
      throw new SagaBusinessError('MissingIdempotencyKeyError', 'the event has no idempotencyKey');
    }
    if (this.results.has(key)) return { result: this.results.get(key) as T, replayed: true };
    const attempt = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, attempt);
    const result = work(attempt);
    this.results.set(key, result);
    return { result, replayed: false };
  }
}
