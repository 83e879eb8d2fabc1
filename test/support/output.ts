/**
 * Captures what code under test writes to stdout and stderr (Powertools Logger writes INFO to
 * stdout and WARN/ERROR to stderr), so tests assert on log lines instead of printing them.
 */
export interface CapturedOutput {
  /** Every JSON line written, in order, from either stream. */
  readonly logs: Array<Record<string, unknown>>;
  /** Non-JSON text written, in order. */
  readonly text: string[];
  /** Stops capturing and restores the streams. */
  restore(): void;
}

export function captureOutput(): CapturedOutput {
  const logs: Array<Record<string, unknown>> = [];
  const text: string[] = [];
  const collect = (chunk: string | Uint8Array): boolean => {
    for (const line of String(chunk).split('\n').filter(Boolean)) {
      try {
        logs.push(JSON.parse(line));
      } catch {
        text.push(line);
      }
    }
    return true;
  };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(collect),
    jest.spyOn(process.stderr, 'write').mockImplementation(collect),
  ];
  return { logs, text, restore: () => spies.forEach((spy) => spy.mockRestore()) };
}
