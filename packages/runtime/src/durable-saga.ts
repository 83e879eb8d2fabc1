/**
 * A saga written as code on Lambda durable functions, with the contract of the library's
 * `SagaStateMachine`: ordered steps, each an action and optionally a compensation; every step
 * gets `{ step, idempotencyKey, input, results }` (compensations also `failure`), with
 * `idempotencyKey` `<execution name>:<step>` (`:compensation` for the undo); when a step fails
 * after its retries, the compensations of the completed steps run in reverse order and the
 * execution FAILS with error `<step> failed: <original error>` and the state machine's cause; a
 * compensation that keeps failing ends the execution with error `SagaCompensationFailed`, after
 * putting the `CompensationFailed` metric the construct alarms on.
 *
 * Each action, compensation and callback is one durable operation: after an interruption (a
 * wait, a retry delay, a callback, a crash) Lambda invokes the function again and the SDK replays
 * it, returning completed steps from their checkpoints instead of running them again.
 *
 * Retries: the SDK retries a failing step by default (every error, 3 attempts). The saga replaces
 * that with the state machine's policy: an action retries only transient errors
 * (`DURABLE_SAGA_TRANSIENT_ERRORS`) and the names in `retry.retryErrors`, 3 times from 1 second,
 * x2, up to 30 seconds, full jitter; a compensation retries every error 5 times from 2 seconds,
 * x2, up to 1 minute; a callback is not retried. Steps run at least once per attempt
 * (`StepSemantics.AtLeastOncePerRetry`, the SDK default): make them idempotent on the key.
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/durable-functions.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/durable-execution-sdk.html
 */
import type { DurableContext, RetryDecision } from '@aws/durable-execution-sdk-js';

/** What an action (and a callback's submitter) receives. */
export interface DurableSagaStepEvent<Input = any> {
  readonly step: string;
  /** `<execution name>:<step>`, or `<execution name>:<step>:compensation`. */
  readonly idempotencyKey: string;
  readonly input: Input;
  /** The result of every completed step, by name. */
  readonly results: Record<string, unknown>;
}

/** What a compensation receives. */
export interface DurableSagaCompensationEvent<Input = any> extends DurableSagaStepEvent<Input> {
  readonly failure: DurableSagaFailure;
}

/** The error Step Functions would have caught: `{ Error, Cause }`. */
export interface CaughtError { readonly Error: string; readonly Cause: string }

/** The failure the compensations get, as `$.failure` of the state machine. */
export interface DurableSagaFailure {
  readonly step: string;
  readonly group?: string;
  readonly failedBranches?: string[];
  readonly originalError: string;
  readonly caught: CaughtError;
  readonly branchFailures?: DurableSagaFailure[];
  readonly error: string;
  readonly cause: string;
}

/** Retry policy of an action or of the compensations (seconds, as the SDK's delays). */
export interface DurableSagaRetry {
  /** Error names retried besides the transient ones (actions only; compensations retry every error). */
  readonly retryErrors?: string[];
  /** Attempts after the first. Default 3 (actions), 5 (compensations). */
  readonly maxAttempts?: number;
  /** Wait before the first retry, seconds (at least 1). Default 1 (actions), 2 (compensations). */
  readonly intervalSeconds?: number;
  /** Multiplier of the wait. Default 2. */
  readonly backoffRate?: number;
  /** Longest wait, seconds. Default 30 (actions), 60 (compensations). */
  readonly maxDelaySeconds?: number;
  /** Full jitter (a random wait between 1 second and the computed one). Default true. */
  readonly jitter?: boolean;
}

/** A step that waits for an external system to answer through a callback id. */
export interface DurableSagaCallback {
  /** Hands the callback id to the system that answers (SendDurableExecutionCallbackSuccess/Failure). */
  readonly submit: (callbackId: string, event: DurableSagaStepEvent) => Promise<void>;
  /** Required: without it an execution waits until its execution timeout. Fails the step with `States.Timeout`. */
  readonly timeoutSeconds: number;
  /** Longest silence between heartbeats; fails the step with `States.HeartbeatTimeout`. */
  readonly heartbeatSeconds?: number;
}

/** One step: exactly one of `action`, `callback`, `waitSeconds` or `parallel`. */
export interface DurableSagaStep {
  /** 1-64 letters, digits, '-' or '_', unique in the saga (parallel branches included). */
  readonly name: string;
  readonly action?: (event: DurableSagaStepEvent) => Promise<unknown>;
  readonly callback?: DurableSagaCallback;
  /** A durable wait (no compute billed while waiting); no compensation. */
  readonly waitSeconds?: number;
  readonly compensation?: (event: DurableSagaCompensationEvent) => Promise<unknown>;
  /** Run this step's own compensation when the step itself fails (a failed attempt may have done part of the work). */
  readonly compensatesOwnFailure?: boolean;
  readonly retry?: DurableSagaRetry;
  /** 2 to 10 branches run at the same time; each catches its own failure, then the group decides. */
  readonly parallel?: DurableSagaStep[];
}

