import { createHash, createHmac } from 'crypto';
import { createServer, Server } from 'http';
import { AddressInfo } from 'net';
import { SignatureV4 } from '@smithy/signature-v4';
import { AwsApiError, SignedHttpClient, serviceEndpoint } from '../packages/runtime/src/aws/signed-http';
import { DynamoDBHttpPersistenceLayer } from '../packages/runtime/src/idempotency/dynamodb-http-persistence-layer';
import { DynamoDBHttpClient } from '../packages/runtime/src/aws/dynamodb';

/** SHA-256 / HMAC-SHA256 in the shape @smithy/signature-v4 takes (what the AWS SDK plugs in). */
class NodeSha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret ? createHmac('sha256', bytes(secret)) : createHash('sha256');
  }
  update(data: string | ArrayBuffer | ArrayBufferView) { this.hash.update(bytes(data)); }
  async digest() { return new Uint8Array(this.hash.digest()); }
}

function bytes(data: string | ArrayBuffer | ArrayBufferView): string | Buffer {
  if (typeof data === 'string') return data;
  return ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data);
}

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session-token' };
const saved = { ...process.env };
beforeEach(() => {
  Object.assign(process.env, {
    AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, AWS_SESSION_TOKEN: credentials.sessionToken,
  });
  delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
  delete process.env.AWS_ENDPOINT_URL_LAMBDA;
  delete process.env.AWS_ENDPOINT_URL;
});
afterAll(() => { process.env = saved; });

describe('SigV4 signing (aws4) matches the AWS SDK signer', () => {
  const date = new Date('2026-12-01T10:20:30Z');

  async function sdkAuthorization(service: string, options: ReturnType<SignedHttpClient['signedOptions']>, body: string) {
    const headers = Object.fromEntries(Object.entries(options.headers).filter(([k]) => k.toLowerCase() !== 'authorization').map(([k, v]) => [k, String(v)]));
    const signer = new SignatureV4({ service, region: 'eu-west-1', credentials, sha256: NodeSha256, applyChecksum: false });
    const [path, query] = String(options.path).split('?');
    const signed = await signer.sign({
      method: String(options.method), protocol: 'https:', hostname: String(options.hostname), path, // encoded, as the SDK's serializers build it
      query: query ? Object.fromEntries(new URLSearchParams(query)) : {}, headers, body,
    }, { signingDate: date });
    return signed.headers.authorization;
  }

  test('a DynamoDB JSON request', async () => {
    const client = new SignedHttpClient('dynamodb');
    const body = JSON.stringify({ TableName: 't', Key: { id: { S: 'fn#abc' } }, ConsistentRead: true });
    const options = client.signedOptions({
      method: 'POST', path: '/', body,
      headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'DynamoDB_20120810.GetItem' },
    }, date);
    expect(options.hostname).toBe('dynamodb.eu-west-1.amazonaws.com');
    expect(options.headers['X-Amz-Security-Token']).toBe('session-token');
    expect(options.headers.Authorization).toBe(await sdkAuthorization('dynamodb', options, body));
  });

  test('a Lambda Invoke with a qualified ARN in the path (URI-encoded once on the wire, twice in the signature)', async () => {
    const client = new SignedHttpClient('lambda');
    const name = 'arn:aws:lambda:eu-west-1:123456789012:function:orders:$LATEST';
    const options = client.signedOptions({
      method: 'POST', path: `/2015-03-31/functions/${encodeURIComponent(name)}/invocations`, body: '{"a":1}',
      headers: { 'Content-Type': 'application/octet-stream', 'X-Amz-Invocation-Type': 'Event' },
    }, date);
    expect(options.path).toBe('/2015-03-31/functions/arn%3Aaws%3Alambda%3Aeu-west-1%3A123456789012%3Afunction%3Aorders%3A%24LATEST/invocations');
    expect(options.headers.Authorization).toBe(await sdkAuthorization('lambda', options, '{"a":1}'));
  });
});

