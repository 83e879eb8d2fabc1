import { rmSync } from 'fs';
import { MotoServer, stopMotoServer } from './moto-server';

/** Stops the servers test/support/moto-global-setup.ts started (SIGTERM). */
export default async function motoGlobalTeardown(): Promise<void> {
  const servers = (globalThis as { __MOTO_SERVERS__?: MotoServer[] }).__MOTO_SERVERS__ ?? [];
  await Promise.all(servers.map(stopMotoServer));
  if (process.env.MOTO_LOCK_DIR) rmSync(process.env.MOTO_LOCK_DIR, { recursive: true, force: true });
}
