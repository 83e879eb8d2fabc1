import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/**
 * Every TypeScript example in README.md and packages/runtime/README.md compiles against the library as published: imports of
 * `cdk-serverless-patterns` resolve to lib/, `@cdk-serverless-patterns/runtime/*` to the runtime
 * package's sources. Snippets declare what they assume (`declare const stack: Stack`), as jsii-rosetta wants.
 */
const root = path.join(__dirname, '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
/** The runtime's handler examples (Node.js only, so kept out of the jsii README) are checked the same way. */
const runtimeDoc = fs.readFileSync(path.join(root, 'packages', 'runtime', 'README.md'), 'utf8');
const tsBlocks = (markdown: string) => [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
const snippets = [...tsBlocks(readme), ...tsBlocks(runtimeDoc)];

test('README has a TypeScript example for every construct, and no handler code (that is in packages/runtime/README.md)', () => {
  expect(tsBlocks(readme).filter((s) => s.includes('@cdk-serverless-patterns/runtime/') || s.includes('@aws-lambda-powertools/'))).toEqual([]);
  expect(tsBlocks(runtimeDoc).length).toBeGreaterThanOrEqual(5);
  for (const name of ['SqsWorker', 'FanOutPipeline', 'SagaStateMachine', 'ProvisionedApi', 'AsyncFunction', 'ServerlessFunction', 'ServerlessGuardrails']) {
    expect(snippets.some((s) => s.includes(`new ${name}(`) || s.includes(`${name}.of(`))).toBe(true);
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
