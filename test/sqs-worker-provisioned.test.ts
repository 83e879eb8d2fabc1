import { CfnParameter } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { FanOutPipeline, HandlerCode, ServerlessDashboard, SqsWorker, SqsWorkerProps } from '../lib';
import { newStack, template } from './support/cdk';

const handler = HandlerCode.bundled('sqs-worker/example');

function worker(props: Partial<SqsWorkerProps> = {}) {
  const stack = newStack();
  const w = new SqsWorker(stack, 'Worker', { handler, ...props });
  return { stack, worker: w };
}

describe('SqsWorker provisioned mode (provisionedPollers)', () => {
  test('renders ProvisionedPollerConfig on the mapping, without ScalingConfig', () => {
    const { stack, worker: w } = worker({ provisionedPollers: { minimumPollers: 5, maximumPollers: 50 } });
    template(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ProvisionedPollerConfig: { MinimumPollers: 5, MaximumPollers: 50 },
      ScalingConfig: Match.absent(),
    });
    expect(w.provisionedPollers).toEqual({ minimumPollers: 5, maximumPollers: 50 });
  });

  test('AWS\'s defaults fill what is not given (minimum 2, maximum 200)', () => {
    const { stack, worker: w } = worker({ provisionedPollers: {} });
    template(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ProvisionedPollerConfig: Match.objectEquals({}),
    });
    expect(w.provisionedPollers).toEqual({ minimumPollers: 2, maximumPollers: 200 });
  });

  test('by default the mapping polls on demand: no ProvisionedPollerConfig', () => {
    const { stack, worker: w } = worker();
    template(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', { ProvisionedPollerConfig: Match.absent() });
    expect(w.provisionedPollers).toBeUndefined();
  });

  test('the mapping publishes its EventCount metrics, and the worker offers them', () => {
    const { stack, worker: w } = worker();
    template(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', { MetricsConfig: { Metrics: ['EventCount'] } });
    const polled = w.metricPolledEvents();
    expect([polled.namespace, polled.metricName, polled.statistic]).toEqual(['AWS/Lambda', 'PolledEventCount', 'Sum']);
    expect(stack.resolve(polled.dimensions)).toEqual({ EventSourceMappingUUID: { Ref: expect.stringMatching(/^WorkerEventSourceMapping/) } });
    expect(w.metricFailedInvokeEvents().metricName).toBe('FailedInvokeEventCount');
  });

  test('FanOutPipeline consumers take it through their worker props', () => {
    const stack = newStack();
    new FanOutPipeline(stack, 'Pipeline', {
      consumers: [{ name: 'audit', handler, worker: { provisionedPollers: { minimumPollers: 3 } } }],
    });
    template(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', { ProvisionedPollerConfig: { MinimumPollers: 3 } });
  });

  test('the dashboard row charts the mapping\'s polled and failed-invoke events', () => {
    const { stack } = worker({ provisionedPollers: { minimumPollers: 2 } });
    new ServerlessDashboard(stack, 'Dashboard');
    const body = JSON.stringify(Object.values(template(stack).findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody);
    expect(body).toContain('Mapping events (provisioned pollers)');
    expect(body).toContain('PolledEventCount');
    expect(body).toContain('FailedInvokeEventCount');
  });
});

describe('provisionedPollers validation (path, prop, fix)', () => {
  const error = (props: Partial<SqsWorkerProps>) => () => worker(props);

  test('together with maxConcurrency: AWS accepts only one', () => {
    expect(error({ provisionedPollers: { minimumPollers: 2 }, maxConcurrency: 10 })).toThrow(
      "TestStack/Worker: invalid prop 'provisionedPollers': cannot be combined with maxConcurrency: an SQS event source mapping in "
      + 'provisioned mode scales its own pollers and AWS rejects MaximumConcurrency next to ProvisionedPollerConfig. Fix: remove '
      + 'maxConcurrency and bound the function with reservedConcurrency (the pollers stop scaling when it throttles), or remove '
      + 'provisionedPollers to keep on-demand polling with maxConcurrency');
  });

  test('out of range: minimum 2 to 200, maximum 2 to 2000, whole numbers', () => {
    expect(error({ provisionedPollers: { minimumPollers: 1 } })).toThrow(
      "TestStack/Worker: invalid prop 'provisionedPollers.minimumPollers': must be an integer between 2 and 200 inclusive (given 1). "
      + 'Fix: set provisionedPollers.minimumPollers to a value between 2 and 200');
    expect(error({ provisionedPollers: { minimumPollers: 201, maximumPollers: 300 } })).toThrow(/'provisionedPollers.minimumPollers': must be an integer between 2 and 200 inclusive \(given 201\)/);
    expect(error({ provisionedPollers: { maximumPollers: 2001 } })).toThrow(
      "TestStack/Worker: invalid prop 'provisionedPollers.maximumPollers': must be an integer between 2 and 2000 inclusive (given 2001). "
      + 'Fix: set provisionedPollers.maximumPollers to a value between 2 and 2000');
    expect(error({ provisionedPollers: { maximumPollers: 2.5 } })).toThrow(/'provisionedPollers.maximumPollers': must be an integer/);
  });

  test('minimum above maximum, given or defaulted', () => {
    expect(error({ provisionedPollers: { minimumPollers: 20, maximumPollers: 10 } })).toThrow(
      "TestStack/Worker: invalid prop 'provisionedPollers': minimumPollers (20) must not exceed maximumPollers (10). "
      + 'Fix: raise maximumPollers to at least 20, or lower minimumPollers to at most 10');
    expect(error({ provisionedPollers: { maximumPollers: 2 } })).not.toThrow();
  });

  test('tokens never error', () => {
    const stack = newStack();
    const min = new CfnParameter(stack, 'Min', { type: 'Number' }).valueAsNumber;
    const max = new CfnParameter(stack, 'Max', { type: 'Number' }).valueAsNumber;
    expect(() => new SqsWorker(stack, 'Worker', { handler, provisionedPollers: { minimumPollers: min, maximumPollers: max } })).not.toThrow();
    template(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ProvisionedPollerConfig: { MinimumPollers: { Ref: 'Min' }, MaximumPollers: { Ref: 'Max' } },
    });
  });
});
