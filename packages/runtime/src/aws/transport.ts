import type { Agent, IncomingMessage, RequestOptions } from 'node:http';
import type { Socket } from 'node:net';
import { AwsApiError, AwsTimeoutError, TimeoutPhase } from './errors';

export interface AwsResponse {
  readonly statusCode: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** node:http or node:https for one endpoint, with its keep-alive agent. */
export interface Transport {
  readonly request: typeof import('node:http').request;
  readonly agent: Agent;
}

/** Only the module the endpoint needs (node:https costs several ms to load), in CJS and ESM bundles alike. */
export function createTransport(protocol: string): Transport {
  const mod = process.getBuiltinModule(protocol === 'https:' ? 'node:https' : 'node:http') as typeof import('node:http');
  return { request: mod.request, agent: new mod.Agent({ keepAlive: true, maxSockets: 50 }) };
}

/** The limits of one attempt. */
export interface AttemptLimits {
  readonly service: string;
  readonly operation: string;
  /** Until the socket is connected (TLS included). */
  readonly connectTimeoutMs: number;
  /** Until the first byte of the answer, and between two chunks of it. */
  readonly responseTimeoutMs: number;
  /** Epoch ms after which the call must have given up, and when it started (for the message). */
  readonly deadline: number;
  readonly callStarted: number;
}

/**
 * One HTTP exchange: resolves with any complete answer (the caller reads the status), rejects
 * with an AwsTimeoutError when a limit passes (the request is destroyed, so its socket is not
 * reused) or an AwsApiError carrying the Node.js code when the connection fails.
 */
export function exchange(transport: Transport, options: RequestOptions, body: string | undefined, limits: AttemptLimits): Promise<AwsResponse> {
  return new Promise<AwsResponse>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const req = transport.request({ ...options, agent: transport.agent });
    const fail = (error: Error) => {
      clearTimeout(timer);
      req.destroy(error);
      reject(error);
    };
    // Arms the timer of `phase`, or of the deadline when that comes first.
    const arm = (phase: TimeoutPhase, ms: number) => {
      clearTimeout(timer);
      const left = limits.deadline - Date.now();
      const [what, wait] = left <= ms ? ['deadline' as const, Math.max(0, left)] : [phase, ms];
      timer = setTimeout(() => {
        const after = what === 'deadline' ? Date.now() - limits.callStarted : ms;
        fail(new AwsTimeoutError(limits.service, limits.operation, what, after));
      }, wait);
    };
    arm('connect', limits.connectTimeoutMs);
    req.on('socket', (socket: Socket & { encrypted?: boolean }) => {
      if (!socket.connecting) return arm('response', limits.responseTimeoutMs);
      socket.once(socket.encrypted ? 'secureConnect' : 'connect', () => arm('response', limits.responseTimeoutMs));
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        arm('response', limits.responseTimeoutMs);
      });
      res.on('error', (err) => fail(transportError(err, limits)));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.on('error', (err) => fail(transportError(err, limits)));
    req.end(body);
  });
}

/** Node.js says `socket hang up` or `read ECONNRESET` for the same event; say what happened. */
const NETWORK_TEXT: Record<string, string> = {
  ECONNRESET: 'the connection was reset',
  ECONNREFUSED: 'the connection was refused',
  EPIPE: 'the connection was closed while sending',
};

function transportError(err: NodeJS.ErrnoException, limits: AttemptLimits): AwsApiError {
  if (err instanceof AwsApiError) return err;
  const code = err.code ?? 'ECONNRESET';
  return new AwsApiError(code, 0, `${limits.service} ${limits.operation} failed: ${NETWORK_TEXT[code] ?? err.message} (${code})`);
}
