import { createServer } from 'http';
import { AddressInfo } from 'net';

/** What the local credentials endpoint serves; `expiresInMs` from the time of each fetch. */
export interface ServedCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly token: string;
  readonly expiresInMs: number;
}

/**
 * A local container credentials endpoint (what Lambda runs for SnapStart functions, and ECS for
 * tasks): answers `GET <path>` with `{AccessKeyId, SecretAccessKey, Token, Expiration}` when the
 * `Authorization` header is `token`, else 403. Counts fetches and can be slowed down.
 */
export async function startContainerCredentials(token: string, served: ServedCredentials, path = '/2023-12-01/credentials') {
  const state = { fetches: 0, rejected: 0, delayMs: 0, served };
  const server = createServer((req, res) => {
    if (req.url !== path || req.headers.authorization !== token) {
      state.rejected++;
      res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'invalid authorization token' }));
      return;
    }
    state.fetches++;
    const { accessKeyId, secretAccessKey, token: sessionToken, expiresInMs } = state.served;
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
      AccessKeyId: accessKeyId, SecretAccessKey: secretAccessKey, Token: sessionToken,
      Expiration: new Date(Date.now() + expiresInMs).toISOString(),
    })), state.delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  return {
    url,
    state,
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
