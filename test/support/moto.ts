import { resetMotoServer } from './moto-server';

/**
 * What a `*.moto.test.ts` file uses: the moto server of its jest worker (started by
 * test/support/moto-global-setup.ts), a reset before the file's tests, and the AWS SDK pointed at
 * it through the standard endpoint variables with dummy credentials.
 */

// The SDK's notice that releases after January 2027 need Node.js 22 (this machine runs 20) would
// be printed once per test file; it says nothing about the code under test.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const endpoints = (process.env.MOTO_ENDPOINTS ?? '').split(',').filter(Boolean);

/** `describe`, or `describe.skip` when moto_server is missing outside CI (the setup said so once). */
export const describeWithMoto: jest.Describe = endpoints.length > 0 ? describe : describe.skip;

/** The moto server of this jest worker. */
export function motoEndpoint(): string {
  if (endpoints.length === 0) {
    throw new Error(`no moto server: ${process.env.MOTO_UNAVAILABLE ?? 'run this file through the jest "moto" project (jest.config.js)'}`);
  }
  const worker = Number(process.env.JEST_WORKER_ID ?? '1');
  return endpoints[(worker - 1) % endpoints.length];
}

export const MOTO_REGION = 'us-east-1';
export const MOTO_ACCOUNT = '123456789012';

/** Client configuration for an AWS SDK v3 client talking to moto. */
export function motoClientConfig(): { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } } {
  return { endpoint: motoEndpoint(), region: MOTO_REGION, credentials: { accessKeyId: 'moto', secretAccessKey: 'moto' } };
}

/**
 * Registers a beforeAll that clears the server (state left by the previous file of this worker)
 * and points code under test at it: `AWS_ENDPOINT_URL` (every service), region and dummy
 * credentials. jest gives each test file its own copy of process.env.
 */
export function useMoto(): void {
  beforeAll(async () => {
    const endpoint = motoEndpoint();
    await resetMotoServer(endpoint);
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: MOTO_REGION,
      AWS_ACCESS_KEY_ID: 'moto',
      AWS_SECRET_ACCESS_KEY: 'moto',
    });
  });
}
