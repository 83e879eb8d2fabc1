import * as fs from 'fs';
import * as path from 'path';

/**
 * The unit project (`npm run test:unit`, the edit-test loop) starts no process: suites that spawn
 * one (npm, the cdk CLI, python3, esbuild through `HandlerCode.fromEntry`, a bundle in a fresh
 * node) are `*.e2e.test.ts`, and the moto server's are `*.moto.test.ts` (jest.config.js).
 */
const TEST_DIR = __dirname;
/** What starts a process: Node's API, or the library's bundling of a user's entry (aws-cdk-lib runs esbuild). */
const SPAWNS = [/\bchild_process\b/, /\bHandlerCode\.fromEntry\(/];

const unitSuites = fs.readdirSync(TEST_DIR)
  .filter((name) => name.endsWith('.test.ts') && !/\.(e2e|moto)\.test\.ts$/.test(name));

/** The file and every module under test/ it imports, transitively. */
function withLocalImports(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const [, spec] of fs.readFileSync(file, 'utf8').matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
    const target = path.resolve(path.dirname(file), spec);
    if (target.startsWith(TEST_DIR + path.sep) && fs.existsSync(`${target}.ts`)) withLocalImports(`${target}.ts`, seen);
  }
  return seen;
}

test('the unit project holds at least the construct suites', () => {
  expect(unitSuites).toEqual(expect.arrayContaining(['sqs-worker.test.ts', 'jest-projects.test.ts']));
});

test.each(unitSuites)('%s starts no process (nor does a test module it imports)', (suite) => {
  const spawning = [...withLocalImports(path.join(TEST_DIR, suite))]
    .filter((file) => SPAWNS.some((pattern) => pattern.test(fs.readFileSync(file, 'utf8'))))
    .map((file) => path.relative(TEST_DIR, file));
  expect(spawning).toEqual([]);
});
