import type { Logger } from '@aws-lambda-powertools/logger';
import { logger as runtimeLogger } from '../../lambda/runtime/logger';
import { captureOutput } from './output';

/**
 * Runs `fn` with the runtime's Powertools logger at INFO and returns its JSON lines (INFO goes to
 * stdout, WARN and ERROR to stderr), captured instead of printed.
 */
export async function withRuntimeLogs<T>(fn: () => Promise<T>): Promise<{ result: T; logs: Array<Record<string, unknown>> }> {
  const powertools = runtimeLogger as unknown as Logger;
  const previous = powertools.getLevelName();
  const output = captureOutput();
  powertools.setLogLevel('INFO');
  try {
    const result = await fn();
    return { result, logs: output.logs };
  } finally {
    output.restore();
    powertools.setLogLevel(previous);
  }
}
