import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  AsyncFunction, HandlerCode, JobSchedule, ProvisionedApi, ScheduledJob, ScheduledJobTarget, ServerlessCostReport,
  ServerlessFunction, SqsWorker, StreamWorker,
} from '../lib';
import { newStack, template } from './support/cdk';

const inline = () => HandlerCode.fromCode(lambda.Code.fromInline('exports.handler = async () => ({})'), 'index.handler');

/** One of each construct that creates a function, in one stack. */
function everyConstruct(stack: Stack) {
  return {
    worker: new SqsWorker(stack, 'Worker', { handler: HandlerCode.bundled('sqs-worker/example') }),
    stream: new StreamWorker(stack, 'Stream', { handler: HandlerCode.bundled('stream-worker/example') }),
    async: new AsyncFunction(stack, 'Async', { handler: inline() }),
    api: new ProvisionedApi(stack, 'Api', { handler: inline() }),
    job: new ScheduledJob(stack, 'Job', {
      schedule: JobSchedule.rate(Duration.hours(1)), target: ScheduledJobTarget.handler(HandlerCode.bundled('scheduled-job/example')),
    }),
    plain: new ServerlessFunction(stack, 'Plain', { handler: inline() }),
  };
}

/** Logical ids of the functions the alarms on RecursiveInvocationsDropped watch. */
function watchedFunctions(t: Template): string[] {
  return Object.values(t.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'RecursiveInvocationsDropped' } }))
    .map((alarm) => {
      expect(alarm.Properties).toMatchObject({
        Namespace: 'AWS/Lambda', Statistic: 'Sum', Period: 300, Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching',
      });
      return alarm.Properties.Dimensions[0].Value.Ref as string;
    }).sort();
}

describe('recursive loop detection (recursiveLoop)', () => {
  const stack = newStack();
  everyConstruct(stack);
  const t = template(stack);
  const functions = t.findResources('AWS::Lambda::Function');

  test('every function the library creates says RecursiveLoop: Terminate in the template', () => {
    // Worker, stream, async + its redrive, api, job, plain ServerlessFunction.
    expect(Object.keys(functions)).toHaveLength(7);
    for (const fn of Object.values(functions)) expect(fn.Properties.RecursiveLoop).toBe('Terminate');
  });

  test('every function a construct wires has an alarm on RecursiveInvocationsDropped, the redrive included', () => {
    // The plain ServerlessFunction belongs to no construct with alarms: its owner alarms on it.
    const constructFunctions = Object.keys(functions).filter((id) => !id.startsWith('Plain')).sort();
    expect(constructFunctions).toHaveLength(6);
    expect(watchedFunctions(t)).toEqual(constructFunctions);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'RecursiveInvocationsDropped',
      AlarmDescription: Match.stringLikeRegexp('^TestStack/Async: Lambda found the redrive function in a recursive loop'),
    });
  });

  test('the alarm joins each construct\'s alarms (so alarmTopic, alarmsEnabled and the dashboard see it)', () => {
    const s = newStack();
    const c = everyConstruct(s);
    for (const owner of [c.worker, c.stream, c.api, c.job]) {
      expect(owner.alarms.filter((a) => (a.node.defaultChild as any).metricName === 'RecursiveInvocationsDropped')).toHaveLength(1);
    }
    expect(c.async.alarms.filter((a) => (a.node.defaultChild as any).metricName === 'RecursiveInvocationsDropped')).toHaveLength(2);
    const quiet = newStack('Quiet');
    new SqsWorker(quiet, 'Worker', { handler: HandlerCode.bundled('sqs-worker/example'), alarmsEnabled: false });
    template(quiet).resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });

  test('recursiveLoop ALLOW reaches the function, for a loop built on purpose', () => {
    const s = newStack();
    new SqsWorker(s, 'Worker', { handler: HandlerCode.bundled('sqs-worker/example'), recursiveLoop: lambda.RecursiveLoop.ALLOW });
    template(s).hasResourceProperties('AWS::Lambda::Function', { RecursiveLoop: 'Allow' });
  });

  test('recursiveLoop with a function of your own is an error: it configures a function the construct does not create', () => {
    const s = newStack();
    const fn = new lambda.Function(s, 'Own', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('x') });
    expect(() => new SqsWorker(s, 'Worker', { handler: HandlerCode.fromFunction(fn), recursiveLoop: lambda.RecursiveLoop.ALLOW })).toThrow(
      "TestStack/Worker: invalid prop 'recursiveLoop': cannot be combined with HandlerCode.fromFunction(), which wires a function you "
      + 'configure yourself. Fix: set recursiveLoop on your own function, or pass HandlerCode.fromCode() instead');
  });

  test('the cost report prices the extra alarm: one more alarm metric per function', () => {
    const app = new App();
    const s = new Stack(app, 'Costed', { env: { account: '123456789012', region: 'us-east-1' } });
    new SqsWorker(s, 'Worker', { handler: HandlerCode.bundled('sqs-worker/example'), expectedLoad: { perMonth: 1000 } });
    const report = ServerlessCostReport.of(app);
    app.synth();
    const alarms = report.result!.constructs[0].lines.find((l) => l.item === 'alarms')!;
    expect(alarms.formula).toBe('5 alarm(s) on 5 metric(s) x $0.10');
    expect(alarms.monthlyCost).toBeCloseTo(0.5, 10);
  });
});
