import { readme, readmeHandlers, runtimeDoc, tsBlocks } from './support/readme-blocks';

/**
 * The README's layout: a guide of at most 40 KB, one section per construct in a fixed layout,
 * construct code in `ts` blocks and handler code (on the runtime package) in `tsx` blocks. Its
 * examples are type-checked by test/readme-examples.e2e.test.ts (a whole TypeScript program over
 * aws-cdk-lib's declarations: 15-20 s of CPU, so outside the unit loop).
 */
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
