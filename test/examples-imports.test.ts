import * as fs from 'fs';
import * as path from 'path';

/**
 * Issue 13 item 9: the demo app is what users copy, so it may use only what the package exports
 * (`../lib`, the package entry point), aws-cdk-lib, constructs, Node.js built-ins and its own files.
 */
const examplesDir = path.join(__dirname, '..', 'examples');
const ALLOWED = [/^\.\.\/lib$/, /^aws-cdk-lib(\/[\w-]+)?$/, /^constructs$/, /^\.\/[\w-]+$/, /^(node:)?(path|fs|os)$/];

function importsOf(file: string): string[] {
  const source = fs.readFileSync(path.join(examplesDir, file), 'utf8');
  return [...source.matchAll(/(?:from|require\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
}

test.each(fs.readdirSync(examplesDir).filter((f) => f.endsWith('.ts')))('examples/%s imports only the public API', (file) => {
  const imports = importsOf(file);
  expect(imports.length).toBeGreaterThan(0);
  expect(imports.filter((specifier) => !ALLOWED.some((pattern) => pattern.test(specifier)))).toEqual([]);
});

test('the check catches an internal import', () => {
  const offending = ["import { acknowledgeRule } from '../lib/core/nag';"].join('\n');
  const specifiers = [...offending.matchAll(/(?:from|require\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
  expect(specifiers.filter((s) => !ALLOWED.some((p) => p.test(s)))).toEqual(['../lib/core/nag']);
});
