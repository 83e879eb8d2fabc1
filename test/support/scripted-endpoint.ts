import { createServer, IncomingHttpHeaders, Server } from 'http';
import { AddressInfo } from 'net';

export interface ScriptedResponse {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface SeenRequest {
  readonly target?: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/**
 * A stand-in AWS endpoint on loopback: answers each request with the next scripted response (a
 * list, or a function of the request), 500 when the list is empty, and records what it saw.
 */
export async function scriptedEndpoint(script: ScriptedResponse[] | ((request: SeenRequest) => ScriptedResponse)) {
  const seen: SeenRequest[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const request = { target: req.headers['x-amz-target'] as string | undefined, headers: req.headers, body };
      seen.push(request);
      const next = typeof script === 'function' ? script(request) : script.shift() ?? { status: 500 };
      res.writeHead(next.status, { 'content-type': 'application/x-amz-json-1.0', ...next.headers });
      res.end(next.body === undefined ? '' : JSON.stringify(next.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    stop: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
