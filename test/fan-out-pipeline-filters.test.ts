/**
 * Proves that each consumer receives exactly the events meant for it: the SNS filter policies and
 * EventBridge patterns are taken from the synthesized template and evaluated against sample
 * messages with the evaluator in test/support/event-filter.ts (itself tested first, below).
 *
 * This is the fast check (no server). test/fan-out-pipeline-filters.moto.test.ts runs the same
 * cases (test/support/fan-out-filter-cases.ts) on moto's SNS and EventBridge matchers and fails
 * when the evaluator and moto disagree.
 */
import { newStack } from './support/cdk';
import { matchesEventPattern, matchesSnsSubscription } from './support/event-filter';
import {
  EVALUATOR_EVENT,
  EVALUATOR_PATTERN_CASES,
  EVALUATOR_SNS_CASES,
  PIPELINE_CASES,
  rulesByConsumer,
  subscriptionsByConsumer,
} from './support/fan-out-filter-cases';

describe('the evaluator (test/support/event-filter.ts)', () => {
  test.each(EVALUATOR_PATTERN_CASES)('pattern %j matches: %s', (pattern, expected) => {
    expect(matchesEventPattern(pattern as any, EVALUATOR_EVENT)).toBe(expected);
  });

  test('nested patterns against an array of objects need one element to match as a whole', () => {
    const notification = { Records: [{ s3: { object: { key: 'a.pdf', size: 0 } } }, { s3: { object: { key: 'b.txt', size: 5 } } }] };
    expect(matchesEventPattern({ Records: { s3: { object: { key: [{ suffix: '.pdf' }], size: [{ numeric: ['>', 0] }] } } } }, notification)).toBe(false);
    expect(matchesEventPattern({ Records: { s3: { object: { key: [{ suffix: '.txt' }], size: [{ numeric: ['>', 0] }] } } } }, notification)).toBe(true);
  });

  test.each(EVALUATOR_SNS_CASES)('SNS subscription %j receives %j: %s', (subscription, message, expected) => {
    expect(matchesSnsSubscription(subscription, message)).toBe(expected);
  });

  test('rules outside the supported subset throw instead of being ignored', () => {
    expect(() => matchesEventPattern({ source: [{ cidr: '10.0.0.0/24' }] }, EVALUATOR_EVENT)).toThrow("unsupported matching operator 'cidr'");
    expect(() => matchesEventPattern({ $or: [] } as any, EVALUATOR_EVENT)).toThrow("unsupported pattern key '$or'");
    expect(() => matchesEventPattern({ source: [] }, EVALUATOR_EVENT)).toThrow('an empty rule array matches nothing');
  });
});

function recipients(filters: Map<string, any>, matches: (filter: any) => boolean): string[] {
  return [...filters.entries()].filter(([, f]) => matches(f)).map(([name]) => name).sort();
}

for (const pipelineCase of PIPELINE_CASES) {
  describe(pipelineCase.title, () => {
    const stack = newStack();
    const pipeline = pipelineCase.build(stack);
    if (pipelineCase.kind === 'sns') {
      const filters = subscriptionsByConsumer(stack, pipeline);
      test.each(pipelineCase.samples)('$label reaches $expected', ({ message, expected }) => {
        expect(recipients(filters, (f) => matchesSnsSubscription(f, message))).toEqual(expected);
      });
    } else {
      const rules = rulesByConsumer(stack, pipeline);
      test('nothing is left unresolved in the patterns', () => {
        for (const rule of rules.values()) expect(JSON.stringify(rule.EventPattern)).not.toContain('"Ref"');
      });
      test.each(pipelineCase.samples)('$label reaches $expected', ({ event, expected }) => {
        expect(recipients(rules, (r) => matchesEventPattern(r.EventPattern, event))).toEqual(expected);
      });
    }
  });
}
