import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { AwsApiError, SignedHttpClient, serviceEndpoint } from '../packages/runtime/src/aws/signed-http';
import { DynamoDBHttpPersistenceLayer } from '../packages/runtime/src/idempotency/dynamodb-http-persistence-layer';
import { DynamoDBHttpClient } from '../packages/runtime/src/aws/dynamodb';
import { scriptedEndpoint } from './support/scripted-endpoint';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session-token' };
const saved = { ...process.env };
beforeEach(() => {
  Object.assign(process.env, {
    AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, AWS_SESSION_TOKEN: credentials.sessionToken,
  });
  for (const name of ['AWS_ENDPOINT_URL_DYNAMODB', 'AWS_ENDPOINT_URL_LAMBDA', 'AWS_ENDPOINT_URL_SFN', 'AWS_ENDPOINT_URL', '_X_AMZN_TRACE_ID']) delete process.env[name];
});
afterAll(() => { process.env = saved; });

type SourceData = string | ArrayBuffer | ArrayBufferView;

/** SHA-256 and HMAC-SHA256 from node:crypto, in the shape the smithy signer takes. */
class NodeSha256 {
  readonly #hash: ReturnType<typeof createHash> | ReturnType<typeof createHmac>;
  constructor(secret?: SourceData) {
    this.#hash = secret ? createHmac('sha256', bytes(secret)) : createHash('sha256');
  }
  update(data: SourceData): void {
    this.#hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.#hash.digest();
  }
}

function bytes(data: SourceData): string | Uint8Array {
  if (typeof data === 'string') return data;
  return ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
}

describe('SigV4 signing (aws4) matches an independent signer (@smithy/signature-v4, the AWS SDK\'s) and AWS\'s test suite', () => {
  const date = new Date('2026-12-01T10:20:30Z');

  /** The Authorization the AWS SDK's signer computes for the same request, headers and time. */
  async function smithyAuthorization(service: string, options: Awaited<ReturnType<SignedHttpClient['signedOptions']>>, body: string) {
    const signer = new SignatureV4({ service, region: 'eu-west-1', credentials, sha256: NodeSha256, applyChecksum: false });
    const headers = Object.fromEntries(Object.entries(options.headers)
      .filter(([k]) => !['authorization', 'x-amz-date', 'x-amz-security-token'].includes(k.toLowerCase())));
    const signed = await signer.sign({
      method: String(options.method), protocol: 'https:', hostname: String(options.hostname),
      path: String(options.path), query: {}, headers, body,
    }, { signingDate: date });
    return signed.headers.authorization;
  }

  test('AWS\'s SigV4 test suite, get-vanilla: the published signature', async () => {
    delete process.env.AWS_SESSION_TOKEN;
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' });
    const client = new SignedHttpClient('service', { region: 'us-east-1', endpoint: 'https://example.amazonaws.com' });
    const options = await client.signedOptions({ method: 'GET', path: '/' }, new Date('2015-08-30T12:36:00Z'));
    expect(options.headers.authorization).toBe('AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, '
      + 'SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31');
  });

  test('a DynamoDB JSON request', async () => {
    const client = new SignedHttpClient('dynamodb');
    const body = JSON.stringify({ TableName: 't', Key: { id: { S: 'fn#abc' } }, ConsistentRead: true });
    const options = await client.signedOptions({
      method: 'POST', path: '/', body,
      headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'DynamoDB_20120810.GetItem' },
    }, date);
    expect(options.hostname).toBe('dynamodb.eu-west-1.amazonaws.com');
    expect(options.headers['x-amz-security-token']).toBe('session-token');
    expect(options.headers['x-amz-date']).toBe('20261201T102030Z');
    expect(options.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20261201\/eu-west-1\/dynamodb\/aws4_request, /);
    expect(options.headers.authorization).toBe(await smithyAuthorization('dynamodb', options, body));
  });

  test('a Lambda Invoke with a qualified ARN in the path (URI-encoded once on the wire, twice in the signature)', async () => {
    const client = new SignedHttpClient('lambda');
    const name = 'arn:aws:lambda:eu-west-1:123456789012:function:orders:$LATEST';
    const options = await client.signedOptions({
      method: 'POST', path: `/2015-03-31/functions/${encodeURIComponent(name)}/invocations`, body: '{"a":1}',
      headers: { 'Content-Type': 'application/octet-stream', 'X-Amz-Invocation-Type': 'Event' },
    }, date);
    expect(options.path).toBe('/2015-03-31/functions/arn%3Aaws%3Alambda%3Aeu-west-1%3A123456789012%3Afunction%3Aorders%3A%24LATEST/invocations');
    expect(options.headers.authorization).toBe(await smithyAuthorization('lambda', options, '{"a":1}'));
  });

  test('X-Amzn-Trace-Id from _X_AMZN_TRACE_ID is sent, and left out of the signature (as the SDK does)', async () => {
    process.env._X_AMZN_TRACE_ID = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
    const options = await new SignedHttpClient('dynamodb').signedOptions({
      method: 'POST', path: '/', body: '{}', headers: { 'Content-Type': 'application/x-amz-json-1.0' },
    }, date);
    expect(options.headers['X-Amzn-Trace-Id']).toBe(process.env._X_AMZN_TRACE_ID);
    expect(options.headers.authorization).toContain('SignedHeaders=content-length;content-type;host;x-amz-date;x-amz-security-token,');
    expect(options.headers.authorization).toBe(await smithyAuthorization('dynamodb', options, '{}'));
  });
});

