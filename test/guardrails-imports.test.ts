import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join, resolve } from 'path';

const GUARDRAILS = join(__dirname, '..', 'lib', 'guardrails');

/** The runtime imports of a file that stay inside `root` (`import type` erases at compile time). */
function localImports(root: string, file: string): string[] {
  const source = readFileSync(file, 'utf-8');
  const found: string[] = [];
  for (const match of source.matchAll(/^(?:import|export)\s+(type\s+)?[^'";]*?from\s+'(\.[^']+)'/gm)) {
    if (match[1]) continue;
    const target = resolve(dirname(file), `${match[2]}.ts`);
    if (target.startsWith(`${root}/`)) found.push(target);
  }
  return found;
}

/** A runtime import cycle inside `root` reachable from `entry`, as the file names around it, or undefined. */
function findCycle(root: string, entry: string): string[] | undefined {
  const done = new Set<string>();
  const walk = (file: string, path: string[]): string[] | undefined => {
    if (path.includes(file)) return [...path.slice(path.indexOf(file)), file].map((f) => f.slice(root.length + 1));
    if (done.has(file)) return undefined;
    for (const next of localImports(root, file)) {
      const cycle = walk(next, [...path, file]);
      if (cycle) return cycle;
    }
    done.add(file);
    return undefined;
  };
  return walk(entry, []);
}

describe('lib/guardrails imports', () => {
  test('no runtime import cycle inside lib/guardrails', () => {
    expect(findCycle(GUARDRAILS, join(GUARDRAILS, 'index.ts'))).toBeUndefined();
  });

  test('the walk finds a runtime cycle, and ignores one made only of type imports', () => {
    const dir = mkdtempSync(join(tmpdir(), 'import-cycle-'));
    writeFileSync(join(dir, 'index.ts'), "export { a } from './a';\n");
    writeFileSync(join(dir, 'a.ts'), "import { b } from './b';\nexport const a = () => b;\n");
    writeFileSync(join(dir, 'b.ts'), "import type { T } from './c';\nimport { a } from './a';\nexport const b = () => a;\n");
    writeFileSync(join(dir, 'c.ts'), "import type { b } from './b';\nexport type T = typeof b;\n");
    expect(findCycle(dir, join(dir, 'index.ts'))).toEqual(['a.ts', 'b.ts', 'a.ts']);
    writeFileSync(join(dir, 'b.ts'), "import type { T } from './c';\nexport const b = (t?: T) => t;\n");
    expect(findCycle(dir, join(dir, 'index.ts'))).toBeUndefined();
  });
});
