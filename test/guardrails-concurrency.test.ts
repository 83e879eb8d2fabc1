import { App, CfnParameter, CfnResource, Stack, Stage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ConcurrencyBudget, HandlerCode, SqsWorker } from '../lib';
import { findingsOf, messageOf, userFunction } from './guardrails-support';

const ENV = { account: '123456789012', region: 'us-east-1' };

function reserving(stack: Stack, id: string, reserved: number): lambda.Function {
  return userFunction(stack, id, { reservedConcurrentExecutions: reserved });
}

describe('ConcurrencyBudget', () => {
  test('reservations across stacks of one environment are summed: within budget is one info per stack with the totals', () => {
    const app = new App();
    ConcurrencyBudget.of(app);
    const orders = new Stack(app, 'Orders', { env: ENV });
    const billing = new Stack(app, 'Billing', { env: ENV });
    reserving(orders, 'Checkout', 500);
    reserving(billing, 'Invoices', 400);
    userFunction(billing, 'Unreserved');

    expect(findingsOf(orders)).toEqual([{ level: 'info', path: '/Orders', rule: 'SPG-CONCURRENCY-BUDGET' }]);
    expect(findingsOf(billing)).toEqual([{ level: 'info', path: '/Billing', rule: 'SPG-CONCURRENCY-BUDGET' }]);
    expect(messageOf(orders, 'SPG-CONCURRENCY-BUDGET')).toBe('[SPG-CONCURRENCY-BUDGET] environment 123456789012/us-east-1: '
      + '2 function(s) reserve 900 of the account limit 1000; 100 stay unreserved (buffer 100 kept). '
      + 'Reserved by: Orders/Checkout/Resource 500 (55.6% of reserved), Billing/Invoices/Resource 400 (44.4% of reserved). '
      + '[ack: cdk-serverless-patterns:SPG-CONCURRENCY-BUDGET]');
  });

  test('eating into the buffer is an error on every stack holding a reserving function, naming each function and its share', () => {
    const app = new App();
    ConcurrencyBudget.of(app);
    const orders = new Stack(app, 'Orders', { env: ENV });
    const billing = new Stack(app, 'Billing', { env: ENV });
    const other = new Stack(app, 'Other', { env: ENV });
    reserving(orders, 'Checkout', 500);
    reserving(billing, 'Invoices', 401);
    userFunction(other, 'Unreserved');

    expect(findingsOf(orders)).toEqual([{ level: 'error', path: '/Orders', rule: 'SPG-CONCURRENCY-BUDGET' }]);
    expect(findingsOf(billing)).toEqual([{ level: 'error', path: '/Billing', rule: 'SPG-CONCURRENCY-BUDGET' }]);
    expect(findingsOf(other)).toEqual([]);
    const message = messageOf(billing, 'SPG-CONCURRENCY-BUDGET');
    expect(message).toContain('environment 123456789012/us-east-1: functions reserve 901 of the account limit 1000, '
      + 'leaving 99 unreserved, below the buffer of 100');
    expect(message).toContain('Reserved by: Orders/Checkout/Resource 500 (55.5% of reserved), Billing/Invoices/Resource 401 (44.5% of reserved)');
    expect(message).toContain('Fix: lower reserved concurrency by 1');
  });

  test('environments are budgeted separately', () => {
    const app = new App();
    ConcurrencyBudget.of(app);
    const east = new Stack(app, 'East', { env: ENV });
    const west = new Stack(app, 'West', { env: { ...ENV, region: 'us-west-2' } });
    reserving(east, 'A', 600);
    reserving(west, 'B', 600);
    expect(findingsOf(east)).toEqual([{ level: 'info', path: '/East', rule: 'SPG-CONCURRENCY-BUDGET' }]);
    expect(findingsOf(west)).toEqual([{ level: 'info', path: '/West', rule: 'SPG-CONCURRENCY-BUDGET' }]);
    expect(messageOf(west, 'SPG-CONCURRENCY-BUDGET')).toContain('environment 123456789012/us-west-2: 1 function(s) reserve 600');
  });

  test('accountLimit and unreservedBuffer are configurable', () => {
    const app = new App();
    ConcurrencyBudget.of(app, { accountLimit: 3000, unreservedBuffer: 200 });
    const stack = new Stack(app, 'Big', { env: ENV });
    reserving(stack, 'A', 2801);
    expect(findingsOf(stack)).toEqual([{ level: 'error', path: '/Big', rule: 'SPG-CONCURRENCY-BUDGET' }]);
    expect(messageOf(stack, 'SPG-CONCURRENCY-BUDGET')).toContain('reserve 2801 of the account limit 3000, leaving 199 unreserved, below the buffer of 200');
  });

  test('environment-agnostic stacks are budgeted together as "unresolved environment", each with a warning', () => {
    const app = new App();
    ConcurrencyBudget.of(app);
    const a = new Stack(app, 'AgnosticA');
    const b = new Stack(app, 'AgnosticB');
    const placed = new Stack(app, 'Placed', { env: ENV });
    reserving(a, 'A', 450);
    reserving(b, 'B', 460);
    reserving(placed, 'C', 10);

    expect(findingsOf(a)).toEqual([
      { level: 'error', path: '/AgnosticA', rule: 'SPG-CONCURRENCY-BUDGET' },
      { level: 'warning', path: '/AgnosticA', rule: 'SPG-CONCURRENCY-UNRESOLVED-ENV' },
    ]);
    expect(messageOf(a, 'SPG-CONCURRENCY-BUDGET')).toContain('unresolved environment: functions reserve 910');
    expect(messageOf(b, 'SPG-CONCURRENCY-UNRESOLVED-ENV')).toContain('AgnosticB: the stack\'s account or region is unresolved');
    expect(messageOf(b, 'SPG-CONCURRENCY-UNRESOLVED-ENV')).toContain('Fix: set env: { account, region } on the stack');
    expect(findingsOf(placed)).toEqual([{ level: 'info', path: '/Placed', rule: 'SPG-CONCURRENCY-BUDGET' }]);
  });

  test('a reserved concurrency that is a token is left out of the sum with a warning on the function', () => {
    const app = new App();
    ConcurrencyBudget.of(app);
    const stack = new Stack(app, 'Params', { env: ENV });
    const reserve = new CfnParameter(stack, 'Reserve', { type: 'Number' });
    reserving(stack, 'A', reserve.valueAsNumber);
    reserving(stack, 'B', 100);
    expect(findingsOf(stack)).toEqual([
      { level: 'info', path: '/Params', rule: 'SPG-CONCURRENCY-BUDGET' },
      { level: 'warning', path: '/Params/A/Resource', rule: 'SPG-CONCURRENCY-UNRESOLVED-VALUE' },
    ]);
    expect(messageOf(stack, 'SPG-CONCURRENCY-BUDGET')).toContain('1 function(s) reserve 100 of the account limit 1000');
  });

  test('our constructs are counted like any other function', () => {
    const app = new App();
    ConcurrencyBudget.of(app);
    const stack = new Stack(app, 'Mixed', { env: ENV });
    new SqsWorker(stack, 'Worker', { handler: HandlerCode.bundled('sqs-worker/example'), reservedConcurrency: 850, maxConcurrency: 800 });
    reserving(stack, 'Theirs', 51);
    expect(findingsOf(stack)).toEqual([{ level: 'error', path: '/Mixed', rule: 'SPG-CONCURRENCY-BUDGET' }]);
    expect(messageOf(stack, 'SPG-CONCURRENCY-BUDGET')).toContain('Reserved by: Mixed/Worker/Function/Resource 850 (94.3% of reserved), Mixed/Theirs/Resource 51 (5.7% of reserved)');
  });

  test('invalid props throw naming the prop and the fix', () => {
    expect(() => new ConcurrencyBudget({ accountLimit: 0 }))
      .toThrow("ConcurrencyBudget: invalid prop 'accountLimit': must be an integer between 1 and 10000000 inclusive (given 0)");
    expect(() => new ConcurrencyBudget({ accountLimit: 100, unreservedBuffer: 100 }))
      .toThrow("ConcurrencyBudget: invalid prop 'unreservedBuffer': must be below accountLimit (given unreservedBuffer 100 >= accountLimit 100). Fix:");
  });

  test('stacks in a nested Stage are summed; over budget with no stack of the app itself to carry the error, synth throws it', () => {
    const app = new App();
    ConcurrencyBudget.of(app);
    const prod = new Stage(app, 'Prod', { env: ENV });
    reserving(new Stack(prod, 'Orders'), 'Checkout', 500);
    reserving(new Stack(prod, 'Billing'), 'Invoices', 401);
    expect(() => app.synth()).toThrow(/^App: ConcurrencyBudget: \[SPG-CONCURRENCY-BUDGET\] environment 123456789012\/us-east-1: functions reserve 901 .*Reserved by: Prod\/Orders\/Checkout\/Resource 500.*Fix: lower reserved concurrency by 1.*reserving stacks Prod\/Orders, Prod\/Billing are in nested Stages/);
  });

  test('a nested Stage within budget, or over budget with a stack of the app carrying the error: no throw', () => {
    const within = new App();
    ConcurrencyBudget.of(within);
    reserving(new Stack(new Stage(within, 'Prod', { env: ENV }), 'Orders'), 'Checkout', 500);
    expect(() => within.synth()).not.toThrow();

    const app = new App();
    ConcurrencyBudget.of(app);
    const top = new Stack(app, 'Top', { env: ENV });
    reserving(top, 'Shared', 300);
    reserving(new Stack(new Stage(app, 'Prod', { env: ENV }), 'Orders'), 'Checkout', 601);
    expect(findingsOf(top)).toEqual([{ level: 'error', path: '/Top', rule: 'SPG-CONCURRENCY-BUDGET' }]);
    expect(messageOf(top, 'SPG-CONCURRENCY-BUDGET')).toContain('Reserved by: Prod/Orders/Checkout/Resource 601');
  });

  test('a budget added to one stack only sums that stack', () => {
    const app = new App();
    const a = new Stack(app, 'A', { env: ENV });
    const b = new Stack(app, 'B', { env: ENV });
    ConcurrencyBudget.of(a);
    reserving(a, 'F', 500);
    reserving(b, 'G', 500);
    expect(findingsOf(a)).toEqual([{ level: 'info', path: '/A', rule: 'SPG-CONCURRENCY-BUDGET' }]);
    expect(findingsOf(b)).toEqual([]);
  });
});

