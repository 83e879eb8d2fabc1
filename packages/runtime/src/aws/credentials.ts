import { AwsApiError } from './errors';

/** AWS credentials as the signer takes them. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  /** When they stop working (container credentials); undefined for environment credentials. */
  readonly expiration?: Date;
}

type Env = Record<string, string | undefined>;

/** The host the ECS/Lambda container credentials endpoint listens on for a relative URI. */
const CONTAINER_HOST = 'http://169.254.170.2';
/** Plain-HTTP hosts the SDK accepts in a full URI: loopback and the container endpoints. */
const ALLOWED_HTTP_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '169.254.170.2', '169.254.170.23', '[fd00:ec2::23]']);

export interface CredentialProviderOptions {
  /** Refresh this long before `Expiration`, in ms. @default 300000 (5 minutes, as the SDK) */
  readonly refreshBeforeMs?: number;
  /** Timeout of one request to the credentials endpoint, in ms. @default 1000 */
  readonly timeoutMs?: number;
  /** Reads a file (the authorization token file); tests may pass their own. @default fs.readFileSync */
  readonly readFile?: (path: string) => string;
  /** The clock. @default Date.now */
  readonly now?: () => number;
}

/**
 * Credentials the way Lambda delivers them, in the SDK's order: the environment
 * (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), else the container
 * credentials endpoint (`AWS_CONTAINER_CREDENTIALS_FULL_URI` with `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`
 * or `AWS_CONTAINER_AUTHORIZATION_TOKEN`, or `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` against
 * 169.254.170.2), which SnapStart functions use. Endpoint credentials are cached and fetched again
 * `refreshBeforeMs` before they expire; concurrent callers share one fetch.
 *
 * @see https://docs.aws.amazon.com/sdkref/latest/guide/feature-container-credentials.html
 */
export class CredentialProvider {
  readonly #env: Env;
  readonly #refreshBeforeMs: number;
  readonly #timeoutMs: number;
  readonly #readFile: (path: string) => string;
  readonly #now: () => number;
  #cached?: AwsCredentials;
  #inFlight?: Promise<AwsCredentials>;

  constructor(options: CredentialProviderOptions = {}, env: Env = process.env) {
    this.#env = env;
    this.#refreshBeforeMs = options.refreshBeforeMs ?? 300_000;
    this.#timeoutMs = options.timeoutMs ?? 1000;
    this.#readFile = options.readFile ?? ((path) => (process.getBuiltinModule('node:fs') as typeof import('node:fs')).readFileSync(path, 'utf8'));
    this.#now = options.now ?? Date.now;
  }

  /**
   * The credentials at hand without a fetch: the environment's, or cached ones outside their
   * refresh window; undefined when {@link get} has to ask the endpoint. Lets a caller sign without
   * awaiting (and without arming a deadline timer) on the common path.
   */
  public current(): AwsCredentials | undefined {
    const env = this.#env;
    if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
      return { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN || undefined };
    }
    const cached = this.#cached;
    if (cached && (!cached.expiration || cached.expiration.getTime() - this.#refreshBeforeMs > this.#now())) return cached;
    return undefined;
  }

  /** Current credentials; `timeoutMs` caps a fetch from the endpoint (the caller's deadline). */
  public async get(timeoutMs = this.#timeoutMs): Promise<AwsCredentials> {
    const current = this.current();
    if (current) return current;
    const cached = this.#cached;
    this.#inFlight ??= this.#fetch(Math.min(timeoutMs, this.#timeoutMs)).finally(() => { this.#inFlight = undefined; });
    try {
      return await this.#inFlight;
    } catch (error) {
      // Still valid (inside the refresh window): keep working with them; the next call tries again.
      if (cached?.expiration && cached.expiration.getTime() > this.#now()) return cached;
      throw error;
    }
  }

  async #fetch(timeoutMs: number): Promise<AwsCredentials> {
    const env = this.#env;
    const url = containerUrl(env);
    const headers: Record<string, string> = {};
    const token = env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE
      ? this.#readFile(env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE).trim()
      : env.AWS_CONTAINER_AUTHORIZATION_TOKEN;
    if (token) {
      if (/[\r\n]/.test(token)) throw credentialsError('the container authorization token contains a line break');
      headers.Authorization = token;
    }
    const { statusCode, body } = await getJson(url, headers, timeoutMs);
    if (statusCode !== 200) throw credentialsError(`the container credentials endpoint ${url.origin} answered HTTP ${statusCode}: ${body.slice(0, 200)}`);
    let parsed: { AccessKeyId?: string; SecretAccessKey?: string; Token?: string; Expiration?: string };
    try {
      parsed = JSON.parse(body);
    } catch {
      throw credentialsError(`the container credentials endpoint ${url.origin} answered a body that is not JSON`);
    }
    if (!parsed.AccessKeyId || !parsed.SecretAccessKey) {
      throw credentialsError(`the container credentials endpoint ${url.origin} answered without AccessKeyId/SecretAccessKey`);
    }
    const expiration = parsed.Expiration ? new Date(parsed.Expiration) : undefined;
    this.#cached = {
      accessKeyId: parsed.AccessKeyId,
      secretAccessKey: parsed.SecretAccessKey,
      sessionToken: parsed.Token,
      expiration: expiration && !Number.isNaN(expiration.getTime()) ? expiration : undefined,
    };
    return this.#cached;
  }
}

function credentialsError(message: string): AwsApiError {
  return new AwsApiError('CredentialsProviderError', 0, message);
}

/** The endpoint the variables name; a full URI over plain HTTP must be a loopback or container host. */
function containerUrl(env: Env): URL {
  if (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI) return new URL(env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, CONTAINER_HOST);
  const full = env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
  if (!full) {
    throw new AwsApiError('CredentialsNotFound', 0, 'no AWS credentials: neither AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY nor '
      + 'AWS_CONTAINER_CREDENTIALS_FULL_URI/AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is set (Lambda sets one of them)');
  }
  const url = new URL(full);
  if (url.protocol !== 'https:' && !ALLOWED_HTTP_HOSTS.has(url.hostname)) {
    throw credentialsError(`AWS_CONTAINER_CREDENTIALS_FULL_URI must be https or a loopback/container host (given ${url.host})`);
  }
  return url;
}

/** One GET with a timeout over the whole exchange. */
function getJson(url: URL, headers: Record<string, string>, timeoutMs: number): Promise<{ statusCode: number; body: string }> {
  const mod = process.getBuiltinModule(url.protocol === 'https:' ? 'node:https' : 'node:http') as typeof import('node:http');
  return new Promise((resolve, reject) => {
    const req = mod.get(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    const timer = setTimeout(() => req.destroy(credentialsError(`the container credentials endpoint ${url.origin} did not answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('close', () => clearTimeout(timer));
    req.on('error', (err: NodeJS.ErrnoException) => reject(err instanceof AwsApiError ? err : credentialsError(`the container credentials endpoint ${url.origin} failed: ${err.message}`)));
  });
}

/** The credentials of this execution environment, shared by every client. */
export const defaultCredentialProvider = new CredentialProvider();
