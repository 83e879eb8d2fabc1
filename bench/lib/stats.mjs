// Small helpers shared by the bench sections: medians, formatting, child processes.
import { spawn } from 'node:child_process';

export function median(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export const fmt = {
  int: (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a'),
  ms: (n, digits = 1) => (Number.isFinite(n) ? `${n.toFixed(digits)} ms` : 'n/a'),
  x: (n, digits = 2) => (Number.isFinite(n) ? `${n.toFixed(digits)}x` : 'n/a'),
  kb: (n) => (Number.isFinite(n) ? `${(n / 1024).toFixed(1)} KiB` : 'n/a'),
  mb: (n) => (Number.isFinite(n) ? `${n.toFixed(0)} MB` : 'n/a'),
  us: (n) => (Number.isFinite(n) ? `${n.toFixed(1)} µs` : 'n/a'),
  pct: (n) => (Number.isFinite(n) ? `${(n * 100).toFixed(0)}%` : 'n/a'),
};

/**
 * Runs `node <args>` and resolves with the JSON object the child printed on a line starting with
 * `BENCH_RESULT ` (handlers may log to stdout too). Rejects on a non-zero exit.
 */
export function runNode(args, { env = {}, cwd, timeoutMs = 120_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = out.split('\n').reverse().find((l) => l.startsWith('BENCH_RESULT '));
      if (code !== 0 || !line) {
        reject(new Error(`node ${args.join(' ')} exited ${code}\n${err.slice(-2000)}${out.slice(-1000)}`));
        return;
      }
      resolve(JSON.parse(line.slice('BENCH_RESULT '.length)));
    });
  });
}
