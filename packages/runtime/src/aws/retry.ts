import { AwsApiError, AwsTimeoutError } from './errors';

/**
 * The AWS SDKs' standard retry mode, for the few calls the runtime makes:
 * - at most `AWS_MAX_ATTEMPTS` attempts (default 3), first included;
 * - retried: throttling error codes (and HTTP 429), 5xx, transient codes, and transport failures
 *   (reset, refused, timed out); never a 4xx that cannot succeed (ConditionalCheckFailedException,
 *   ValidationException, ResourceNotFoundException, ...), never a call past its deadline;
 * - the delay before retry i (0-based) is `random() * min(20 s, base * 2^i)` (exponential backoff
 *   with full jitter), with base 50 ms, or 1 s after a throttling error;
 * - a retry quota per client (500 tokens; a retry costs 14, or 5 after throttling; a success gives
 *   back what its retries cost, or 1), so a failing dependency is not hammered by every record.
 *
 * The error codes and constants are those of the AWS SDK for JavaScript v3 in this repository's
 * lockfile (`@smithy/core` retry: StandardRetryStrategy, DefaultRetryBackoffStrategy, constants).
 *
 * @see https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
 * @see https://aws.amazon.com/builders-library/timeouts-retries-and-backoff-with-jitter/
 */

const THROTTLING_CODES = new Set([
  'BandwidthLimitExceeded', 'EC2ThrottledException', 'LimitExceededException', 'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException', 'RequestLimitExceeded', 'RequestThrottled', 'RequestThrottledException',
  'SlowDown', 'ThrottledException', 'Throttling', 'ThrottlingException', 'TooManyRequestsException',
  'TransactionInProgressException',
]);
const TRANSIENT_CODES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
/** Node.js transport errors: the request may not have reached the service, or its answer was lost. */
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

export type RetryKind = 'throttling' | 'transient';

/** Why `error` may succeed on another attempt, or undefined when it cannot. */
export function retryKind(error: unknown): RetryKind | undefined {
  if (!(error instanceof AwsApiError)) return undefined;
  if (error instanceof AwsTimeoutError) return error.phase === 'deadline' ? undefined : 'transient';
  if (THROTTLING_CODES.has(error.code) || error.statusCode === 429) return 'throttling';
  if (error.statusCode >= 500 || TRANSIENT_CODES.has(error.code)) return 'transient';
  if (error.statusCode === 0 && NETWORK_CODES.has(error.code)) return 'transient';
  return undefined;
}

/** How long a signature may be off the server's clock before AWS rejects it (5 minutes). */
const MAX_SKEW_MS = 5 * 60_000;
const SKEW_CODES = new Set(['RequestTimeTooSkewed', 'RequestExpired', 'RequestInTheFuture']);

/**
 * True when `error` says the request was signed with a wrong clock: `RequestTimeTooSkewed` and
 * the like, `InvalidSignatureException` with "Signature expired", or a 403 whose `Date` header is
 * more than 5 minutes from `now`. The SDK then corrects its signing time by the server's `Date`.
 */
export function isClockSkewError(error: AwsApiError, now: number): boolean {
  if (SKEW_CODES.has(error.code)) return true;
  if (error.code === 'InvalidSignatureException' && /signature expired/i.test(error.message)) return true;
  return error.statusCode === 403 && error.serverTime !== undefined && Math.abs(error.serverTime - now) > MAX_SKEW_MS;
}

export interface RetryPolicyOptions {
  /** Attempts per call, first included. @default - `AWS_MAX_ATTEMPTS`, else 3 */
  readonly maxAttempts?: number;
  /** Backoff base after a transient error, in ms. @default 50 */
  readonly baseDelayMs?: number;
  /** Backoff base after a throttling error, in ms. @default 1000 */
  readonly throttlingBaseDelayMs?: number;
  /** Cap of one backoff delay, in ms. @default 20000 */
  readonly maxDelayMs?: number;
  /** A number in [0, 1) (the jitter); tests pass a fixed one. @default Math.random */
  readonly random?: () => number;
}

const QUOTA = 500;
const RETRY_COST = 14;
const THROTTLING_RETRY_COST = 5;

/** The retry decisions of one client (its quota is shared by the client's calls). */
export class RetryPolicy {
  public readonly maxAttempts: number;
  readonly #base: number;
  readonly #throttlingBase: number;
  readonly #maxDelay: number;
  readonly #random: () => number;
  #quota = QUOTA;

  constructor(options: RetryPolicyOptions = {}, env: Record<string, string | undefined> = process.env) {
    const attempts = options.maxAttempts ?? Number(env.AWS_MAX_ATTEMPTS ?? 3);
    this.maxAttempts = Number.isInteger(attempts) && attempts >= 1 ? attempts : 3;
    this.#base = options.baseDelayMs ?? 50;
    this.#throttlingBase = options.throttlingBaseDelayMs ?? 1000;
    this.#maxDelay = options.maxDelayMs ?? 20_000;
    this.#random = options.random ?? Math.random;
  }

  /** The delay before retry number `retry` (0 for the first retry) after an error of `kind`. */
  public backoff(retry: number, kind: RetryKind): number {
    const base = kind === 'throttling' ? this.#throttlingBase : this.#base;
    return Math.floor(this.#random() * Math.min(this.#maxDelay, base * 2 ** retry));
  }

  /** Takes the quota a retry costs and returns it; undefined when the quota is spent (the call gives up). */
  public acquire(kind: RetryKind): number | undefined {
    const cost = kind === 'throttling' ? THROTTLING_RETRY_COST : RETRY_COST;
    if (this.#quota < cost) return undefined;
    this.#quota -= cost;
    return cost;
  }

  /** A call succeeded: gives back what its retries cost, or 1 token for a first-attempt success. */
  public release(spent: number): void {
    this.#quota = Math.min(QUOTA, this.#quota + (spent > 0 ? spent : 1));
  }

  /** Tokens left (for tests and logs). */
  public get quota(): number {
    return this.#quota;
  }
}