export interface DurableSagaOptions {
  readonly steps: DurableSagaStep[];
  /** Retries of every compensation. */
  readonly compensationRetry?: DurableSagaRetry;
  /** Where the CompensationFailed metric goes. Default: an EMF line on stdout (CloudWatch Logs turns it into the metric). */
  readonly putMetric?: (metric: CompensationFailedMetric) => void;
}

/** The metric the DurableFunction's CompensationFailed alarm watches. */
export interface CompensationFailedMetric {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Record<string, string>;
  readonly value: number;
}

export const DURABLE_SAGA_METRIC_NAMESPACE = 'CdkServerlessPatterns/Saga';
export const DURABLE_SAGA_COMPENSATION_FAILED_METRIC = 'CompensationFailed';
/** Error names of momentary unavailability that an action retries by default. */
export const DURABLE_SAGA_TRANSIENT_ERRORS: readonly string[] = [
  'ThrottlingException', 'TooManyRequestsException', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded',
  'ServiceUnavailable', 'ServiceUnavailableException', 'InternalServerError', 'InternalFailure', 'TimeoutError',
];

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** A failed saga: the durable execution's error type and message. */
export class DurableSagaError extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

/** The saga as a durable handler body: wrap it with `withDurableExecution`. Validates the steps once. */
export function durableSaga<Input = any>(options: DurableSagaOptions):
(input: Input, context: DurableContext) => Promise<{ input: Input; results: Record<string, unknown> }> {
  validateSteps(options.steps);
  return (input, context) => new SagaRun(options, input, context).run() as Promise<{ input: Input; results: Record<string, unknown> }>;
}

function validateSteps(steps: DurableSagaStep[], group?: string): void {
  if (steps.length === 0) throw new Error('durableSaga: steps must hold at least one step');
  const seen = new Set<string>();
  const visit = (step: DurableSagaStep, inGroup?: string) => {
    if (!NAME.test(step.name)) throw new Error(`durableSaga: step name '${step.name}' must be 1-64 letters, digits, '-' or '_'`);
    if (seen.has(step.name)) throw new Error(`durableSaga: step name '${step.name}' is used twice`);
    seen.add(step.name);
    const kinds = [step.action, step.callback, step.waitSeconds, step.parallel].filter((k) => k !== undefined).length;
    if (kinds !== 1) throw new Error(`durableSaga: step '${step.name}' needs exactly one of action, callback, waitSeconds and parallel`);
    if (step.callback && !(step.callback.timeoutSeconds >= 1)) {
      throw new Error(`durableSaga: callback step '${step.name}' needs timeoutSeconds of at least 1 (otherwise it waits until the execution times out)`);
    }
    if (step.callback?.heartbeatSeconds !== undefined && !(step.callback.heartbeatSeconds < step.callback.timeoutSeconds)) {
      throw new Error(`durableSaga: callback step '${step.name}' heartbeatSeconds must be below timeoutSeconds`);
    }
    if (step.waitSeconds !== undefined && (step.compensation || !(step.waitSeconds >= 1))) {
      throw new Error(`durableSaga: wait step '${step.name}' needs waitSeconds of at least 1 and no compensation`);
    }
    if (step.compensatesOwnFailure && !step.compensation) throw new Error(`durableSaga: step '${step.name}' sets compensatesOwnFailure without a compensation`);
    if (step.parallel) {
      if (inGroup) throw new Error(`durableSaga: parallel groups do not nest ('${step.name}' in '${inGroup}')`);
      if (step.parallel.length < 2 || step.parallel.length > 10) throw new Error(`durableSaga: group '${step.name}' needs 2 to 10 branches`);
      if (step.compensation || step.retry) throw new Error(`durableSaga: group '${step.name}' takes no compensation or retry of its own`);
      step.parallel.forEach((branch) => {
        if (branch.waitSeconds !== undefined) throw new Error(`durableSaga: branch '${branch.name}' of '${step.name}' cannot be a wait`);
        visit(branch, step.name);
      });
    }
  };
  steps.forEach((step) => visit(step, group));
}

/** The compensations a failure at this point runs, latest first; "(if completed)" marks branches of a failed group. */
function compensationOrder(steps: DurableSagaStep[], uncertainGroup?: DurableSagaStep): string[] {
  return [...steps].reverse().flatMap((step) => {
    if (!step.parallel) return step.compensation ? [step.name] : [];
    return [...step.parallel].reverse().filter((b) => b.compensation)
      .map((b) => (step === uncertainGroup && !b.compensatesOwnFailure ? `${b.name} (if completed)` : b.name));
  });
}

