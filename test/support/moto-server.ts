import { ChildProcess, spawn, spawnSync } from 'child_process';
import { createServer } from 'net';

/**
 * Starting and stopping moto's server mode (`moto_server`, Python, preinstalled on these
 * machines and on CI). Used by the jest global setup of the `moto` project only; tests talk to
 * the servers through test/support/moto.ts.
 */

/** Is `moto_server` on PATH? */
export function motoServerOnPath(): boolean {
  return spawnSync('sh', ['-c', 'command -v moto_server'], { stdio: 'ignore' }).status === 0;
}

/** A free loopback port, chosen here: `moto_server -p 0` breaks moto's calls back to itself. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Clears every backend of a running server (not its config). */
export async function resetMotoServer(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  if (!response.ok) throw new Error(`moto reset at ${endpoint} answered HTTP ${response.status}`);
}

export interface MotoServer {
  readonly endpoint: string;
  readonly process: ChildProcess;
}

async function waitUntilAnswering(server: MotoServer, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.process.exitCode !== null) {
      throw new Error(`moto_server exited with code ${server.process.exitCode} before answering: ${output()}`);
    }
    try {
      await resetMotoServer(server.endpoint);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`moto_server at ${server.endpoint} did not answer within ${timeoutMs} ms: ${output()}`);
}

/**
 * Starts `MOTO_PORT=P moto_server -H 127.0.0.1 -p P` on a free port P and resolves once it answers
 * (measured here: 0.6-0.8 s). Retries on a new port if another process took P meanwhile.
 */
export async function startMotoServer(timeoutMs = 20_000): Promise<MotoServer> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
      env: { ...process.env, MOTO_PORT: String(port) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-2000); });
    const server = { endpoint: `http://127.0.0.1:${port}`, process: child };
    try {
      await waitUntilAnswering(server, () => stderr.trim(), timeoutMs);
      // moto logs every request to stderr; only the start-up output was of interest.
      child.stderr!.removeAllListeners('data');
      child.stderr!.resume();
      return server;
    } catch (err) {
      lastError = err;
      await stopMotoServer(server);
    }
  }
  throw lastError;
}

/** SIGTERM, then wait for the exit (SIGKILL after 5 s). */
export async function stopMotoServer(server: MotoServer): Promise<void> {
  const child = server.process;
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => { clearTimeout(kill); resolve(); });
    child.kill('SIGTERM');
  });
}
