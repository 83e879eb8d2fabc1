import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { synthNote } from '../lib/core/notes';
import { LIBRARY_CONSTRUCTS } from './guardrails-support';

/**
 * Issue 13 item 7: once any warning exists, `cdk synth` prints only warnings and errors. The
 * library's figures (idle cost, concurrency budget) must still reach the terminal.
 */
const repoRoot = path.join(__dirname, '..');

test('cdk synth prints the cost note and the concurrency budget although a warning exists', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'csp-notes-'));
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: 'none-here' };
  try {
    const app = 'npx ts-node --transpile-only --prefer-ts-exts --project tsconfig.dev.json test/fixtures/notes-app.ts';
    // The CLI writes annotations and the app's stderr to its own stderr: capture both streams.
    const output = execFileSync('bash', ['-c', `npx cdk synth -q --app '${app}' --output '${outdir}' 2>&1`],
      { cwd: repoRoot, env, encoding: 'utf8' });
    expect(output).toContain('a warning the user has not acknowledged');
    // The CLI itself drops the info annotations when a warning exists ...
    expect(output).not.toMatch(/^INFO /m);
    // ... so the notes are printed by the library, one line each, with the construct path.
    expect(output).toMatch(/^\[cdk-serverless-patterns\] NotesApp\/Api: idle provisioned concurrency costs about \$\d+\.\d\d per month on arm64/m);
    expect(output).toMatch(/^\[cdk-serverless-patterns\] NotesApp: \[SPG-CONCURRENCY-BUDGET\] environment 123456789012\/us-east-1: 1 function\(s\) reserve 20 of the account limit 1000/m);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}, 120_000);

describe('synthNote outside the CLI', () => {
  const saved = process.env.CDK_OUTDIR;
  afterEach(() => {
    if (saved === undefined) delete process.env.CDK_OUTDIR; else process.env.CDK_OUTDIR = saved;
  });

  test('adds an acknowledgeable info annotation and prints nothing (tests stay quiet)', () => {
    delete process.env.CDK_OUTDIR;
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const app = new App();
      const stack = new Stack(app, 'S');
      synthNote(stack, 'Test.note', 'a figure');
      const assembly = app.synth();
      const infos = assembly.getStackByName('S').messages.map((m) => m.entry.data);
      expect(infos).toEqual(['a figure [ack: cdk-serverless-patterns:Test.note]']);
      expect(write).not.toHaveBeenCalled();
    } finally {
      write.mockRestore();
    }
  });

  test('the figures of StreamWorker, ScheduledJob and SagaStateMachine are notes too: printed under the CLI', () => {
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'csp-notes-constructs-'));
    try {
      process.env.CDK_OUTDIR = outdir;
      const app = new App({ outdir });
      const stack = new Stack(app, 'S', { env: { account: '123456789012', region: 'us-east-1' } });
      for (const [name, , create] of LIBRARY_CONSTRUCTS.filter(([n]) => ['StreamWorker', 'ScheduledJob', 'SagaStateMachine'].includes(n))) {
        create(new Construct(stack, name));
      }
      app.synth();
      const printed = write.mock.calls.map((c) => String(c[0]));
      expect(printed.filter((l) => l.startsWith('[cdk-serverless-patterns] S/StreamWorker/Construct: concurrent invocations:'))).toHaveLength(1);
      expect(printed.filter((l) => l.startsWith('[cdk-serverless-patterns] S/ScheduledJob/Construct: cron(0 2 * * ? *)'))).toHaveLength(1);
      expect(printed.filter((l) => l.startsWith('[cdk-serverless-patterns] S/SagaStateMachine/Construct: '))).toHaveLength(1);
    } finally {
      write.mockRestore();
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('under the CLI (CDK_OUTDIR set) prints each note once, at synth', () => {
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'csp-notes-unit-'));
      process.env.CDK_OUTDIR = outdir;
      const app = new App({ outdir });
      const stack = new Stack(app, 'S');
      synthNote(stack, 'Test.note', 'first');
      synthNote(stack, 'Test.other', 'second');
      expect(write).not.toHaveBeenCalled();
      app.synth();
      expect(write.mock.calls.map((c) => c[0])).toEqual([
        '[cdk-serverless-patterns] S: first\n',
        '[cdk-serverless-patterns] S: second\n',
      ]);
      fs.rmSync(outdir, { recursive: true, force: true });
    } finally {
      write.mockRestore();
    }
  });
});