describe('ConcurrencyBudget reads reserved concurrency as the synthesized template holds it', () => {
  const budgetError = (total: number, shares: string) => '[SPG-CONCURRENCY-BUDGET] environment 123456789012/us-east-1: '
    + `functions reserve ${total} of the account limit 1000, leaving ${1000 - total} unreserved, below the buffer of 100 every `
    + 'function without a reserve shares (Lambda rejects a reservation leaving less than 100). '
    + `Reserved by: ${shares}. Fix: lower reserved concurrency by ${total - 900} (prefer maxConcurrency on SQS event sources), `
    + 'or raise the quota and set accountLimit to it.';
  /** A stack in ENV of a new app with a default budget. */
  const budgetedStack = (id: string) => {
    const app = new App();
    ConcurrencyBudget.of(app);
    return new Stack(app, id, { env: ENV });
  };

  test('a property override raising a reservation over the budget is found; one lowering it below is not an error', () => {
    const raised = budgetedStack('Raised');
    const fn = reserving(raised, 'Checkout', 500);
    (fn.node.defaultChild as lambda.CfnFunction).addPropertyOverride('ReservedConcurrentExecutions', 950);
    expect(findingsOf(raised)).toEqual([{ level: 'error', path: '/Raised', rule: 'SPG-CONCURRENCY-BUDGET' }]);
    expect(messageOf(raised, 'SPG-CONCURRENCY-BUDGET')).toBe(budgetError(950, 'Raised/Checkout/Resource 950 (100% of reserved)'));

    const stack = budgetedStack('Lowered');
    (reserving(stack, 'Checkout', 950).node.defaultChild as lambda.CfnFunction).addPropertyOverride('ReservedConcurrentExecutions', 20);
    expect(findingsOf(stack)).toEqual([{ level: 'info', path: '/Lowered', rule: 'SPG-CONCURRENCY-BUDGET' }]);
    expect(messageOf(stack, 'SPG-CONCURRENCY-BUDGET')).toContain('1 function(s) reserve 20 of the account limit 1000; 980 stay unreserved');
  });

  test('an escape hatch setting the reservation on the L1 is counted', () => {
    const stack = budgetedStack('Hatch');
    (userFunction(stack, 'Checkout').node.defaultChild as lambda.CfnFunction).reservedConcurrentExecutions = 901;
    expect(findingsOf(stack)).toEqual([{ level: 'error', path: '/Hatch', rule: 'SPG-CONCURRENCY-BUDGET' }]);
    expect(messageOf(stack, 'SPG-CONCURRENCY-BUDGET')).toBe(budgetError(901, 'Hatch/Checkout/Resource 901 (100% of reserved)'));
  });

  test('a plain CfnFunction created outside the library is counted', () => {
    const stack = budgetedStack('Raw');
    new lambda.CfnFunction(stack, 'Legacy', {
      code: { zipFile: 'exports.handler = async () => ({});' }, handler: 'index.handler', runtime: 'nodejs22.x',
      role: 'arn:aws:iam::123456789012:role/legacy', reservedConcurrentExecutions: 800,
    });
    reserving(stack, 'Checkout', 101);
    expect(findingsOf(stack)).toEqual([{ level: 'error', path: '/Raw', rule: 'SPG-CONCURRENCY-BUDGET' }]);
    expect(messageOf(stack, 'SPG-CONCURRENCY-BUDGET')).toBe(budgetError(901, 'Raw/Legacy 800 (88.8% of reserved), Raw/Checkout/Resource 101 (11.2% of reserved)'));
  });

  test('a raw CfnResource of type AWS::Lambda::Function is counted too', () => {
    const stack = budgetedStack('Generic');
    new CfnResource(stack, 'Untyped', { type: 'AWS::Lambda::Function', properties: { ReservedConcurrentExecutions: 950 } });
    expect(findingsOf(stack)).toEqual([{ level: 'error', path: '/Generic', rule: 'SPG-CONCURRENCY-BUDGET' }]);
    expect(messageOf(stack, 'SPG-CONCURRENCY-BUDGET')).toBe(budgetError(950, 'Generic/Untyped 950 (100% of reserved)'));
  });

  test('an override with a CfnParameter is "cannot tell": a warning on the function, no error, left out of the sum', () => {
    const stack = budgetedStack('Param');
    const reserve = new CfnParameter(stack, 'Reserve', { type: 'Number' });
    (reserving(stack, 'Checkout', 950).node.defaultChild as lambda.CfnFunction)
      .addPropertyOverride('ReservedConcurrentExecutions', reserve.valueAsNumber);
    reserving(stack, 'Invoices', 100);
    expect(findingsOf(stack)).toEqual([
      { level: 'info', path: '/Param', rule: 'SPG-CONCURRENCY-BUDGET' },
      { level: 'warning', path: '/Param/Checkout/Resource', rule: 'SPG-CONCURRENCY-UNRESOLVED-VALUE' },
    ]);
    expect(messageOf(stack, 'SPG-CONCURRENCY-BUDGET')).toContain('1 function(s) reserve 100 of the account limit 1000; 900 stay unreserved');
    expect(messageOf(stack, 'SPG-CONCURRENCY-UNRESOLVED-VALUE')).toBe('[SPG-CONCURRENCY-UNRESOLVED-VALUE] Param/Checkout/Resource: reserved concurrency is only known '
      + 'at deploy time (a token), so the concurrency budget leaves it out. Fix: use a number, or check the sum against 900 yourself. '
      + '[ack: cdk-serverless-patterns:SPG-CONCURRENCY-UNRESOLVED-VALUE]');
  });
});
