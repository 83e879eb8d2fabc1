import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Annotations, App, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { synthNote } from '../lib/core/notes';
import { LIBRARY_CONSTRUCTS } from './guardrails-support';

/**
 * Issue 29 item 4, through the real CLI (aws-cdk 2.1148.1): once any warning exists, `cdk synth`
 * prints only warnings and errors, so the library prints each note itself; without a warning the
 * CLI prints them as INFO and the library prints nothing. Every note reaches the terminal once, and
 * the ids printed acknowledge what they name. Two CLI synths (each costs seconds).
 */
const repoRoot = path.join(__dirname, '..');
const LIBRARY_LINE = /^\[cdk-serverless-patterns\] /;

function cliSynth(extraEnv: NodeJS.ProcessEnv = {}): string[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'csp-notes-'));
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: 'none-here', ...extraEnv };
  try {
    const app = 'npx ts-node --transpile-only --prefer-ts-exts --project tsconfig.dev.json test/fixtures/notes-app.ts';
    // The CLI writes annotations and the app's stderr to its own stderr: capture both streams.
    const output = execFileSync('bash', ['-c', `npx cdk synth -q --app '${app}' --output '${outdir}' 2>&1`],
      { cwd: repoRoot, env, encoding: 'utf8' });
    return output.split('\n').map((l) => l.replace(outdir, '<outdir>'));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

test('cdk synth prints every note once, and the ids it prints acknowledge the warning and the notes', () => {
  const withWarning = cliSynth();
  // The CLI prints the warning and no INFO ...
  expect(withWarning).toContain('WARNING a warning the user has not acknowledged (Annotation)');
  expect(withWarning).toContain('   Acknowledge with \'Annotation::fixture:warning\'');
  expect(withWarning.filter((l) => l.startsWith('INFO '))).toEqual([]);
  // ... so the library prints each note once: path, message, the id to acknowledge.
  const notes = withWarning.filter((l) => LIBRARY_LINE.test(l));
  expect(notes).toHaveLength(3);
  expect(notes[0]).toMatch(/^\[cdk-serverless-patterns\] NotesApp\/Api: idle provisioned concurrency costs about \$8\.76 per month on arm64 .* 2,628,000 GB-seconds .* \(acknowledge with Annotations\.of\(construct\)\.acknowledgeInfo\('cdk-serverless-patterns:ProvisionedApi\.idleProvisionedConcurrencyCost'\)\)$/);
  expect(notes[1]).toMatch(/^\[cdk-serverless-patterns\] NotesApp: \[SPG-CONCURRENCY-BUDGET\] environment 123456789012\/us-east-1: 1 function\(s\) reserve 20 of the account limit 1000;.* \(acknowledge with Annotations\.of\(construct\)\.acknowledgeInfo\('cdk-serverless-patterns:SPG-CONCURRENCY-BUDGET'\)\)$/);
  expect(notes[2]).toBe('[cdk-serverless-patterns] NotesApp: monthly cost estimate: $0.00 (USD, us-east-1 prices of 2026-12-07, before free tiers; '
    + '0 of 1 constructs estimated); details in <outdir>/serverless-cost.json; the table: cdk synth -c cdk-serverless-patterns:costTable=true '
    + '(acknowledge with Annotations.of(construct).acknowledgeInfo(\'cdk-serverless-patterns:ServerlessCostReport.table\'))');

  // Acknowledge with what was printed: the warning's id after the CLI's "Annotation::" plugin name, one note's id as printed.
  const warningId = /Acknowledge with 'Annotation::(.+)'/.exec(withWarning.join('\n'))![1];
  const costNoteId = /acknowledgeInfo\('([^']+)'\)/.exec(notes[2])![1];
  const acknowledged = cliSynth({ ACK_WARNINGS: warningId, ACK_NOTES: costNoteId });
  expect(acknowledged.filter((l) => /WARNING|fixture:warning/.test(l))).toEqual([]);
  expect(acknowledged.filter((l) => LIBRARY_LINE.test(l))).toEqual([]);
  // Without a warning the CLI prints the two other notes as INFO, once each, with the ids the library printed.
  expect(acknowledged.filter((l) => l.startsWith('INFO ')).map((l) => l.slice(0, 45)).sort()).toEqual([
    'INFO [SPG-CONCURRENCY-BUDGET] environment 123',
    'INFO idle provisioned concurrency costs about',
  ]);
  expect(acknowledged.filter((l) => l.includes('Acknowledge with')).map((l) => l.trim()).sort()).toEqual([
    'Acknowledge with \'Annotation::cdk-serverless-patterns:ProvisionedApi.idleProvisionedConcurrencyCost\'',
    'Acknowledge with \'Annotation::cdk-serverless-patterns:SPG-CONCURRENCY-BUDGET\'',
  ]);
}, 180_000);

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

  test('the figures of StreamWorker, ScheduledJob and SagaStateMachine are notes too: printed under the CLI when a warning hides them', () => {
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'csp-notes-constructs-'));
    try {
      process.env.CDK_OUTDIR = outdir;
      const app = new App({ outdir });
      const stack = new Stack(app, 'S', { env: { account: '123456789012', region: 'us-east-1' } });
      for (const [name, , create] of LIBRARY_CONSTRUCTS.filter(([n]) => ['StreamWorker', 'ScheduledJob', 'SagaStateMachine'].includes(n))) {
        create(new Construct(stack, name));
      }
      Annotations.of(stack).addWarningV2('test:warning', 'a warning');
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

  const underCli = (body: (app: App, stack: Stack) => void): string[] => {
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'csp-notes-unit-'));
    try {
      process.env.CDK_OUTDIR = outdir;
      const app = new App({ outdir });
      body(app, new Stack(app, 'S'));
      return write.mock.calls.map((c) => String(c[0]));
    } finally {
      write.mockRestore();
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  };

  test('under the CLI (CDK_OUTDIR set), with a warning, prints each unacknowledged note once, at synth', () => {
    const printed = underCli((app, stack) => {
      synthNote(stack, 'Test.note', 'first');
      synthNote(stack, 'Test.other', 'second');
      synthNote(stack, 'Test.quiet', 'acknowledged');
      Annotations.of(stack).acknowledgeInfo('cdk-serverless-patterns:Test.quiet', 'seen');
      new Construct(stack, 'Child').node.addMetadata('aws:cdk:warning', 'a warning');
      app.synth();
    });
    expect(printed).toEqual([
      '[cdk-serverless-patterns] S: first (acknowledge with Annotations.of(construct).acknowledgeInfo(\'cdk-serverless-patterns:Test.note\'))\n',
      '[cdk-serverless-patterns] S: second (acknowledge with Annotations.of(construct).acknowledgeInfo(\'cdk-serverless-patterns:Test.other\'))\n',
    ]);
  });

  test('under the CLI without a warning or error prints nothing: the CLI shows the notes as INFO itself', () => {
    const printed = underCli((app, stack) => {
      synthNote(stack, 'Test.note', 'first');
      Annotations.of(stack).addWarningV2('test:warning', 'acknowledged warning');
      Annotations.of(stack).acknowledgeWarning('test:warning', 'seen');
      app.synth();
    });
    expect(printed).toEqual([]);
  });
});
