import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/**
 * Every TypeScript example in README.md and packages/runtime/README.md compiles against the library as published: imports of
 * `cdk-serverless-patterns` resolve to lib/, `@cdk-serverless-patterns/runtime/*` to the runtime
 * package's sources. Snippets declare what they assume (`declare const stack: Stack`), as jsii-rosetta wants.
 *
 * README.md's `ts` blocks are construct code, which jsii-rosetta translates for Construct Hub. Handler code (Node.js
 * only, on the runtime package) is fenced `tsx` there, so rosetta leaves it alone; it is type-checked here all the same.
 */
const root = path.join(__dirname, '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
/** The runtime's handler examples (Node.js only, so kept out of the jsii README) are checked the same way. */
const runtimeDoc = fs.readFileSync(path.join(root, 'packages', 'runtime', 'README.md'), 'utf8');
const blocks = (markdown: string, lang: string) => [...markdown.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);
const tsBlocks = (markdown: string) => blocks(markdown, 'ts');
const readmeHandlers = blocks(readme, 'tsx');
const snippets = [...tsBlocks(readme), ...readmeHandlers, ...tsBlocks(runtimeDoc)];

/** The README's sections: `## Title` -> its text, and the `### Construct` sections under `## Constructs`. */
const sections = (markdown: string, level: string) => new Map(markdown.split(new RegExp(`^${level} `, 'm')).slice(1)
  .map((part) => [part.slice(0, part.indexOf('\n')), part] as const));
const constructSections = sections(sections(readme, '##').get('Constructs') ?? '', '###');

test('README construct examples carry no handler code; its handler blocks (tsx) are on the runtime package', () => {
  expect(tsBlocks(readme).filter((s) => s.includes('@cdk-serverless-patterns/runtime/') || s.includes('@aws-lambda-powertools/'))).toEqual([]);
  expect(readmeHandlers.length).toBeGreaterThanOrEqual(1);
  for (const handler of readmeHandlers) expect(handler).toMatch(/from '@cdk-serverless-patterns\/runtime\/[a-z-]+'/);
  expect(tsBlocks(runtimeDoc).length).toBeGreaterThanOrEqual(5);
});

test('README has a TypeScript example for every construct', () => {
  const constructs = ['SqsWorker', 'FanOutPipeline', 'SagaStateMachine', 'DurableFunction', 'ProvisionedApi', 'AsyncFunction', 'StreamWorker', 'ScheduledJob',
    'ServerlessFunction', 'IdempotencyTable', 'ServerlessVpcEndpoints', 'ServerlessGuardrails', 'ConcurrencyBudget', 'ServerlessDashboard',
    'ServerlessCostReport'];
  const readmeTs = tsBlocks(readme);
  for (const name of constructs) {
    expect([name, readmeTs.some((s) => s.includes(`new ${name}(`) || s.includes(`${name}.of(`) || s.includes(`${name}.forStack(`))]).toEqual([name, true]);
  }
});

test('README is a guide of at most 40 KB: quick start, a first worker, one section per construct in a fixed layout', () => {
  expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(40 * 1024);
  const quickStart = sections(readme, '##').get('Quick start (this repository)') ?? '';
  expect(quickStart).toContain('npx cdk synth -q');
  expect(quickStart).toContain('npm test');
  const firstWorker = sections(readme, '##').get('Your first worker') ?? '';
  for (const part of ['new SqsWorker(', 'createSqsWorkerHandler', 'esbuild', 'cdk synth', 'What it adds']) expect(firstWorker).toContain(part);
  expect(constructSections.size).toBeGreaterThanOrEqual(11);
  for (const [title, text] of constructSections) {
    // When to use it, one example, what it creates, what it costs, where the depth is.
    const layout = ['**When:**', '```ts', '**Creates:**', '**Costs', '**Deep dive:** [docs/'].map((part) => text.indexOf(part));
    expect([title, layout.every((at, i) => at >= 0 && (i === 0 || at > layout[i - 1]))]).toEqual([title, true]);
    expect([title, tsBlocks(text).length]).toEqual([title, 1]);
  }
  for (const kind of ['acknowledgeWarning', 'acknowledgeInfo', 'ServerlessGuardrails.acknowledge', 'Validations.of']) {
    expect(sections(readme, '##').get('Findings: errors, warnings and notes')).toContain(kind);
  }
});

test('every README TypeScript example type-checks', () => {
  // Inside the repository, so packages resolve from its node_modules as they would in an app.
  const dir = fs.mkdtempSync(path.join(root, '.readme-snippets-'));
  try {
    // Each snippet is its own module (export {} keeps top-level names apart).
    const files = snippets.map((code, i) => {
      const file = path.join(dir, `snippet${i}.ts`);
      fs.writeFileSync(file, /^\s*(import|export)\s/m.test(code) ? code : `${code}\nexport {};\n`);
      return file;
    });
    const program = ts.createProgram(files, {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.Node16,
      moduleResolution: ts.ModuleResolutionKind.Node16,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      esModuleInterop: true,
      types: ['node'],
      typeRoots: [path.join(root, 'node_modules', '@types')],
      baseUrl: root,
      paths: {
        'cdk-serverless-patterns': ['lib/index.ts'],
        '@cdk-serverless-patterns/runtime/*': ['packages/runtime/src/*'],
      },
    });
    const errors = ts.getPreEmitDiagnostics(program)
      .filter((d) => d.file && d.file.fileName.startsWith(dir))
      .map((d) => `${path.basename(d.file!.fileName)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(errors).toEqual([]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
