import type { Agent, IncomingMessage, RequestOptions } from 'node:http';
import { sign } from 'aws4';

/**
 * A small AWS API client: SigV4 signing by `aws4` (mhart/aws4, no dependencies, loads in about
 * a millisecond), one keep-alive agent per client, node:http or node:https loaded only for the
 * protocol the endpoint uses, and the retry behaviour of the AWS SDK's standard mode for the
 * errors that matter here (throttling, 5xx, dropped connections).
 *
 * It is what the bundled handlers use for their few calls (DynamoDB for idempotency, Lambda
 * Invoke for the redrive), so a cold start does not pay the ~50 ms of loading an SDK v3 client.
 *
 * Configuration comes from the variables Lambda sets, the way the SDK reads them:
 * `AWS_REGION` (or `AWS_DEFAULT_REGION`), `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` /
 * `AWS_SESSION_TOKEN`, `AWS_ENDPOINT_URL_<SERVICE>` then `AWS_ENDPOINT_URL` for a custom
 * endpoint, `AWS_USE_FIPS_ENDPOINT`, `AWS_MAX_ATTEMPTS` (default 3). Credentials are read from the
 * environment only (Lambda's execution role credentials are there); outside Lambda, with profiles
 * or SSO, use the SDK-based path instead (see the idempotency `persistenceLayer` option).
 */

/** An error response (or a transport failure) from an AWS API. */
export class AwsApiError extends Error {
  /** The AWS error code (`ConditionalCheckFailedException`, ...), or the Node.js error code. */
  public readonly code: string;
  /** HTTP status; 0 when no response arrived. */
  public readonly statusCode: number;
  /** The parsed error body, when it was JSON. */
  public readonly body?: Record<string, unknown>;

  constructor(code: string, statusCode: number, message: string, body?: Record<string, unknown>) {
    super(message);
    this.name = code;
    this.code = code;
    this.statusCode = statusCode;
    this.body = body;
  }
}

export interface AwsRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path and query, already URI-encoded (`/2015-03-31/functions/<encoded name>/invocations`). */
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export interface AwsResponse {
  readonly statusCode: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** Throttling error codes the SDK's standard retry mode retries (a subset that these APIs return). */
const THROTTLING = new Set([
  'ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded',
  'ProvisionedThroughputExceededException', 'RequestThrottled', 'RequestThrottledException',
  'TransactionInProgressException', 'LimitExceededException',
]);
const TRANSIENT_NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN']);

function isRetryable(err: AwsApiError): boolean {
  if (err.statusCode === 0) return TRANSIENT_NETWORK.has(err.code);
  return err.statusCode >= 500 || err.statusCode === 429 || THROTTLING.has(err.code);
}

/** The endpoint of `service` in `region`, honouring the SDK's endpoint variables. */
export function serviceEndpoint(service: string, region: string, env: Record<string, string | undefined> = process.env): URL {
  const custom = env[`AWS_ENDPOINT_URL_${service.toUpperCase()}`] ?? env.AWS_ENDPOINT_URL;
  if (custom) return new URL(custom);
  const fips = env.AWS_USE_FIPS_ENDPOINT === 'true' ? '-fips' : '';
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return new URL(`https://${service}${fips}.${region}.${suffix}`);
}

function credentialsFromEnv(env: Record<string, string | undefined> = process.env) {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new AwsApiError('CredentialsNotFound', 0, 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set: this client reads '
      + 'credentials from the environment, as Lambda provides them');
  }
  return { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN || undefined };
}

type Transport = { request: typeof import('node:http').request; agent: Agent };

export interface SignedHttpClientOptions {
  /** @default - `AWS_REGION`, else `AWS_DEFAULT_REGION` */
  readonly region?: string;
  /** @default - see {@link serviceEndpoint} */
  readonly endpoint?: string;
  /** Attempts per request, first included. @default - `AWS_MAX_ATTEMPTS`, else 3 */
  readonly maxAttempts?: number;
}

