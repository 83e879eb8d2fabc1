import { mkdtempSync, readdirSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { Config } from '@jest/types';
import { MotoServer, motoServerOnPath, startMotoServer, stopMotoServer } from './moto-server';

/**
 * Global setup of the jest `moto` project (jest.config.js): jest runs it only when at least one
 * `*.moto.test.ts` file is selected, so other suites never start moto.
 *
 * As many servers as moto test files can run at once (jest workers, at most the number of files):
 * each file claims a server for its duration (a lock directory per server under `MOTO_LOCK_DIR`)
 * and resets it first (`POST /moto-api/reset`), so no file wipes the state of another running at
 * the same time. Endpoints reach the workers through `MOTO_ENDPOINTS` (workers inherit the
 * environment of this process); see test/support/moto.ts.
 */
export default async function motoGlobalSetup(globalConfig: Config.GlobalConfig, projectConfig: Config.ProjectConfig): Promise<void> {
  if (!motoServerOnPath()) {
    if (process.env.CI === 'true') {
      throw new Error('moto_server is not on PATH; CI must run the moto-backed tests (test/*.moto.test.ts), so this run fails instead of skipping them');
    }
    process.env.MOTO_UNAVAILABLE = 'moto_server is not on PATH';
    process.stdout.write('\nmoto_server is not on PATH: the moto-backed tests (test/*.moto.test.ts) are skipped here (with CI=true they fail)\n');
    return;
  }
  const motoFiles = projectConfig.roots
    .flatMap((root) => readdirSync(root, { recursive: true, encoding: 'utf8' }))
    .filter((file) => file.endsWith('.moto.test.ts')).length;
  const count = Math.max(1, Math.min(globalConfig.maxWorkers, motoFiles));
  const servers: MotoServer[] = [];
  (globalThis as { __MOTO_SERVERS__?: MotoServer[] }).__MOTO_SERVERS__ = servers;
  // Belt and braces: never leave a moto process behind if jest exits without the teardown.
  process.once('exit', () => servers.forEach((s) => s.process.kill('SIGTERM')));
  const starts = await Promise.allSettled(Array.from({ length: count }, () => startMotoServer()));
  for (const start of starts) if (start.status === 'fulfilled') servers.push(start.value);
  const failed = starts.find((start): start is PromiseRejectedResult => start.status === 'rejected');
  if (failed) {
    await Promise.all(servers.map(stopMotoServer));
    throw failed.reason;
  }
  process.env.MOTO_ENDPOINTS = servers.map((s) => s.endpoint).join(',');
  process.env.MOTO_LOCK_DIR = mkdtempSync(join(tmpdir(), 'moto-claims-'));
}
