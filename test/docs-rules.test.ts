import * as fs from 'fs';
import * as path from 'path';
import { generateDocs } from '../scripts/docs-rules';
import { ALL_RULES } from '../lib/rules';

const root = path.join(__dirname, '..');
const generated = generateDocs();

test.each(Object.keys(generated))('%s is what `npm run docs` generates from lib/ (run it after changing a rule or a check)', (file) => {
  expect(fs.readFileSync(path.join(root, file), 'utf8')).toBe(generated[file]);
});

test('rules.md has a section for every rule, with its severity, summary, message and fix from lib/rules', () => {
  const rules = generated['docs/rules.md'];
  for (const rule of ALL_RULES) {
    const section = rules.split(`\n## ${rule.id}\n`)[1]?.split('\n## ')[0] ?? '';
    expect(section).toContain(`default severity: ${rule.defaultSeverity}`);
    expect(section.toLowerCase()).toContain(rule.summary.toLowerCase());
    expect(section).toMatch(/- message: .{20,}/);
    expect(section).toMatch(/- fix: .{10,}/);
  }
  // A message is rendered from the rule's template: literal text kept, values named.
  expect(rules).toContain('is below 6 x the ');
  expect(rules).toContain('= ‹minimum› s: messages still being processed become visible again and are processed twice');
});

test('errors.md lists each construct\'s checks with prop, message and fix, rule checks linked to rules.md', () => {
  const errors = generated['docs/errors.md'];
  const sqsWorker = errors.split('\n## SqsWorker\n')[1].split('\n## ')[0];
  expect(sqsWorker).toContain('| `batchSize` | FIFO queues deliver at most 10 records per batch (given ‹batchSize›) | set batchSize to 10 or less, or use a standard queue |');
  expect(sqsWorker).toContain('| `maxReceiveCount` | must be an integer between 1 and 1000 inclusive (given ‹value›) |');
  expect(sqsWorker).toContain('rule [`SPG-SQS-VISIBILITY`](rules.md#spg-sqs-visibility)');
  expect(errors).toContain('## SagaStateMachine');
  expect(errors).toContain('## StreamWorker');
});