/** One AWS service's client; its own state is in `#` members (private at run time, shortened by the minifier). */
export class SignedHttpClient {
  public readonly service: string;
  public readonly region: string;
  public readonly endpoint: URL;
  readonly #maxAttempts: number;
  #transport?: Transport;

  constructor(service: string, options: SignedHttpClientOptions = {}) {
    this.service = service;
    const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (!region) throw new AwsApiError('RegionNotSet', 0, `AWS_REGION is not set: the ${service} client needs a region`);
    this.region = region;
    this.endpoint = options.endpoint ? new URL(options.endpoint) : serviceEndpoint(service, region);
    const attempts = options.maxAttempts ?? Number(process.env.AWS_MAX_ATTEMPTS ?? 3);
    this.#maxAttempts = Number.isInteger(attempts) && attempts >= 1 ? attempts : 3;
  }

  /** Signs and sends one request, retrying throttling, 5xx and dropped connections with backoff. */
  public async send(request: AwsRequest): Promise<AwsResponse> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#sendOnce(request);
      } catch (err) {
        const error = err as AwsApiError;
        if (!(error instanceof AwsApiError) || attempt >= this.#maxAttempts || !isRetryable(error)) throw error;
        // Full jitter on an exponential base of 100 ms, capped at 20 s (the SDK's standard mode).
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(20_000, 100 * 2 ** (attempt - 1))));
      }
    }
  }

  /** The signed request options, without sending them (what `send` puts on the wire). */
  public signedOptions(request: AwsRequest, date?: Date): RequestOptions & { headers: Record<string, string> } {
    const { endpoint } = this;
    const port = endpoint.port ? Number(endpoint.port) : undefined;
    const options = {
      service: this.service,
      region: this.region,
      method: request.method,
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      port,
      path: request.path,
      headers: { ...(request.headers ?? {}) } as Record<string, string>,
      body: request.body,
    };
    if (date) options.headers['X-Amz-Date'] = date.toISOString().replace(/[:-]|\.\d{3}/g, '');
    sign(options, credentialsFromEnv());
    delete (options as { body?: string }).body;
    return options;
  }

  async #sendOnce(request: AwsRequest): Promise<AwsResponse> {
    const options = this.signedOptions(request);
    const { request: send, agent } = this.#transportFor();
    return new Promise<AwsResponse>((resolve, reject) => {
      const req = send({ ...options, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (err: NodeJS.ErrnoException) => reject(new AwsApiError(err.code ?? 'ECONNRESET', 0, err.message)));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const statusCode = res.statusCode ?? 0;
          if (statusCode >= 200 && statusCode < 300) resolve({ statusCode, headers: res.headers, body });
          else reject(errorFrom(statusCode, res.headers, body));
        });
      });
      req.on('error', (err: NodeJS.ErrnoException) => reject(new AwsApiError(err.code ?? 'ECONNRESET', 0, `${this.service} request failed: ${err.message}`)));
      req.end(request.body);
    });
  }

  #transportFor(): Transport {
    if (!this.#transport) {
      // Only the module the endpoint needs (node:https with TLS costs several ms to load), through
      // process.getBuiltinModule (Node.js >= 20.16): it works in CommonJS and ES module bundles.
      const id = this.endpoint.protocol === 'https:' ? 'node:https' : 'node:http';
      const mod = process.getBuiltinModule(id) as typeof import('node:http');
      this.#transport = { request: mod.request, agent: new mod.Agent({ keepAlive: true, maxSockets: 50 }) };
    }
    return this.#transport;
  }
}

/** An AwsApiError from an error response: JSON `__type`/`code` or the `x-amzn-errortype` header. */
function errorFrom(statusCode: number, headers: IncomingMessage['headers'], text: string): AwsApiError {
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
  return new AwsApiError(code, statusCode, message, body);
}