describe('endpoints', () => {
  test('regional, FIFO-free defaults, China partition, FIPS and the SDK endpoint variables', () => {
    expect(serviceEndpoint('dynamodb', 'us-east-1', {}).href).toBe('https://dynamodb.us-east-1.amazonaws.com/');
    expect(serviceEndpoint('lambda', 'cn-north-1', {}).href).toBe('https://lambda.cn-north-1.amazonaws.com.cn/');
    expect(serviceEndpoint('dynamodb', 'us-east-1', { AWS_USE_FIPS_ENDPOINT: 'true' }).href).toBe('https://dynamodb-fips.us-east-1.amazonaws.com/');
    expect(serviceEndpoint('dynamodb', 'us-east-1', { AWS_ENDPOINT_URL: 'http://localhost:1', AWS_ENDPOINT_URL_DYNAMODB: 'http://localhost:2' }).href).toBe('http://localhost:2/');
    expect(serviceEndpoint('lambda', 'us-east-1', { AWS_ENDPOINT_URL: 'http://localhost:1', AWS_ENDPOINT_URL_DYNAMODB: 'http://localhost:2' }).href).toBe('http://localhost:1/');
  });

  test('no credentials in the environment: a clear error', () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    expect(() => new SignedHttpClient('dynamodb').signedOptions({ method: 'POST', path: '/' }))
      .toThrow('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set');
  });
});

/** A stand-in endpoint that answers each request with the next scripted response. */
async function scriptedEndpoint(responses: Array<{ status: number; body?: unknown; headers?: Record<string, string> }>) {
  const seen: Array<{ target?: string; body: string }> = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      seen.push({ target: req.headers['x-amz-target'] as string | undefined, body });
      const next = responses.shift() ?? { status: 500 };
      res.writeHead(next.status, { 'content-type': 'application/x-amz-json-1.0', ...next.headers });
      res.end(next.body === undefined ? '' : JSON.stringify(next.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, stop: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('retries and errors', () => {
  test('throttling and 5xx are retried (standard mode, 3 attempts); the error names the AWS exception', async () => {
    const throttled = { status: 400, body: { __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException', message: 'slow down' } };
    const api = await scriptedEndpoint([throttled, { status: 500, body: { __type: 'InternalServerError', message: 'oops' } }, { status: 200, body: { Item: { id: { S: 'x' } } } }]);
    try {
      const client = new DynamoDBHttpClient({ endpoint: api.endpoint, maxAttempts: 3 });
      await expect(client.call('GetItem', { TableName: 't', Key: {} })).resolves.toEqual({ Item: { id: { S: 'x' } } });
      expect(api.seen.map((s) => s.target)).toEqual(Array(3).fill('DynamoDB_20120810.GetItem'));
    } finally {
      await api.stop();
    }
  });

  test('a client error is not retried', async () => {
    const api = await scriptedEndpoint([{ status: 400, body: { __type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException', message: 'Requested resource not found' } }]);
    try {
      const client = new DynamoDBHttpClient({ endpoint: api.endpoint });
      const error = await client.call('GetItem', { TableName: 'missing', Key: {} }).catch((e: AwsApiError) => e);
      expect(error).toMatchObject({ name: 'ResourceNotFoundException', code: 'ResourceNotFoundException', statusCode: 400, message: 'Requested resource not found' });
      expect(api.seen).toHaveLength(1);
    } finally {
      await api.stop();
    }
  });

  test('ConditionalCheckFailed with the old item (DynamoDB returns it; dynalite does not): the layer hands it to Powertools', async () => {
    const old = { id: { S: 'fn#key' }, status: { S: 'COMPLETED' }, expiration: { N: String(Math.floor(Date.now() / 1000) + 60) }, data: { S: 'stored' } };
    const api = await scriptedEndpoint([{ status: 400, body: { __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException', message: 'The conditional request failed', Item: old } }]);
    try {
      const layer = new DynamoDBHttpPersistenceLayer({ tableName: 't', client: new DynamoDBHttpClient({ endpoint: api.endpoint }) });
      const error = await (layer as unknown as { _putRecord(r: unknown): Promise<void> })._putRecord({
        idempotencyKey: 'fn#key', expiryTimestamp: 1, getStatus: () => 'INPROGRESS',
      }).catch((e: Error & { existingRecord?: { responseData?: unknown; getStatus(): string } }) => e);
      expect(error).toMatchObject({ name: 'IdempotencyItemAlreadyExistsError' });
      expect(error && 'existingRecord' in error && error.existingRecord?.responseData).toBe('stored');
      expect(api.seen).toHaveLength(1);
    } finally {
      await api.stop();
    }
  });
});
