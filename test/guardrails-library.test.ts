import { App, Aspects } from 'aws-cdk-lib';
import { ConcurrencyBudget, HandlerCode, ProvisionedApi, ProvisionedApiEndpoint, ServerlessGuardrails } from '../lib';
import { demoStack, envStack, findingsOf, LIBRARY_CONSTRUCTS, messagesOf } from './guardrails-support';


describe('our own constructs pass our own guardrails', () => {
  test.each(LIBRARY_CONSTRUCTS)('%s with defaults gets no guardrail finding', (_name, _file, create) => {
    const app = new App();
    Aspects.of(app).add(new ServerlessGuardrails());
    const stack = envStack(app, 'Guarded');
    create(stack);
    expect(findingsOf(stack)).toEqual([]);
  });

  test('ProvisionedApi with a function URL (on the alias) gets no guardrail finding', () => {
    const app = new App();
    Aspects.of(app).add(new ServerlessGuardrails());
    const stack = envStack(app, 'Guarded');
    new ProvisionedApi(stack, 'Construct', { handler: HandlerCode.bundled('provisioned-api/example'), endpoint: ProvisionedApiEndpoint.FUNCTION_URL });
    expect(findingsOf(stack)).toEqual([]);
  });

  test('the demo app gets no guardrail finding, and its concurrency budget is an info', () => {
    const app = new App();
    Aspects.of(app).add(new ServerlessGuardrails());
    ConcurrencyBudget.of(app);
    const stack = demoStack(app);
    expect(findingsOf(stack)).toEqual([{ level: 'info', path: '/ServerlessPatternsDemo', rule: 'SPG-CONCURRENCY-BUDGET' }]);
    expect(messagesOf(stack).find((m) => m.message.startsWith('[SPG-CONCURRENCY-BUDGET]'))?.message)
      .toMatch(/environment 123456789012\/us-east-1: \d+ function\(s\) reserve \d+ of the account limit 1000/);
  });
});
