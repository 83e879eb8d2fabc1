import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { ROOT as root, snippets } from './support/readme-blocks';

/**
 * Every TypeScript example in README.md and packages/runtime/README.md compiles against the library as published: imports of
 * `cdk-serverless-patterns` resolve to lib/, `@cdk-serverless-patterns/runtime/*` to the runtime
 * package's sources. Snippets declare what they assume (`declare const stack: Stack`), as jsii-rosetta wants.
 *
 * README.md's `ts` blocks are construct code, which jsii-rosetta translates for Construct Hub. Handler code (Node.js
 * only, on the runtime package) is fenced `tsx` there, so rosetta leaves it alone; it is type-checked here all the same.
 * A whole compiler run (15-20 s of CPU), so it sits in the e2e project beside the other build checks.
 */
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
