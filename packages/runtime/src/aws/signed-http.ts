import type { RequestOptions } from 'node:http';
// The default import: aws4 is CommonJS (`aws4.sign = ...`), which every bundler and Node.js itself hand over as the default.
import aws4 from 'aws4';
import { currentInvocation } from '../invocation';
import { logger } from '../logger';
import { AwsCredentials, CredentialProvider, defaultCredentialProvider } from './credentials';
import { AwsApiError, AwsTimeoutError } from './errors';
import { isClockSkewError, RetryPolicy, RetryPolicyOptions, retryKind } from './retry';
import { AwsResponse, createTransport, exchange, Transport } from './transport';

/**
 * A small AWS API client for the runtime's few calls (DynamoDB for idempotency, Lambda Invoke for
 * the redrive, Step Functions task tokens), so a cold start does not pay the ~50 ms of loading an
 * SDK v3 client. It behaves like the SDK where it matters at 3 a.m.:
 * - SigV4 by `aws4` (synchronous, over node:crypto; the smallest and fastest to load of the
 *   maintained signers measured, see docs/runtime-aws-client.md);
 * - a connect timeout, a response timeout, and a deadline per call inside the invocation's
 *   remaining time (see {@link SignedHttpClientOptions.deadlineReserveMs}), so a hung dependency
 *   fails a record instead of timing out the batch;
 * - the SDK's standard retry mode (./retry.ts), never past the deadline;
 * - credentials from the environment, else the container credentials endpoint (./credentials.ts);
 * - clock-skew correction: a request rejected for its signing time is signed again with the
 *   server's clock, once;
 * - endpoints from `AWS_ENDPOINT_URL_<SERVICE ID>`, then `AWS_ENDPOINT_URL` (the SDK's variables);
 * - `X-Amzn-Trace-Id` from `_X_AMZN_TRACE_ID`, so X-Ray and Lambda's recursive-loop detection see the calls.
 * Also honoured: `AWS_REGION` (or `AWS_DEFAULT_REGION`), `AWS_USE_FIPS_ENDPOINT`, `AWS_MAX_ATTEMPTS`.
 */

export { AwsApiError, AwsTimeoutError } from './errors';
export type { TimeoutPhase } from './errors';
export type { AwsResponse } from './transport';

export interface AwsRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path and query, already URI-encoded (`/2015-03-31/functions/<encoded name>/invocations`). */
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** The API operation, for errors and logs. @default - from `X-Amz-Target`, else `<method> <path>` */
  readonly operation?: string;
}

/**
 * The SDK service id (`AWS_ENDPOINT_URL_<ID>`) and endpoint prefix of the signing names the
 * runtime uses; any other signing name is its own id, upper-cased.
 * @see https://docs.aws.amazon.com/sdkref/latest/guide/ss-endpoints-table.html
 */
const SERVICES: Record<string, { readonly id: string; readonly prefix: string }> = {
  dynamodb: { id: 'DYNAMODB', prefix: 'dynamodb' },
  lambda: { id: 'LAMBDA', prefix: 'lambda' },
  states: { id: 'SFN', prefix: 'states' },
};

/** The endpoint of `service` (its signing name) in `region`, honouring the SDK's endpoint variables. */
export function serviceEndpoint(service: string, region: string, env: Record<string, string | undefined> = process.env): URL {
  const known = SERVICES[service];
  const id = known?.id ?? service.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  const custom = env[`AWS_ENDPOINT_URL_${id}`] ?? env.AWS_ENDPOINT_URL;
  if (custom) return new URL(custom);
  const fips = env.AWS_USE_FIPS_ENDPOINT === 'true' ? '-fips' : '';
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return new URL(`https://${known?.prefix ?? service}${fips}.${region}.${suffix}`);
}

export interface SignedHttpClientOptions {
  /** @default - `AWS_REGION`, else `AWS_DEFAULT_REGION` */
  readonly region?: string;
  /** @default - see {@link serviceEndpoint} */
  readonly endpoint?: string;
  /** Attempts per request, first included. @default - `AWS_MAX_ATTEMPTS`, else 3 */
  readonly maxAttempts?: number;
  /** Backoff and jitter of the retries (`maxAttempts` above wins over `retry.maxAttempts`). @default - the SDK's standard mode */
  readonly retry?: RetryPolicyOptions;
  /** Time to open a connection (TLS included), in ms. @default 1000 */
  readonly connectTimeoutMs?: number;
  /** Time to the first byte of the answer, and between two of its chunks, in ms. @default 3000 */
  readonly responseTimeoutMs?: number;
  /**
   * Inside an invocation, each call gives up this long before the function would time out, so the
   * handler can still report the record as failed (return `batchItemFailures`, log, let Powertools
   * release its in-progress record): the lesser of this and a tenth of the remaining time.
   * @default 500
   */
  readonly deadlineReserveMs?: number;
  /** A call's deadline outside an invocation (tests, module scope), in ms. @default 10000 */
  readonly defaultDeadlineMs?: number;
  /** @default - the environment's, shared by every client */
  readonly credentials?: CredentialProvider;
}