describe('endpoints', () => {
  test('regional defaults, China partition, FIPS and the SDK endpoint variables', () => {
    expect(serviceEndpoint('dynamodb', 'us-east-1', {}).href).toBe('https://dynamodb.us-east-1.amazonaws.com/');
    expect(serviceEndpoint('lambda', 'cn-north-1', {}).href).toBe('https://lambda.cn-north-1.amazonaws.com.cn/');
    expect(serviceEndpoint('dynamodb', 'us-east-1', { AWS_USE_FIPS_ENDPOINT: 'true' }).href).toBe('https://dynamodb-fips.us-east-1.amazonaws.com/');
    expect(serviceEndpoint('dynamodb', 'us-east-1', { AWS_ENDPOINT_URL: 'http://localhost:1', AWS_ENDPOINT_URL_DYNAMODB: 'http://localhost:2' }).href).toBe('http://localhost:2/');
    expect(serviceEndpoint('lambda', 'us-east-1', { AWS_ENDPOINT_URL: 'http://localhost:1', AWS_ENDPOINT_URL_DYNAMODB: 'http://localhost:2' }).href).toBe('http://localhost:1/');
  });

  test('Step Functions: signing name states, endpoint prefix states, SDK service id SFN', () => {
    expect(serviceEndpoint('states', 'eu-west-1', {}).href).toBe('https://states.eu-west-1.amazonaws.com/');
    expect(serviceEndpoint('states', 'eu-west-1', { AWS_ENDPOINT_URL_SFN: 'http://localhost:3', AWS_ENDPOINT_URL_STATES: 'http://localhost:4' }).href).toBe('http://localhost:3/');
    expect(serviceEndpoint('lambda', 'eu-west-1', { AWS_ENDPOINT_URL_LAMBDA: 'http://localhost:5' }).href).toBe('http://localhost:5/');
  });

  test('no credentials in the environment nor a container endpoint: a clear error', async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    await expect(new SignedHttpClient('dynamodb').signedOptions({ method: 'POST', path: '/' }))
      .rejects.toThrow('no AWS credentials: neither AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY nor AWS_CONTAINER_CREDENTIALS_FULL_URI/AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is set');
  });
});

describe('retries and errors', () => {
  test('throttling and 5xx are retried (standard mode, 3 attempts); the error names the AWS exception', async () => {
    const throttled = { status: 400, body: { __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException', message: 'slow down' } };
    const api = await scriptedEndpoint([throttled, { status: 500, body: { __type: 'InternalServerError', message: 'oops' } }, { status: 200, body: { Item: { id: { S: 'x' } } } }]);
    try {
      const client = new DynamoDBHttpClient({ endpoint: api.endpoint, maxAttempts: 3, retry: { baseDelayMs: 10, throttlingBaseDelayMs: 10 } });
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
