import { createServer, IncomingMessage, request, ServerResponse } from 'http';
import { AddressInfo } from 'net';

/**
 * What the proxy does to a request:
 * - `blackhole`: reads it and never answers (the connection stays open);
 * - `slow`: forwards it, then holds the answer back for `delayMs`;
 * - `reset`: reads it and resets the connection (TCP RST, ECONNRESET at the client);
 * - `http500`: answers 500 with DynamoDB's InternalServerError body;
 * - `throttle`: answers 400 with DynamoDB's ThrottlingException body.
 */
export type FaultMode = 'blackhole' | 'slow' | 'reset' | 'http500' | 'throttle';

export interface Fault {
  readonly mode: FaultMode;
  /** How many requests get the fault; the ones after pass through. */
  readonly count: number;
  /** `slow` only. @default 1000 */
  readonly delayMs?: number;
}

const DYNAMODB_ERRORS: Record<'http500' | 'throttle', { status: number; type: string; message: string }> = {
  http500: { status: 500, type: 'InternalServerError', message: 'Internal server error' },
  throttle: { status: 400, type: 'ThrottlingException', message: 'Rate of requests exceeds the allowed throughput.' },
};

/**
 * A local HTTP proxy in front of a real endpoint (dynalite here) that injects one fault into the
 * next `count` requests, then passes requests through. It logs what each request met.
 */
export async function startFaultProxy(target: string) {
  const upstream = new URL(target);
  let fault: Fault | undefined;
  let faulted = 0;
  const seen: Array<{ target: string; accessKeyId?: string; fault?: FaultMode }> = [];

  const forward = (req: IncomingMessage, body: Buffer, res: ServerResponse, delayMs: number) => {
    const out = request({ hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.on('end', () => setTimeout(() => {
        if (res.destroyed) return; // the client gave up meanwhile
        res.writeHead(answer.statusCode ?? 502, answer.headers).end(Buffer.concat(chunks));
      }, delayMs));
    });
    out.on('error', () => res.destroy());
    out.end(body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const active = fault && faulted < fault.count ? fault : undefined;
      if (active) faulted++;
      seen.push({
        target: String(req.headers['x-amz-target'] ?? ''),
        accessKeyId: /Credential=([^/]+)\//.exec(String(req.headers.authorization))?.[1],
        fault: active?.mode,
      });
      const body = Buffer.concat(chunks);
      switch (active?.mode) {
        case 'blackhole': return;
        case 'reset': return req.socket.resetAndDestroy();
        case 'slow': return forward(req, body, res, active.delayMs ?? 1000);
        case 'http500':
        case 'throttle': {
          const error = DYNAMODB_ERRORS[active.mode];
          res.writeHead(error.status, { 'content-type': 'application/x-amz-json-1.0' })
            .end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${error.type}`, message: error.message }));
          return;
        }
        default: return forward(req, body, res, 0);
      }
    });
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** Requests seen so far, with the fault each met. */
    seen,
    /** Injects `next` into the following requests (and forgets the previous fault). */
    inject(next: Fault | undefined) {
      fault = next;
      faulted = 0;
      seen.length = 0;
    },
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