/** Error and Cause as Step Functions would catch them, from a live error or one the SDK rebuilt from its checkpoint. */
function caughtOf(error: unknown): CaughtError {
  // The SDK wraps what failed (StepError, ChildContextError around CallbackExternalError, ...) and
  // keeps the original name and message as the innermost `cause`.
  let e = error as Error & { cause?: unknown; errorType?: string };
  while (e?.errorType && e.cause instanceof Error) {
    if (e.errorType === 'CallbackTimeoutError') break;
    e = e.cause as typeof e;
  }
  if (e?.errorType === 'CallbackTimeoutError') {
    return { Error: /heartbeat/i.test(e.message) ? 'States.HeartbeatTimeout' : 'States.Timeout', Cause: e.message };
  }
  return { Error: e?.name ?? 'Error', Cause: e?.message ?? String(error) };
}

function backoff(policy: DurableSagaRetry, defaults: Required<Omit<DurableSagaRetry, 'retryErrors'>>,
  retryable: (error: Error) => boolean): (error: Error, attempts: number) => RetryDecision {
  const p = { ...defaults, ...policy };
  return (error, attempts) => {
    if (attempts > p.maxAttempts || !retryable(error)) return { shouldRetry: false };
    const computed = Math.min(p.maxDelaySeconds, p.intervalSeconds * p.backoffRate ** (attempts - 1));
    const seconds = Math.max(1, Math.ceil(p.jitter ? Math.random() * computed : computed));
    return { shouldRetry: true, delay: { seconds } };
  };
}

interface BranchOutcome { readonly ok: boolean; readonly result?: unknown; readonly failure?: DurableSagaFailure }

class SagaRun {
  private readonly results: Record<string, unknown> = {};
  private readonly execution: string;

  constructor(private readonly options: DurableSagaOptions, private readonly input: unknown, private readonly context: DurableContext) {
    // arn:...:function:<name>:<version>/durable-execution/<execution name>/<invocation id>
    const arn = context.executionContext.durableExecutionArn;
    this.execution = /\/durable-execution\/([^/]+)\//.exec(arn)?.[1] ?? arn;
  }

  async run(): Promise<{ input: unknown; results: Record<string, unknown> }> {
    const steps = this.options.steps;
    for (const [index, step] of steps.entries()) {
      if (step.waitSeconds !== undefined) {
        await this.context.wait(step.name, { seconds: step.waitSeconds });
        continue;
      }
      if (step.parallel) {
        await this.runGroup(step, index);
        continue;
      }
      try {
        this.results[step.name] = await this.runAction(this.context, step);
      } catch (error) {
        const last = step.compensatesOwnFailure ? index : index - 1;
        const planned = compensationOrder(steps.slice(0, last + 1));
        const caught = caughtOf(error);
        const failure: DurableSagaFailure = {
          step: step.name, originalError: caught.Error, caught, error: `${step.name} failed: ${caught.Error}`,
          cause: `step ${step.name} failed: ${JSON.stringify(caught)}. ${planned.length ? `Compensated in reverse order: ${planned.join(', ')}` : 'Nothing to compensate'}.`,
        };
        return this.rollback(failure, index, step.compensatesOwnFailure ? [step.name] : []);
      }
    }
    return { input: this.input, results: this.results };
  }

  private event(step: string, compensation = false): DurableSagaStepEvent {
    return { step, idempotencyKey: `${this.execution}:${step}${compensation ? ':compensation' : ''}`, input: this.input, results: { ...this.results } };
  }

  private async runAction(context: DurableContext, step: DurableSagaStep): Promise<unknown> {
    const event = this.event(step.name);
    if (step.callback) {
      // createCallback + a submit step rather than waitForCallback: waitForCallback runs in a child
      // context whose checkpointed error keeps only the SDK's error type, not the name the
      // answering system sent (e.g. OrderRejectedError), which the saga's error must carry.
      const callback = step.callback;
      const [answer, callbackId] = await context.createCallback<unknown>(step.name, {
        timeout: { seconds: callback.timeoutSeconds },
        heartbeatTimeout: callback.heartbeatSeconds === undefined ? undefined : { seconds: callback.heartbeatSeconds },
      });
      await context.step(`${step.name} submit`, async () => { await callback.submit(callbackId, event); return true; },
        { retryStrategy: () => ({ shouldRetry: false }) });
      return parseAnswer(await answer);
    }
    const retryable = new Set([...DURABLE_SAGA_TRANSIENT_ERRORS, ...step.retry?.retryErrors ?? []]);
    return context.step(step.name, () => step.action!(event), {
      retryStrategy: backoff(step.retry ?? {}, { maxAttempts: 3, intervalSeconds: 1, backoffRate: 2, maxDelaySeconds: 30, jitter: true },
        (error) => retryable.has(error.name)),
    });
  }

