import { mkdirSync, rmdirSync } from 'fs';
import { join } from 'path';
import { resetMotoServer } from './moto-server';

/**
 * What a `*.moto.test.ts` file uses: a moto server of its own for the file's duration (started
 * by test/support/moto-global-setup.ts), reset before the file's tests, and the AWS SDK pointed
 * at it through the standard endpoint variables with dummy credentials.
 */

// The SDK's notice that releases after January 2027 need Node.js 22 (this machine runs 20) would
// be printed once per test file; it says nothing about the code under test.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const endpoints = (process.env.MOTO_ENDPOINTS ?? '').split(',').filter(Boolean);

/** `describe`, or `describe.skip` when moto_server is missing outside CI (the setup said so once). */
export const describeWithMoto: jest.Describe = endpoints.length > 0 ? describe : describe.skip;

let claimed: { endpoint: string; lock: string } | undefined;

/**
 * Claims a server no other running file holds: `mkdir` of its lock directory is atomic across
 * the jest worker processes. The setup started as many servers as files can run at once, so one
 * is free unless a crashed worker left its claim behind.
 */
async function claimServer(): Promise<void> {
  const lockDir = process.env.MOTO_LOCK_DIR;
  if (endpoints.length === 0 || !lockDir) {
    throw new Error(`no moto server: ${process.env.MOTO_UNAVAILABLE ?? 'run this file through the jest "moto" project (jest.config.js)'}`);
  }
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    for (const [i, endpoint] of endpoints.entries()) {
      const lock = join(lockDir, String(i));
      try {
        mkdirSync(lock);
        claimed = { endpoint, lock };
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no free moto server among ${endpoints.join(', ')} within 30 s`);
}

/** The moto server this file claimed (in useMoto's beforeAll). */
export function motoEndpoint(): string {
  if (!claimed) throw new Error('call useMoto() in the describe block first; the server is claimed in its beforeAll');
  return claimed.endpoint;
}

export const MOTO_REGION = 'us-east-1';
export const MOTO_ACCOUNT = '123456789012';

/** Client configuration for an AWS SDK v3 client talking to moto. */
export function motoClientConfig(): { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } } {
  return { endpoint: motoEndpoint(), region: MOTO_REGION, credentials: { accessKeyId: 'moto', secretAccessKey: 'moto' } };
}

/**
 * Registers a beforeAll that claims a server, clears it (state left by the previous file) and
 * points code under test at it: `AWS_ENDPOINT_URL` (every service), region and dummy credentials
 * (jest gives each test file its own copy of process.env); and an afterAll that releases it.
 */
export function useMoto(): void {
  beforeAll(async () => {
    await claimServer();
    const endpoint = motoEndpoint();
    await resetMotoServer(endpoint);
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: MOTO_REGION,
      AWS_ACCESS_KEY_ID: 'moto',
      AWS_SECRET_ACCESS_KEY: 'moto',
    });
  });
  afterAll(() => {
    if (claimed) rmdirSync(claimed.lock);
    claimed = undefined;
  });
}