/** The request options `send` puts on the wire. */
export type SignedRequestOptions = RequestOptions & { headers: Record<string, string> };

/** One AWS service's client; its own state is in `#` members (private at run time, shortened by the minifier). */
export class SignedHttpClient {
  public readonly service: string;
  public readonly region: string;
  public readonly endpoint: URL;
  readonly #retry: RetryPolicy;
  readonly #credentials: CredentialProvider;
  readonly #connectTimeoutMs: number;
  readonly #responseTimeoutMs: number;
  readonly #reserveMs: number;
  readonly #defaultDeadlineMs: number;
  /** Server clock minus local clock, learnt from a clock-skew answer. */
  #clockOffsetMs = 0;
  #transport?: Transport;

  constructor(service: string, options: SignedHttpClientOptions = {}) {
    this.service = service;
    const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (!region) throw new AwsApiError('RegionNotSet', 0, `AWS_REGION is not set: the ${service} client needs a region`);
    this.region = region;
    this.endpoint = options.endpoint ? new URL(options.endpoint) : serviceEndpoint(service, region);
    this.#retry = new RetryPolicy({ ...options.retry, ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}) });
    this.#credentials = options.credentials ?? defaultCredentialProvider;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 1000;
    this.#responseTimeoutMs = options.responseTimeoutMs ?? 3000;
    this.#reserveMs = options.deadlineReserveMs ?? 500;
    this.#defaultDeadlineMs = options.defaultDeadlineMs ?? 10_000;
  }

  /** Attempts per call, first included. */
  public get maxAttempts(): number {
    return this.#retry.maxAttempts;
  }

