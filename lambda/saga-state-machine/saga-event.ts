/**
 * What the SagaStateMachine passes to every step function (see lib/saga-state-machine.ts), and
 * the errors of the example handlers.
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
    /** The approval step rejects the order. */
    readonly rejectApproval?: boolean;
  };
}

/** A step failed for a business reason: retrying does not help, compensation does. */
export class SagaBusinessError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}
