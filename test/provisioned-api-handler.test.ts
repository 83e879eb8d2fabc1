import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createRouter, HttpError } from '../lambda/provisioned-api/http';
import { quoteCart } from '../lambda/provisioned-api/quotes';
import { lambdaContext, loadBundledHandler } from './support/lambda';

type ApiHandler = (event: unknown, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** An API Gateway HTTP API payload 2.0 event, as the `$default` route delivers it. */
function httpEvent(method: string, path: string, options: {
  body?: string; contentType?: string; base64?: boolean; query?: Record<string, string>;
} = {}): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = { 'accept': 'application/json', 'user-agent': 'jest', 'host': 'abc123.execute-api.us-east-1.amazonaws.com' };
  if (options.contentType) headers['content-type'] = options.contentType;
  const body = options.body !== undefined && options.base64 ? Buffer.from(options.body).toString('base64') : options.body;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers,
    queryStringParameters: options.query,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'jest' },
      requestId: 'ApiGwReqId=',
      routeKey: '$default',
      stage: '$default',
      time: '24/Nov/2026:08:00:00 +0000',
      timeEpoch: 1795507200000,
    },
    body,
    isBase64Encoded: options.base64 ?? false,
  };
}

const postJson = (path: string, value: unknown) => httpEvent('POST', path, { body: JSON.stringify(value), contentType: 'application/json' });
const bodyOf = (result: APIGatewayProxyStructuredResultV2) => JSON.parse(result.body!);

