import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import {
  HandlerCode, JobSchedule, SagaStateMachine, ScheduledJob, ScheduledJobTarget, ServerlessCostReport, ServerlessCostReportResult,
  ServerlessFunction, SqsWorker,
} from '../lib';
import { renderCostTable } from '../lib/cost/table';
import { envStack } from './guardrails-support';

function reportOf(app: App): ServerlessCostReportResult {
  const report = ServerlessCostReport.of(app);
  app.synth();
  return report.result!;
}

const stepFunction = (stack: Stack, id: string) =>
  new ServerlessFunction(stack, id, { handler: HandlerCode.bundled('saga-state-machine/reserve-inventory'), memorySize: 1024 });

describe('ServerlessCostReport defects of issue 25', () => {
  test('a saga: Lambda steps inside a parallel group are priced, and the duration is split by sequential slots', () => {
    const app = new App();
    const stack = envStack(app, 'S');
    new SagaStateMachine(stack, 'Saga', {
      alarmsEnabled: false,
      steps: [
        { name: 'reserve', action: stepFunction(stack, 'Reserve') },
        { name: 'fulfil', parallel: [
          { name: 'charge', action: stepFunction(stack, 'Charge') },
          { name: 'ship', action: stepFunction(stack, 'Ship') },
        ] },
        { name: 'confirm', action: stepFunction(stack, 'Confirm') },
      ],
      // 12 s per execution over three sequential slots (reserve, the group, confirm): 4 s each; both branches run for the group's 4 s.
      expectedLoad: { perMonth: 1000, averageDuration: Duration.seconds(12) },
    });
    const [saga] = reportOf(app).constructs;
    const durations = saga.lines.filter((l) => l.item.startsWith('duration arm64')).map((l) => [l.item, l.quantity]);
    expect(durations).toEqual([
      ['duration arm64 (step Reserve)', 1000 * 4 * 1],
      ['duration arm64 (step Charge)', 1000 * 4 * 1],
      ['duration arm64 (step Ship)', 1000 * 4 * 1],
      ['duration arm64 (step Confirm)', 1000 * 4 * 1],
    ]);
    expect(saga.lines.filter((l) => l.item.startsWith('requests')).map((l) => l.quantity)).toEqual([1000, 1000, 1000, 1000]);
  });

  test('a ScheduledJob feeding an SqsWorker of another stack pays its SendMessage', () => {
    const app = new App();
    const workers = envStack(app, 'Workers');
    const jobs = envStack(app, 'Jobs');
    const restock = new SqsWorker(workers, 'Restock', { handler: HandlerCode.bundled('sqs-worker/example'), alarmsEnabled: false });
    new ScheduledJob(jobs, 'ToQueue', { schedule: JobSchedule.rate(Duration.hours(1)), target: ScheduledJobTarget.sqsWorker(restock),
      alarmsEnabled: false, expectedLoad: {} });
    const job = reportOf(app).constructs.find((c) => c.path === 'Jobs/ToQueue')!;
    expect(job.lines.map((l) => `${l.service} ${l.item} ${l.quantity}`)).toContain('SQS SendMessage (to the target queue) 730');
  });

  test('the table of a report over several stacks labels its total as the whole app\'s', () => {
    const app = new App({ context: { 'cdk-serverless-patterns:costTable': true } });
    for (const id of ['One', 'Two']) {
      new SqsWorker(envStack(app, id), 'Worker', { handler: HandlerCode.bundled('sqs-worker/example'), expectedLoad: { perMonth: 1000 } });
    }
    const report = ServerlessCostReport.of(app);
    app.synth();
    const note = app.node.findAll().flatMap((c) => c.node.metadata).find((m) => String(m.data).includes('monthly cost estimate'));
    expect(String(note!.data)).toMatch(/^monthly cost estimate of the app \(2 stacks: One, Two\): \$/);
    expect(renderCostTable(report.result!)).toMatch(/^monthly cost estimate: \$/);
  });

  test('a token perMonth (a CfnParameter) is not estimated, with the reason, instead of failing synth', () => {
    const app = new App();
    const stack = envStack(app, 'S');
    const perMonth = new CfnParameter(stack, 'Messages', { type: 'Number' }).valueAsNumber;
    new SqsWorker(stack, 'Worker', { handler: HandlerCode.bundled('sqs-worker/example'), expectedLoad: { perMonth } });
    const [worker] = reportOf(app).constructs;
    expect(worker).toMatchObject({ estimated: false, monthlyCost: 0, lines: [],
      notEstimatedReason: 'expectedLoad.perMonth is a token (known only at deploy time); give a number to estimate' });
  });
});

