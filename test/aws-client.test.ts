import { mkdtempSync, writeFileSync } from 'fs';
import { createServer, Server, Socket } from 'net';
import { AddressInfo } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { AwsApiError, AwsTimeoutError, SignedHttpClient } from '../packages/runtime/src/aws/signed-http';
import { CredentialProvider } from '../packages/runtime/src/aws/credentials';
import { RetryPolicy, retryKind } from '../packages/runtime/src/aws/retry';
import { DynamoDBHttpClient } from '../packages/runtime/src/aws/dynamodb';
import { runInvocation } from '../packages/runtime/src/invocation';
import { lambdaContext } from './support/lambda';
import { startContainerCredentials } from './support/container-credentials';
import { startFaultProxy } from './support/fault-proxy';
import { withRuntimeLogs } from './support/runtime-logs';
import { scriptedEndpoint } from './support/scripted-endpoint';

const saved = { ...process.env };
beforeEach(() => {
  Object.assign(process.env, { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AKIDENV', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'env-token' });
  for (const name of Object.keys(process.env)) {
    if (/^(AWS_ENDPOINT_URL|AWS_CONTAINER_|AWS_MAX_ATTEMPTS|_X_AMZN_TRACE_ID)/.test(name)) delete process.env[name];
  }
});
afterAll(() => { process.env = saved; });

/** A context whose remaining time counts down from `budgetMs`. */
function contextWithBudget(budgetMs: number) {
  const end = Date.now() + budgetMs;
  return { ...lambdaContext(), getRemainingTimeInMillis: () => Math.max(0, end - Date.now()) };
}

/** A TCP server that accepts connections and never says a word (no HTTP, no TLS). */
async function silentTcpServer() {
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => { sockets.push(socket); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    stop: () => new Promise<void>((resolve) => { sockets.forEach((s) => s.destroy()); server.close(() => resolve()); }),
  };
}

const getItem = { TableName: 't', Key: { id: { S: 'k' } } };
const fast = { baseDelayMs: 1, throttlingBaseDelayMs: 1 };

describe('timeouts and the deadline', () => {
  let proxy: Awaited<ReturnType<typeof startFaultProxy>>;
  beforeAll(async () => { proxy = await startFaultProxy('http://127.0.0.1:9'); });
  beforeEach(() => proxy.inject({ mode: 'blackhole', count: 99 }));
  afterAll(() => proxy.stop());

  test('an endpoint that never answers: a response timeout per attempt, retried, then a clear error', async () => {
    const client = new DynamoDBHttpClient({ endpoint: proxy.endpoint, responseTimeoutMs: 100, maxAttempts: 2, retry: fast });
    const started = Date.now();
    const error = await client.call('GetItem', getItem).catch((e: AwsTimeoutError) => e);
    expect(error).toBeInstanceOf(AwsTimeoutError);
    expect(error).toMatchObject({ name: 'AwsTimeoutError', code: 'TimeoutError', service: 'dynamodb', operation: 'GetItem', phase: 'response', afterMs: 100, attempts: 2 });
    expect((error as Error).message).toBe('dynamodb GetItem timed out after 100 ms: no response within the response timeout (gave up after 2 attempts)');
    expect(proxy.seen).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test('a TLS endpoint that accepts TCP but never completes the handshake: the connect timeout', async () => {
    const silent = await silentTcpServer();
    try {
      const client = new SignedHttpClient('lambda', { endpoint: `https://127.0.0.1:${silent.port}`, connectTimeoutMs: 80, maxAttempts: 1 });
      const error = await client.send({ method: 'POST', path: '/2015-03-31/functions/f/invocations', operation: 'Invoke', body: '{}' }).catch((e: AwsTimeoutError) => e);
      expect(error).toMatchObject({ phase: 'connect', afterMs: 80 });
      expect((error as Error).message).toBe('lambda Invoke timed out after 80 ms: no connection within the connect timeout (gave up after 1 attempt)');
    } finally {
      await silent.stop();
    }
  });

  test("inside an invocation the call gives up before the function's deadline, leaving a reserve", async () => {
    const client = new DynamoDBHttpClient({ endpoint: proxy.endpoint, responseTimeoutMs: 10_000 });
    const started = Date.now();
    // 1 s left: the reserve is the lesser of 500 ms and a tenth of it, so the call ends at ~900 ms.
    const error = await runInvocation(contextWithBudget(1000), () => client.call('GetItem', getItem)).catch((e: AwsTimeoutError) => e);
    const elapsed = Date.now() - started;
    expect(error).toMatchObject({ name: 'AwsTimeoutError', code: 'DeadlineExceeded', phase: 'deadline', attempts: 1 });
    expect((error as Error).message).toMatch(/^dynamodb GetItem timed out after (8[5-9]\d|9\d\d) ms: the call's deadline passed$/);
    expect(elapsed).toBeGreaterThanOrEqual(880);
    expect(elapsed).toBeLessThan(1000);
    expect(proxy.seen).toHaveLength(1);
  });

  test('no time left in the invocation: fails at once, without a request', async () => {
    const api = await scriptedEndpoint([{ status: 200, body: {} }]);
    try {
      const client = new DynamoDBHttpClient({ endpoint: api.endpoint });
      await expect(runInvocation(contextWithBudget(0), () => client.call('GetItem', getItem)))
        .rejects.toThrow("dynamodb GetItem timed out after 0 ms: the call's deadline passed");
      expect(api.seen).toHaveLength(0);
    } finally {
      await api.stop();
    }
  });

  test('outside an invocation a fixed default deadline applies', async () => {
    const client = new DynamoDBHttpClient({ endpoint: proxy.endpoint, defaultDeadlineMs: 150 });
    await expect(client.call('GetItem', getItem)).rejects.toMatchObject({ phase: 'deadline' });
  });
});

describe('retries (the SDK standard mode)', () => {
  test('backoff: full jitter over base * 2^retry, 1 s base after throttling, capped at 20 s', () => {
    const policy = new RetryPolicy({ random: () => 0.5 });
    expect([0, 1, 2].map((i) => policy.backoff(i, 'transient'))).toEqual([25, 50, 100]);
    expect([0, 1, 2].map((i) => policy.backoff(i, 'throttling'))).toEqual([500, 1000, 2000]);
    expect(policy.backoff(30, 'throttling')).toBe(10_000);
    expect(new RetryPolicy({ random: () => 0 }).backoff(3, 'throttling')).toBe(0);
  });

  test('which errors are retried', () => {
    const api = (code: string, status: number) => new AwsApiError(code, status, 'm');
    expect(retryKind(api('ThrottlingException', 400))).toBe('throttling');
    expect(retryKind(api('ProvisionedThroughputExceededException', 400))).toBe('throttling');
    expect(retryKind(api('RequestLimitExceeded', 400))).toBe('throttling');
    expect(retryKind(api('TooManyRequestsException', 429))).toBe('throttling');
    expect(retryKind(api('Http429', 429))).toBe('throttling');
    expect(retryKind(api('InternalServerError', 500))).toBe('transient');
    expect(retryKind(api('ServiceUnavailable', 503))).toBe('transient');
    expect(retryKind(api('ECONNRESET', 0))).toBe('transient');
    expect(retryKind(new AwsTimeoutError('dynamodb', 'GetItem', 'response', 1))).toBe('transient');
    expect(retryKind(new AwsTimeoutError('dynamodb', 'GetItem', 'deadline', 1))).toBeUndefined();
    expect(retryKind(api('ConditionalCheckFailedException', 400))).toBeUndefined();
    expect(retryKind(api('ValidationException', 400))).toBeUndefined();
    expect(retryKind(api('AccessDeniedException', 400))).toBeUndefined();
    expect(retryKind(new Error('not an AWS error'))).toBeUndefined();
  });

  test('the retry quota: 500 tokens, 14 per retry (5 after throttling), given back on success', () => {
    const policy = new RetryPolicy();
    let retries = 0;
    while (policy.acquire('transient') !== undefined) retries++;
    expect(retries).toBe(35);
    expect(policy.quota).toBe(10);
    expect([policy.acquire('throttling'), policy.acquire('throttling'), policy.acquire('throttling')]).toEqual([5, 5, undefined]);
    policy.release(14);
    expect(policy.acquire('transient')).toBe(14);
    policy.release(0); // a first-attempt success gives back 1
    expect(policy.quota).toBe(1);
  });

  test('AWS_MAX_ATTEMPTS is honoured; a ConditionalCheckFailedException is never retried', async () => {
    process.env.AWS_MAX_ATTEMPTS = '5';
    const failing = { status: 503, body: { __type: 'ServiceUnavailable', message: 'try later' } };
    const api = await scriptedEndpoint([failing, failing, failing, failing, { status: 200, body: { ok: true } },
      { status: 400, body: { __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException', message: 'The conditional request failed' } }]);
    try {
      const client = new DynamoDBHttpClient({ endpoint: api.endpoint, retry: fast });
      await expect(client.call('GetItem', getItem)).resolves.toEqual({ ok: true });
      expect(api.seen).toHaveLength(5);
      await expect(client.call('PutItem', getItem)).rejects.toMatchObject({ code: 'ConditionalCheckFailedException', attempts: 1, message: 'The conditional request failed' });
      expect(api.seen).toHaveLength(6);
    } finally {
      await api.stop();
    }
  });

  test('a retry whose backoff would pass the deadline is not made', async () => {
    const throttled = { status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } };
    const api = await scriptedEndpoint(() => throttled);
    try {
      const client = new DynamoDBHttpClient({ endpoint: api.endpoint, retry: { throttlingBaseDelayMs: 5000, random: () => 0.99 } });
      const started = Date.now();
      const error = await runInvocation(contextWithBudget(1000), () => client.call('GetItem', getItem)).catch((e: AwsApiError) => e);
      expect(error).toMatchObject({ code: 'ThrottlingException', attempts: 1, message: 'Rate exceeded (dynamodb GetItem, gave up after 1 attempt)' });
      expect(api.seen).toHaveLength(1);
      expect(Date.now() - started).toBeLessThan(500);
    } finally {
      await api.stop();
    }
  });

  test('a reset connection is retried, and the retry is logged', async () => {
    const api = await scriptedEndpoint([{ status: 200, body: { Item: {} } }]);
    const proxy = await startFaultProxy(api.endpoint);
    proxy.inject({ mode: 'reset', count: 1 });
    try {
      const client = new DynamoDBHttpClient({ endpoint: proxy.endpoint, retry: { ...fast, random: () => 0 } });
      const { result, logs } = await withRuntimeLogs(() => client.call('GetItem', getItem));
      expect(result).toEqual({ Item: {} });
      expect(proxy.seen.map((s) => s.fault)).toEqual(['reset', undefined]);
      expect(logs).toEqual([expect.objectContaining({
        level: 'WARN', message: 'AWS call failed; retrying', awsService: 'dynamodb', operation: 'GetItem',
        attempt: 1, maxAttempts: 3, code: 'ECONNRESET', delayMs: 0,
      })]);
    } finally {
      await proxy.stop();
      await api.stop();
    }
  });
});

describe('credentials from the container credentials endpoint', () => {
  const served = { accessKeyId: 'AKIDCONTAINER', secretAccessKey: 'container-secret', token: 'container-session', expiresInMs: 3_600_000 };

  beforeEach(() => {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    delete process.env.AWS_SESSION_TOKEN;
  });

  test('AWS_CONTAINER_CREDENTIALS_FULL_URI + AWS_CONTAINER_AUTHORIZATION_TOKEN: requests are signed with them; concurrent first calls share one fetch', async () => {
    const creds = await startContainerCredentials('Bearer secret-token', served);
    const api = await scriptedEndpoint(() => ({ status: 200, body: {} }));
    creds.state.delayMs = 50;
    process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI = creds.url;
    process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN = 'Bearer secret-token';
    try {
      const client = new DynamoDBHttpClient({ endpoint: api.endpoint, credentials: new CredentialProvider() });
      await Promise.all(Array.from({ length: 5 }, () => client.call('GetItem', getItem)));
      await client.call('GetItem', getItem);
      expect(creds.state).toMatchObject({ fetches: 1, rejected: 0 });
      expect(api.seen).toHaveLength(6);
      for (const request of api.seen) {
        expect(request.headers['x-amz-security-token']).toBe('container-session');
        expect(request.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDCONTAINER\//);
      }
    } finally {
      await api.stop();
      await creds.stop();
    }
  });

  test('AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE is read at each fetch (the token rotates); a wrong token is a clear error', async () => {
    const creds = await startContainerCredentials('token-2', served);
    const file = join(mkdtempSync(join(tmpdir(), 'creds-')), 'token');
    writeFileSync(file, 'token-1\n');
    process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI = creds.url;
    process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE = file;
    process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN = 'token-2'; // the file wins, as in the SDK
    try {
      const provider = new CredentialProvider();
      await expect(provider.get()).rejects.toThrow(`the container credentials endpoint ${new URL(creds.url).origin} answered HTTP 403: {"message":"invalid authorization token"}`);
      writeFileSync(file, 'token-2\n');
      await expect(provider.get()).resolves.toMatchObject({ accessKeyId: 'AKIDCONTAINER', sessionToken: 'container-session' });
      expect(creds.state).toMatchObject({ fetches: 1, rejected: 1 });
    } finally {
      await creds.stop();
    }
  });

  test('cached until 5 minutes before Expiration, then fetched again; a failed refresh keeps the still-valid ones', async () => {
    const creds = await startContainerCredentials('t', { ...served, expiresInMs: 10 * 60_000 });
    process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI = creds.url;
    process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN = 't';
    let now = Date.now();
    try {
      const provider = new CredentialProvider({ now: () => now });
      await provider.get();
      now += 4 * 60_000;
      await provider.get();
      expect(creds.state.fetches).toBe(1);
      now += 2 * 60_000; // 4 minutes before Expiration: inside the refresh window
      creds.state.served = { ...served, accessKeyId: 'AKIDNEXT', expiresInMs: 60 * 60_000 };
      await expect(provider.get()).resolves.toMatchObject({ accessKeyId: 'AKIDNEXT' });
      expect(creds.state.fetches).toBe(2);
      now += 50 * 60_000; // 4 minutes before the new Expiration; the endpoint now refuses
      process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN = 'wrong';
      await expect(provider.get()).resolves.toMatchObject({ accessKeyId: 'AKIDNEXT' });
      now += 5 * 60_000; // expired: the failure surfaces
      await expect(provider.get()).rejects.toThrow('answered HTTP 403');
    } finally {
      await creds.stop();
    }
  });

  test('a plain-HTTP full URI must be a loopback or container host; a relative URI goes to 169.254.170.2', async () => {
    process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI = 'http://example.com/creds';
    await expect(new CredentialProvider().get()).rejects.toThrow('AWS_CONTAINER_CREDENTIALS_FULL_URI must be https or a loopback/container host (given example.com)');
    process.env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI = '/v2/credentials/abc';
    await expect(new CredentialProvider({ timeoutMs: 50 }).get()).rejects.toThrow(/^the container credentials endpoint http:\/\/169\.254\.170\.2 /);
  });
});

describe('clock skew', () => {
  /** An endpoint whose clock is `offsetMs` ahead; it rejects signatures more than 5 minutes off it. */
  function skewedEndpoint(offsetMs: number, rejection: (signed: Date, server: Date) => { status: number; body: unknown }) {
    return scriptedEndpoint((request) => {
      const server = new Date(Date.now() + offsetMs);
      const signed = new Date(String(request.headers['x-amz-date']).replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
      const headers = { date: server.toUTCString() };
      if (Math.abs(server.getTime() - signed.getTime()) > 5 * 60_000) return { ...rejection(signed, server), headers };
      return { status: 200, body: { ok: true }, headers };
    });
  }

  test('"Signature expired": signed again with the server clock, once, and the offset is kept', async () => {
    const api = await skewedEndpoint(3_600_000, (signed) => ({
      status: 400, body: { __type: 'InvalidSignatureException', message: `Signature expired: ${signed.toISOString()} is now earlier than ...` },
    }));
    try {
      const client = new DynamoDBHttpClient({ endpoint: api.endpoint });
      const { result, logs } = await withRuntimeLogs(() => client.call('GetItem', getItem));
      expect(result).toEqual({ ok: true });
      await client.call('GetItem', getItem);
      expect(api.seen).toHaveLength(3); // the second call is signed right the first time
      expect(logs).toEqual([expect.objectContaining({
        level: 'WARN', message: 'AWS call signed with a skewed clock; signing again with the server time', code: 'InvalidSignatureException',
      })]);
      expect(Math.abs((logs[0].clockOffsetMs as number) - 3_600_000)).toBeLessThan(2000);
    } finally {
      await api.stop();
    }
  });

  test('a 403 whose Date is far off is corrected too; a server that keeps refusing is not retried again', async () => {
    const api = await skewedEndpoint(-7_200_000, () => ({ status: 403, body: { __type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' } }));
    try {
      const client = new DynamoDBHttpClient({ endpoint: api.endpoint });
      await expect(withRuntimeLogs(() => client.call('GetItem', getItem))).resolves.toMatchObject({ result: { ok: true } });
      expect(api.seen).toHaveLength(2);
    } finally {
      await api.stop();
    }
    const refusing = await scriptedEndpoint(() => ({ status: 400, body: { __type: 'RequestTimeTooSkewed', message: 'too skewed' }, headers: { date: new Date(Date.now() + 3_600_000).toUTCString() } }));
    try {
      const client = new DynamoDBHttpClient({ endpoint: refusing.endpoint });
      const { result } = await withRuntimeLogs(() => client.call('GetItem', getItem).catch((e: AwsApiError) => e));
      expect(result).toMatchObject({ code: 'RequestTimeTooSkewed' });
      expect(refusing.seen).toHaveLength(2);
    } finally {
      await refusing.stop();
    }
  });
});

test('every request carries X-Amzn-Trace-Id from _X_AMZN_TRACE_ID', async () => {
  const api = await scriptedEndpoint(() => ({ status: 200, body: {} }));
  try {
    const client = new DynamoDBHttpClient({ endpoint: api.endpoint });
    process.env._X_AMZN_TRACE_ID = 'Root=1-00000000-000000000000000000000001;Parent=0000000000000001;Sampled=1;Lineage=a87bd80c:1';
    await client.call('GetItem', getItem);
    process.env._X_AMZN_TRACE_ID = 'Root=1-00000000-000000000000000000000002;Sampled=0';
    await client.call('PutItem', getItem);
    expect(api.seen.map((r) => r.headers['x-amzn-trace-id'])).toEqual([
      'Root=1-00000000-000000000000000000000001;Parent=0000000000000001;Sampled=1;Lineage=a87bd80c:1',
      'Root=1-00000000-000000000000000000000002;Sampled=0',
    ]);
  } finally {
    await api.stop();
  }
});
