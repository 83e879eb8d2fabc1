// The API compatibility gate: jsii-diff compares the built assembly (.jsii) with the last
// release's (api/<version>/), treating every change as an error (the package is "experimental",
// so jsii-diff's default would report none). A breaking change passes only when its key is in
// api/allowed-breaking-changes.txt AND CHANGELOG.md's [Unreleased] "Breaking changes" names the
// element, so an intended break cannot ship unannounced.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const allowList = join(root, 'api', 'allowed-breaking-changes.txt');
const baselines = readdirSync(join(root, 'api'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
if (baselines.length !== 1) throw new Error(`api/ must hold exactly one baseline folder (found: ${baselines.join(', ') || 'none'})`);
const baseline = join(root, 'api', baselines[0]);
if (!existsSync(join(root, '.jsii'))) throw new Error('no .jsii: run `npm run compile` first');

/** The element a jsii-diff key names, e.g. `removed:pkg.SagaStateMachineProps.type` -> `SagaStateMachineProps.type`. */
function elementOfKey(key) {
  const fqn = key.slice(key.indexOf(':') + 1);
  return fqn.slice(fqn.indexOf('.') + 1);
}

/** The text of CHANGELOG.md's `### Breaking changes` under `## [Unreleased]`. */
function unreleasedBreakingChanges(changelog) {
  const unreleased = changelog.split(/^## /m).find((s) => s.startsWith('[Unreleased]')) ?? '';
  const section = unreleased.split(/^### /m).find((s) => s.startsWith('Breaking changes')) ?? '';
  return section;
}

const keys = readFileSync(allowList, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
const breaking = unreleasedBreakingChanges(readFileSync(join(root, 'CHANGELOG.md'), 'utf8'));
const unannounced = keys.filter((key) => !breaking.includes(elementOfKey(key)));
if (unannounced.length > 0) {
  console.error(`api:diff: these intended breaking changes are not named under CHANGELOG.md [Unreleased] ### Breaking changes:\n  ${unannounced.join('\n  ')}`);
  process.exit(1);
}

const extra = process.argv.slice(2);
try {
  const out = execFileSync('jsii-diff', ['--error-on', 'all', '--ignore-file', allowList, ...extra, baseline, root], {
    cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split('.')[0] },
  });
  process.stdout.write(out);
  console.log(`api:diff: no unlisted breaking change against ${baselines[0]} (${keys.length} intended, each in CHANGELOG.md)`);
} catch (error) {
  process.stdout.write(error.stdout ?? '');
  process.stderr.write(error.stderr ?? '');
  console.error(`api:diff: breaking changes against ${baselines[0]}. If intended, add the key (npm run api:diff -- --keys) to api/allowed-breaking-changes.txt and name the element under CHANGELOG.md [Unreleased] ### Breaking changes.`);
  process.exit(1);
}