describe('bundled example API (assets/provisioned-api/example)', () => {
  let handler: ApiHandler;
  let logs: string[];
  let previousLogLevel: string | undefined;

  beforeAll(() => {
    process.env.POWERTOOLS_DEV = 'true'; // log through the global console, so the test can read it
    previousLogLevel = process.env.POWERTOOLS_LOG_LEVEL;
    process.env.POWERTOOLS_LOG_LEVEL = 'INFO'; // test/setup.ts silences Powertools; these tests read the logs
    process.env.POWERTOOLS_SERVICE_NAME = 'checkout-api';
    handler = loadBundledHandler<ApiHandler>('provisioned-api/example');
  });
  beforeEach(() => {
    logs = [];
    for (const level of ['info', 'error', 'warn', 'log'] as const) {
      jest.spyOn(console, level).mockImplementation((...args: unknown[]) => { logs.push(args.map(String).join(' ')); });
    }
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(() => {
    delete process.env.POWERTOOLS_DEV;
    if (previousLogLevel === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
    else process.env.POWERTOOLS_LOG_LEVEL = previousLogLevel;
  });

  test('GET /health answers 200 JSON and logs the request with the Lambda context', async () => {
    const result = await handler(httpEvent('GET', '/health'), lambdaContext('checkout'));
    expect(result.statusCode).toBe(200);
    expect(result.headers).toEqual({ 'content-type': 'application/json' });
    expect(bodyOf(result)).toEqual({ status: 'ok' });
    const entry = JSON.parse(logs.find((l) => l.includes('request handled'))!);
    expect(entry).toMatchObject({ level: 'INFO', service: 'checkout-api', function_name: 'checkout', method: 'GET', path: '/health', status: 200 });
  });

  test('POST /quotes prices a cart: 2 x 19.99 + 1 x 70.00 = 109.98, 10% off from 100', async () => {
    const result = await handler(postJson('/quotes', {
      currency: 'EUR',
      items: [{ sku: 'MUG-1', quantity: 2, unitPrice: 19.99 }, { sku: 'LAMP-7', quantity: 1, unitPrice: 70 }],
    }), lambdaContext());
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toEqual({
      currency: 'EUR',
      lines: [
        { sku: 'MUG-1', quantity: 2, unitPrice: 19.99, lineTotal: 39.98 },
        { sku: 'LAMP-7', quantity: 1, unitPrice: 70, lineTotal: 70 },
      ],
      subtotal: 109.98,
      discount: 11,
      total: 98.98,
    });
  });

  test('a base64-encoded body (as API Gateway sends some payloads) is decoded', async () => {
    const event = httpEvent('POST', '/quotes', {
      body: JSON.stringify({ currency: 'USD', items: [{ sku: 'A', quantity: 3, unitPrice: 1.5 }] }),
      contentType: 'application/json; charset=utf-8',
      base64: true,
    });
    const result = await handler(event, lambdaContext());
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toMatchObject({ subtotal: 4.5, discount: 0, total: 4.5 });
  });

  test.each([
    ['truncated', '{"currency": "USD", "items": ['],
    ['trailing comma', '{"currency": "USD",}'],
    ['single quotes', "{'currency': 'USD'}"],
    ['not JSON at all', 'currency=USD'],
  ])('malformed JSON (%s) answers 400 without echoing the parser error', async (_name, body) => {
    const result = await handler(httpEvent('POST', '/quotes', { body, contentType: 'application/json' }), lambdaContext());
    expect(result.statusCode).toBe(400);
    expect(bodyOf(result)).toEqual({ message: 'request body is not valid JSON' });
    expect(result.body).not.toMatch(/Unexpected|position|SyntaxError/);
  });

  test('invalid fields answer 400 with every problem listed', async () => {
    const result = await handler(postJson('/quotes', {
      currency: 'JPY',
      items: [{ sku: 'ok-lower', quantity: 0, unitPrice: -1 }, { sku: 'B', quantity: 1.5, unitPrice: 'free' }],
    }), lambdaContext());
    expect(result.statusCode).toBe(400);
    expect(bodyOf(result)).toEqual({
      message: 'invalid cart',
      errors: [
        'currency: must be one of USD, EUR, GBP',
        "items[0].sku: must be 1-32 of A-Z, 0-9, '-'",
        'items[0].quantity: must be an integer from 1 to 1000',
        'items[0].unitPrice: must be a number of 0 or more',
        'items[1].quantity: must be an integer from 1 to 1000',
        'items[1].unitPrice: must be a number of 0 or more',
      ],
    });
  });

  test.each([
    ['an array', []],
    ['a string', 'cart'],
    ['null', null],
  ])('a JSON body that is %s answers 400', async (_name, value) => {
    const result = await handler(postJson('/quotes', value), lambdaContext());
    expect(result.statusCode).toBe(400);
    expect(bodyOf(result).message).toBe('request body must be a JSON object');
  });

  test('a missing body answers 400 (a cart is required)', async () => {
    const result = await handler(httpEvent('POST', '/quotes'), lambdaContext());
    expect(result.statusCode).toBe(400);
    expect(bodyOf(result).message).toBe('request body must be a JSON object');
  });

  test('a non-JSON content type answers 415', async () => {
    const result = await handler(httpEvent('POST', '/quotes', { body: 'currency=USD', contentType: 'application/x-www-form-urlencoded' }), lambdaContext());
    expect(result.statusCode).toBe(415);
    expect(bodyOf(result)).toEqual({ message: 'request body must be JSON (content-type: application/json)' });
  });

  test('an unknown path answers 404, a known path with another method 405 with allow', async () => {
    const missing = await handler(httpEvent('GET', '/orders/42'), lambdaContext());
    expect(missing.statusCode).toBe(404);
    expect(bodyOf(missing)).toEqual({ message: 'no route for /orders/42' });
    const wrongMethod = await handler(httpEvent('DELETE', '/quotes'), lambdaContext());
    expect(wrongMethod.statusCode).toBe(405);
    expect(wrongMethod.headers).toEqual({ 'content-type': 'application/json', 'allow': 'POST' });
  });

  test('path parameters: GET /currencies/{code}', async () => {
    const eur = await handler(httpEvent('GET', '/currencies/eur'), lambdaContext());
    expect(eur.statusCode).toBe(200);
    expect(bodyOf(eur)).toEqual({ code: 'EUR', discountFrom: 100, discountRate: 0.1 });
    const jpy = await handler(httpEvent('GET', '/currencies/JPY'), lambdaContext());
    expect(jpy.statusCode).toBe(404);
    expect(bodyOf(jpy)).toEqual({ message: 'currency JPY is not supported' });
  });

  test('a path parameter with malformed percent-encoding is the client\'s error: 400, nothing logged as an error', async () => {
    const result = await handler(httpEvent('GET', '/currencies/%E0%A4%A'), lambdaContext());
    expect(result.statusCode).toBe(400);
    expect(bodyOf(result)).toEqual({ message: 'request path is not valid percent-encoding' });
    expect(logs.some((l) => l.includes('unhandled error'))).toBe(false);
    const ok = await handler(httpEvent('GET', '/currencies/%65ur'), lambdaContext());
    expect(bodyOf(ok)).toMatchObject({ code: 'EUR' });
  });

  test('an unexpected failure answers 500 with the request id only; the internals go to the log', async () => {
    // A direct invoke with a body that is not an API Gateway event: reading requestContext.http throws a TypeError.
    const context = lambdaContext();
    const result = await handler({ rawPath: '/quotes', body: '{}' }, context);
    expect(result.statusCode).toBe(500);
    expect(bodyOf(result)).toEqual({ message: 'internal server error', requestId: context.awsRequestId });
    expect(result.body).not.toMatch(/TypeError|Cannot read|requestContext|at /);
    const logged = logs.find((l) => l.includes('unhandled error'));
    expect(logged).toBeDefined();
    expect(JSON.parse(logged!)).toMatchObject({ level: 'ERROR', error: { name: 'TypeError' } });
  });
});

describe('example API logic', () => {
  test('quoteCart rounds line totals and applies no discount below 100', () => {
    expect(quoteCart({ currency: 'GBP', items: [{ sku: 'X', quantity: 3, unitPrice: 0.1 }] }))
      .toEqual({ currency: 'GBP', lines: [{ sku: 'X', quantity: 3, unitPrice: 0.1, lineTotal: 0.3 }], subtotal: 0.3, discount: 0, total: 0.3 });
  });

  test('quoteCart rejects more than 50 lines', () => {
    const items = Array.from({ length: 51 }, () => ({ sku: 'X', quantity: 1, unitPrice: 1 }));
    expect(() => quoteCart({ currency: 'USD', items })).toThrow(HttpError);
    try {
      quoteCart({ currency: 'USD', items });
    } catch (e) {
      expect((e as HttpError).status).toBe(400);
      expect((e as HttpError).details).toEqual(['items: must be a list of 1 to 50 items']);
    }
  });

  test('the router turns a throwing route into 500 and reports the error to the observer only', async () => {
    const errors: unknown[] = [];
    const statuses: number[] = [];
    const route = createRouter([
      { method: 'GET', path: '/boom', handle: () => { throw new Error('db password is hunter2'); } },
    ], { onError: (e) => errors.push(e), onResponse: (info) => statuses.push(info.status) });
    const result = await route(httpEvent('GET', '/boom'), 'req-1');
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body!)).toEqual({ message: 'internal server error', requestId: 'req-1' });
    expect(result.body).not.toContain('hunter2');
    expect((errors[0] as Error).message).toBe('db password is hunter2');
    expect(statuses).toEqual([500]);
  });
});