  /** Every branch runs to its end (each catches its own failure), then the group decides, as the state machine's Parallel state. */
  private async runGroup(group: DurableSagaStep, index: number): Promise<void> {
    const branches = group.parallel!;
    const batch = await this.context.parallel<BranchOutcome>(group.name, branches.map((branch) => ({
      name: branch.name,
      func: async (child: DurableContext): Promise<BranchOutcome> => {
        try {
          return { ok: true, result: await this.runAction(child, branch) };
        } catch (error) {
          const caught = caughtOf(error);
          return {
            ok: false,
            failure: {
              step: branch.name, group: group.name, originalError: caught.Error, caught, error: `${branch.name} failed: ${caught.Error}`,
              cause: `branch ${branch.name} of ${group.name} failed: ${JSON.stringify(caught)}`,
            },
          };
        }
      },
    })));
    const outcomes = batch.all.map((item) => item.result as BranchOutcome);
    outcomes.forEach((outcome, i) => { if (outcome.ok) this.results[branches[i].name] = outcome.result; });
    const failed = outcomes.filter((o) => !o.ok).map((o) => o.failure!);
    if (failed.length === 0) return;
    const planned = compensationOrder(this.options.steps.slice(0, index + 1), group);
    const failure: DurableSagaFailure = {
      step: group.name, failedBranches: failed.map((f) => f.step), originalError: failed[0].originalError, caught: failed[0].caught,
      branchFailures: failed, error: `${group.name} failed: ${failed[0].error}`,
      cause: `step ${group.name} failed: ${failed.length} of ${branches.length} branches failed, the first: ${failed[0].cause}. `
        + `${planned.length ? `Compensated in reverse order: ${planned.join(', ')}` : 'Nothing to compensate'}.`,
    };
    const ownFailures = branches.filter((b) => b.compensatesOwnFailure && failed.some((f) => f.step === b.name)).map((b) => b.name);
    await this.rollback(failure, index, ownFailures);
  }

  /** Runs the compensations of what completed (and of own failures), latest first; throws the saga's end. */
  private async rollback(failure: DurableSagaFailure, failedAt: number, ownFailures: string[]): Promise<never> {
    const steps = this.options.steps;
    for (let i = failedAt; i >= 0; i--) {
      const members = steps[i].parallel ? [...steps[i].parallel!].reverse() : [steps[i]];
      for (const member of members) {
        const completed = member.name in this.results || ownFailures.includes(member.name);
        if (!member.compensation || !completed) continue;
        try {
          await this.context.step(`Compensate ${member.name}`, () => member.compensation!({ ...this.event(member.name, true), failure }), {
            retryStrategy: backoff(this.options.compensationRetry ?? {},
              { maxAttempts: 5, intervalSeconds: 2, backoffRate: 2, maxDelaySeconds: 60, jitter: true }, () => true),
          });
        } catch (error) {
          const order = compensationOrder(steps.slice(0, i + 1), steps[i].parallel ? steps[i] : undefined);
          const at = order.findIndex((n) => n === member.name || n === `${member.name} (if completed)`);
          const notCompensated = [member.name, ...order.slice(at + 1)];
          await this.context.step('RecordCompensationFailure', async () => { this.putMetric(); return true; });
          throw new DurableSagaError('SagaCompensationFailed', `compensation of step ${member.name} failed after retries: `
            + `${JSON.stringify(caughtOf(error))}. Original failure: ${failure.error}. Not compensated: ${notCompensated.join(', ')}.`);
        }
      }
    }
    throw new DurableSagaError(failure.error, failure.cause);
  }

  private putMetric(): void {
    const metric: CompensationFailedMetric = {
      namespace: DURABLE_SAGA_METRIC_NAMESPACE,
      name: DURABLE_SAGA_COMPENSATION_FAILED_METRIC,
      dimensions: { FunctionName: process.env.AWS_LAMBDA_FUNCTION_NAME ?? this.context.lambdaContext?.functionName ?? 'unknown' },
      value: 1,
    };
    if (this.options.putMetric) return this.options.putMetric(metric);
    // CloudWatch embedded metric format: the log line becomes the metric, no API call, no IAM.
    process.stdout.write(`${JSON.stringify({
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [{ Namespace: metric.namespace, Dimensions: [Object.keys(metric.dimensions)], Metrics: [{ Name: metric.name, Unit: 'Count' }] }],
      },
      ...metric.dimensions,
      [metric.name]: metric.value,
    })}\n`);
  }
}

/** A callback's answer arrives as the string the answering system sent: JSON when it parses. */
function parseAnswer(answer: unknown): unknown {
  if (typeof answer !== 'string') return answer;
  try {
    return JSON.parse(answer);
  } catch {
    return answer;
  }
}
