import type { Logger } from '@aws-lambda-powertools/logger';
import { logger as runtimeLogger } from '../../packages/runtime/src/logger';
import { captureOutput } from './output';

type LogLines = Array<Record<string, unknown>>;
const LOGS = Symbol('runtime logs');

/**
 * Runs `fn` with the runtime's Powertools logger at INFO and returns its JSON lines (INFO goes to
 * stdout, WARN and ERROR to stderr), captured instead of printed. When `fn` throws, the lines are
 * on the thrown error: read them with {@link logsOf}.
 */
export async function withRuntimeLogs<T>(fn: () => Promise<T>): Promise<{ result: T; logs: LogLines }> {
  const powertools = runtimeLogger as unknown as Logger;
  const previous = powertools.getLevelName();
  const output = captureOutput();
  powertools.setLogLevel('INFO');
  try {
    return { result: await fn(), logs: output.logs };
  } catch (error) {
    if (error instanceof Object) Object.assign(error, { [LOGS]: output.logs });
    throw error;
  } finally {
    output.restore();
    powertools.setLogLevel(previous);
  }
}

/** The log lines captured while the function that threw `error` ran. */
export function logsOf(error: unknown): LogLines {
  return (error as { [LOGS]?: LogLines })[LOGS] ?? [];
}