  /** The epoch ms by which a call starting `now` must have given up. */
  public deadline(now = Date.now()): number {
    const remaining = currentInvocation()?.context.getRemainingTimeInMillis();
    if (remaining === undefined) return now + this.#defaultDeadlineMs;
    return now + remaining - Math.min(this.#reserveMs, remaining / 10);
  }

  /**
   * Signs and sends one request; resolves with a 2xx answer, rejects with an AwsApiError (the
   * service's error, or an AwsTimeoutError) after the retries the standard mode allows.
   */
  public async send(request: AwsRequest): Promise<AwsResponse> {
    const started = Date.now();
    const deadline = this.deadline(started);
    const operation = operationOf(request);
    let skewCorrected = false;
    let spent = 0;
    for (let attempt = 1; ; attempt++) {
      let error: AwsApiError;
      try {
        if (Date.now() >= deadline) throw new AwsTimeoutError(this.service, operation, 'deadline', Date.now() - started);
        const response = await this.#attempt(request, operation, deadline, started);
        this.#retry.release(spent);
        return response;
      } catch (thrown) {
        if (!(thrown instanceof AwsApiError)) throw thrown;
        error = thrown;
      }
      error.attempts = attempt;
      if (!skewCorrected && error.serverTime !== undefined && isClockSkewError(error, Date.now() + this.#clockOffsetMs)) {
        skewCorrected = true;
        this.#clockOffsetMs = error.serverTime - Date.now();
        logger.warn('AWS call signed with a skewed clock; signing again with the server time', {
          awsService: this.service, operation, code: error.code, clockOffsetMs: this.#clockOffsetMs,
        });
        attempt--; // the correction is not one of the standard mode's attempts
        continue;
      }
      const kind = retryKind(error);
      const delay = kind ? this.#retry.backoff(attempt - 1, kind) : 0;
      const cost = kind && attempt < this.#retry.maxAttempts && Date.now() + delay < deadline ? this.#retry.acquire(kind) : undefined;
      if (cost === undefined) throw giveUp(error, this.service, operation, attempt, kind !== undefined);
      spent += cost;
      logger.warn('AWS call failed; retrying', {
        awsService: this.service, operation, attempt, maxAttempts: this.#retry.maxAttempts, code: error.code, error: error.message, delayMs: delay,
      });
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  /** The signed request options, without sending them (what `send` puts on the wire). */
  public async signedOptions(request: AwsRequest, date?: Date): Promise<SignedRequestOptions> {
    return this.#sign(request, this.#credentials.current() ?? await this.#credentials.get(), date);
  }

  /**
   * SigV4 headers (lower-case `x-amz-date`, `x-amz-security-token`, `authorization`) over the
   * request; `X-Amzn-Trace-Id` is sent but not signed (aws4 leaves it out, as the SDK does).
   */
  #sign(request: AwsRequest, credentials: AwsCredentials, date = new Date(Date.now() + this.#clockOffsetMs)): SignedRequestOptions {
    const { endpoint } = this;
    const headers: Record<string, string> = { host: endpoint.host, ...request.headers };
    if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
    // Set here, so aws4 signs with this date (the server's clock after a skew answer) instead of its
    // own clock, and adds no second date or token header.
    headers['x-amz-date'] = date.toISOString().replace(/[:-]|\.\d{3}/g, '');
    if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;
    const traceId = process.env._X_AMZN_TRACE_ID;
    if (traceId && !Object.keys(headers).some((name) => name.toLowerCase() === 'x-amzn-trace-id')) headers['X-Amzn-Trace-Id'] = traceId;
    const { Authorization, ...signed } = aws4.sign({
      service: this.service, region: this.region, method: request.method, host: endpoint.host,
      path: request.path, headers, body: request.body,
    }, credentials).headers as Record<string, string>;
    return {
      method: request.method,
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      port: endpoint.port ? Number(endpoint.port) : undefined,
      path: request.path,
      headers: { ...signed, authorization: Authorization },
    };
  }

  async #attempt(request: AwsRequest, operation: string, deadline: number, started: number): Promise<AwsResponse> {
    const credentials = this.#credentials.current() ?? await this.#credentialsWithin(operation, deadline, started);
    const options = this.#sign(request, credentials);
    this.#transport ??= createTransport(this.endpoint.protocol);
    const response = await exchange(this.#transport, options, request.body, {
      service: this.service, operation, connectTimeoutMs: this.#connectTimeoutMs,
      responseTimeoutMs: this.#responseTimeoutMs, deadline, callStarted: started,
    });
    if (response.statusCode >= 200 && response.statusCode < 300) return response;
    throw errorFrom(response);
  }

  /** Credentials from the container endpoint, with the fetch bounded by the call's deadline too. */
  async #credentialsWithin(operation: string, deadline: number, started: number): Promise<AwsCredentials> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new AwsTimeoutError(this.service, operation, 'deadline', Date.now() - started, ' (fetching credentials)')),
        Math.max(0, deadline - Date.now()));
    });
    try {
      return await Promise.race([this.#credentials.get(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** `DynamoDB_20120810.PutItem` -> `PutItem`. */
function operationOf(request: AwsRequest): string {
  if (request.operation) return request.operation;
  const target = Object.entries(request.headers ?? {}).find(([name]) => name.toLowerCase() === 'x-amz-target')?.[1];
  return target ? target.split('.').pop()! : `${request.method} ${request.path.split('?')[0]}`;
}

/** The error a call ends with: says how many attempts it took, when a retryable error ran out of them. */
function giveUp(error: AwsApiError, service: string, operation: string, attempts: number, retryable: boolean): AwsApiError {
  if (!retryable || (error instanceof AwsTimeoutError && error.phase === 'deadline')) return error;
  const where = error.message.startsWith(`${service} ${operation} `) ? '' : `${service} ${operation}, `;
  error.message += ` (${where}gave up after ${attempts} attempt${attempts === 1 ? '' : 's'})`;
  return error;
}

/** An AwsApiError from an error response: JSON `__type`/`code` or the `x-amzn-errortype` header. */
function errorFrom({ statusCode, headers, body: text }: AwsResponse): AwsApiError {
  let body: Record<string, unknown> | undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  const header = headers['x-amzn-errortype'];
  const raw = String(body?.__type ?? body?.code ?? (Array.isArray(header) ? header[0] : header) ?? `Http${statusCode}`);
  // `com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException`, `ResourceNotFoundException:http://...`
  const code = raw.split('#').pop()!.split(':')[0];
  const message = String(body?.message ?? body?.Message ?? (text || `HTTP ${statusCode}`));
  const date = headers.date ? Date.parse(headers.date) : NaN;
  return new AwsApiError(code, statusCode, message, body, Number.isNaN(date) ? undefined : date);
}
