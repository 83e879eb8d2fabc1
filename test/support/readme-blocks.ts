import * as fs from 'fs';
import * as path from 'path';

/**
 * The code blocks of README.md and packages/runtime/README.md, for the README's layout test
 * (test/readme.test.ts) and its type-check (test/readme-examples.e2e.test.ts).
 */
export const ROOT = path.join(__dirname, '..', '..');
export const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
/** The runtime's handler examples (Node.js only, so kept out of the jsii README) are checked the same way. */
export const runtimeDoc = fs.readFileSync(path.join(ROOT, 'packages', 'runtime', 'README.md'), 'utf8');
export const blocks = (markdown: string, lang: string) => [...markdown.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);
export const tsBlocks = (markdown: string) => blocks(markdown, 'ts');
/** README.md's handler code, fenced `tsx` so jsii-rosetta leaves it alone. */
export const readmeHandlers = blocks(readme, 'tsx');
/** Every TypeScript example: README.md's construct and handler code, and the runtime README's. */
export const snippets = [...tsBlocks(readme), ...readmeHandlers, ...tsBlocks(runtimeDoc)];
