import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { lambdaContext, loadBundledHandler } from './support/lambda';
import { LocalDynamo, startLocalDynamo } from './support/dynalite';
import { logger as runtimeLogger } from '../packages/runtime/src/logger';
import { createScheduledJobHandler, ScheduledJobEvent } from '../packages/runtime/src/scheduled-job';
import { HandlerCode, JobSchedule, ScheduledJob, ScheduledJobTarget } from '../lib';
import { newStack, template } from './support/cdk';

type JobHandler = (event: unknown, context: Context) => Promise<unknown>;

const NIGHTLY = 'arn:aws:scheduler:us-east-1:123456789012:schedule/TestStack-Job-Group-A12EB59D/nightly';

/** The event a ScheduledJob schedule delivers once Scheduler has filled in its context attributes. */
function schedulerEvent(executionId: string, scheduledTime: string, extra: Record<string, unknown> = {}, attemptNumber = '1'): ScheduledJobEvent {
  return {
    ...extra,
    scheduledTime,
    executionId,
    attemptNumber,
    scheduleArn: NIGHTLY,
  };
}

/** EMF lines (Powertools metrics writes them to stdout) and log lines (INFO to stdout, WARN and ERROR to stderr) the handler printed. */
function captureStdout() {
  const lines: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter((l) => l.trim().length > 0));
    return true;
  };
  const spies = [jest.spyOn(process.stdout, 'write').mockImplementation(capture), jest.spyOn(process.stderr, 'write').mockImplementation(capture)];
  return {
    metrics: () => lines.map((l) => JSON.parse(l)).filter((j) => j._aws !== undefined),
    logs: () => lines.map((l) => JSON.parse(l)).filter((j) => j._aws === undefined),
    restore: () => spies.forEach((spy) => spy.mockRestore()),
  };
}

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
  await dynamo.createIdempotencyTable('job-idempotency');
  await dynamo.createIdempotencyTable('source-idempotency');
});
afterAll(async () => {
  await dynamo.stop();
  for (const key of ['IDEMPOTENCY_TABLE_NAME', 'IDEMPOTENCY_TTL_SECONDS', 'SCHEDULED_JOB_NAME', 'SCHEDULED_JOB_METRIC_NAMESPACE']) delete process.env[key];
});

describe('bundled example job (assets/scheduled-job/example) against dynalite', () => {
  let handler: JobHandler;
  beforeAll(() => {
    Object.assign(process.env, {
      IDEMPOTENCY_TABLE_NAME: 'job-idempotency',
      IDEMPOTENCY_TTL_SECONDS: '86400',
      SCHEDULED_JOB_NAME: 'TestStack-Job-nightly',
      SCHEDULED_JOB_METRIC_NAMESPACE: 'cdk-serverless-patterns/ScheduledJob',
      // The bundle's logger reads its level at load; every test here captures what it prints.
      POWERTOOLS_LOG_LEVEL: 'INFO',
    });
    handler = loadBundledHandler<JobHandler>('scheduled-job/example');
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  });

  test('runs the occurrence and emits ScheduledJobSucceeded = 1 for the job', async () => {
    const out = captureStdout();
    try {
      const result = await handler(schedulerEvent('exec-1', '2027-03-29T00:30:00Z'), lambdaContext('nightly'));
      expect(result).toEqual({ day: '2027-03-28', from: '2027-03-28T00:30:00.000Z', to: '2027-03-29T00:30:00.000Z' });
      const [metric, ...others] = out.metrics();
      expect(others).toEqual([]);
      expect(metric).toMatchObject({
        _aws: { CloudWatchMetrics: [{ Namespace: 'cdk-serverless-patterns/ScheduledJob', Dimensions: [['service']],
          Metrics: [{ Name: 'ScheduledJobSucceeded', Unit: 'Count' }] }] },
        service: 'TestStack-Job-nightly',
        ScheduledJobSucceeded: 1,
      });
    } finally {
      out.restore();
    }
  });

  test('the same occurrence redelivered with a new execution id (a Scheduler retry) returns the stored result: no run, no success metric', async () => {
    const out = captureStdout();
    try {
      // Scheduler gives each attempted invocation its own execution id; the occurrence is the schedule and the scheduled time.
      const again = await handler(schedulerEvent('exec-1-retry', '2027-03-29T00:30:00Z', {}, '2'), lambdaContext('nightly'));
      expect(again).toEqual({ day: '2027-03-28', from: '2027-03-28T00:30:00.000Z', to: '2027-03-29T00:30:00.000Z' });
      expect(out.metrics()).toEqual([]);
      expect(out.logs().filter((l) => l.replayed === true).map((l) => [l.message, l.executionId, l.attemptNumber, l.scheduledTime])).toEqual([
        ['this occurrence already ran: its stored result is returned and the job does not run again', 'exec-1-retry', '2', '2027-03-29T00:30:00Z'],
      ]);
    } finally {
      out.restore();
    }
    const records = await dynamo.client.send(new ScanCommand({ TableName: 'job-idempotency' }));
    expect(records.Items?.map((i) => [i.id.S, i.status.S])).toEqual([[expect.stringMatching(/^#[A-Za-z0-9+/]{22}==$/), 'COMPLETED']]);
  });

  test('the next occurrence (a new scheduled time) runs', async () => {
    const out = captureStdout();
    try {
      const next = await handler(schedulerEvent('exec-2', '2027-03-30T00:30:00Z'), lambdaContext('nightly'));
      expect(next).toMatchObject({ day: '2027-03-29' });
      expect(out.metrics()).toHaveLength(1);
    } finally {
      out.restore();
    }
  });

  test('an event without the Scheduler fields (or with them unsubstituted) fails without a success metric', async () => {
    const out = captureStdout();
    try {
      await expect(handler({ scheduledTime: '2027-03-30T00:30:00Z', executionId: 'e' }, lambdaContext('nightly'))).rejects.toThrow(
        'the event has no scheduleArn: it did not come from a ScheduledJob schedule (its payload carries '
        + '<aws.scheduler.schedule-arn> and <aws.scheduler.scheduled-time>)');
      await expect(handler(schedulerEvent('e', '<aws.scheduler.scheduled-time>'), lambdaContext('nightly')))
        .rejects.toThrow(/the event has no scheduledTime/);
      expect(out.metrics()).toEqual([]);
    } finally {
      out.restore();
    }
  });
});

describe('createScheduledJobHandler (source) against dynalite', () => {
  beforeAll(() => runtimeLogger.setLogLevel('INFO'));
  afterAll(() => runtimeLogger.setLogLevel('SILENT'));
  const sourceJob = (job: Parameters<typeof createScheduledJobHandler>[0], jobName = 'source-job') =>
    createScheduledJobHandler(job, { idempotency: { tableName: 'source-idempotency', expiresAfterSeconds: 600 }, jobName });

  test('a failed run emits no success metric and is retried (Lambda: same execution id; Scheduler: a new one); later deliveries do not rerun', async () => {
    let calls = 0;
    const job = sourceJob(async (event) => {
      calls += 1;
      if (calls === 1) throw new Error('report store unavailable');
      return { ran: event.executionId, report: event.report };
    });
    const event = schedulerEvent('exec-9', '2027-11-07T05:30:00Z', { report: 'sales' });
    const out = captureStdout();
    try {
      await expect(job(event, lambdaContext('source'))).rejects.toThrow('report store unavailable');
      expect(out.metrics()).toEqual([]);
      await expect(job(event, lambdaContext('source'))).resolves.toEqual({ ran: 'exec-9', report: 'sales' });
      await expect(job(event, lambdaContext('source'))).resolves.toEqual({ ran: 'exec-9', report: 'sales' });
      await expect(job(schedulerEvent('exec-10', '2027-11-07T05:30:00Z', { report: 'sales' }, '2'), lambdaContext('source')))
        .resolves.toEqual({ ran: 'exec-9', report: 'sales' });
      expect(calls).toBe(2);
      // One success metric: the run that succeeded; the replays emit none.
      expect(out.metrics().map((m) => [m.service, m.ScheduledJobSucceeded])).toEqual([['source-job', 1]]);
    } finally {
      out.restore();
    }
  });

  test('a delivery of an occurrence that still runs elsewhere ends without an error, without running the job and without a metric', async () => {
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    let started!: () => void;
    const running = new Promise<void>((resolve) => { started = resolve; });
    const job = sourceJob(async (event) => {
      calls += 1;
      started();
      await gate;
      return { day: event.scheduledTime };
    }, 'overlap-job');
    const out = captureStdout();
    try {
      const first = job(schedulerEvent('exec-a', '2027-11-08T05:30:00Z'), lambdaContext('source'));
      await running;
      // Scheduler's at-least-once duplicate, with its own execution id, while the first run is in progress.
      await expect(job(schedulerEvent('exec-b', '2027-11-08T05:30:00Z'), lambdaContext('source'))).resolves.toBeUndefined();
      release();
      await expect(first).resolves.toEqual({ day: '2027-11-08T05:30:00Z' });
      expect(calls).toBe(1);
      expect(out.metrics().map((m) => [m.service, m.ScheduledJobSucceeded])).toEqual([['overlap-job', 1]]);
      expect(out.logs().filter((l) => l.executionId === 'exec-b').map((l) => [l.level, l.message])).toEqual([
        ['INFO', 'scheduled job started'],
        ['INFO', 'this occurrence is already running in another invocation: this delivery ends without running the job'],
      ]);
    } finally {
      out.restore();
    }
  });

  test('two schedules due at the same time are two occurrences: both run', async () => {
    const ran: string[] = [];
    const job = sourceJob(async (event) => { ran.push(event.scheduleArn); return event.scheduleArn; }, 'two-schedules');
    const hourly = 'arn:aws:scheduler:us-east-1:123456789012:schedule/g/hourly';
    const out = captureStdout();
    try {
      await job(schedulerEvent('exec-n', '2027-11-09T06:00:00Z'), lambdaContext('source'));
      await job({ ...schedulerEvent('exec-h', '2027-11-09T06:00:00Z'), scheduleArn: hourly }, lambdaContext('source'));
    } finally {
      out.restore();
    }
    expect(ran).toEqual([NIGHTLY, hourly]);
  });

  test('idempotency off runs every delivery', async () => {
    let calls = 0;
    const job = createScheduledJobHandler(() => { calls += 1; return calls; }, { idempotency: false, jobName: 'plain' });
    const out = captureStdout();
    try {
      await job(schedulerEvent('exec-1', '2027-01-01T00:00:00Z'), lambdaContext());
      await job(schedulerEvent('exec-1', '2027-01-01T00:00:00Z'), lambdaContext());
    } finally {
      out.restore();
    }
    expect(calls).toBe(2);
  });
});

/**
 * What EventBridge Scheduler does with the target Input before invoking: it replaces each
 * `<aws.scheduler.*>` context attribute with the occurrence's value.
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-context-attributes.html
 */
function substitute(input: string, values: Record<string, string>): unknown {
  return JSON.parse(input.replace(/<aws\.scheduler\.([a-z-]+)>/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`no value for <aws.scheduler.${name}>`);
    return values[name];
  }));
}

describe('synthesized ScheduledJob -> bundled handler -> the metric its alarm watches', () => {
  test('the template Input, once Scheduler fills it in, runs the job; the EMF line matches the missed-run alarm', async () => {
    const stack = newStack();
    new ScheduledJob(stack, 'Nightly', {
      schedule: JobSchedule.cron('30 2 * * ? *'),
      target: ScheduledJobTarget.handler(HandlerCode.bundled('scheduled-job/example')),
      payload: { report: 'daily-sales' },
    });
    const t = template(stack);
    const schedule = Object.values(t.findResources('AWS::Scheduler::Schedule'))[0].Properties;
    const fn = Object.values(t.findResources('AWS::Lambda::Function'))[0].Properties;
    const alarm = Object.values(t.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties)
      .find((a) => a.MetricName === 'ScheduledJobSucceeded');
    const env = fn.Environment.Variables as Record<string, unknown>;
    Object.assign(process.env, {
      IDEMPOTENCY_TABLE_NAME: 'job-idempotency',
      IDEMPOTENCY_TTL_SECONDS: env.IDEMPOTENCY_TTL_SECONDS,
      SCHEDULED_JOB_NAME: env.SCHEDULED_JOB_NAME,
      SCHEDULED_JOB_METRIC_NAMESPACE: env.SCHEDULED_JOB_METRIC_NAMESPACE,
    });
    const handler = loadBundledHandler<JobHandler>('scheduled-job/example');
    const event = substitute(schedule.Target.Input, {
      'scheduled-time': '2027-10-31T01:30:00Z',
      'execution-id': 'e4f1c0ffee',
      'attempt-number': '1',
      'schedule-arn': 'arn:aws:scheduler:us-east-1:123456789012:schedule/g/nightly',
    });
    expect(event).toEqual({ report: 'daily-sales', scheduledTime: '2027-10-31T01:30:00Z', executionId: 'e4f1c0ffee',
      attemptNumber: '1', scheduleArn: 'arn:aws:scheduler:us-east-1:123456789012:schedule/g/nightly' });
    const out = captureStdout();
    try {
      await expect(handler(event, lambdaContext('nightly'))).resolves.toEqual({
        day: '2027-10-30', from: '2027-10-30T01:30:00.000Z', to: '2027-10-31T01:30:00.000Z',
      });
      const [metric] = out.metrics();
      const emitted = metric._aws.CloudWatchMetrics[0];
      expect({
        namespace: emitted.Namespace,
        metric: emitted.Metrics[0].Name,
        dimensions: emitted.Dimensions[0].map((d: string) => ({ Name: d, Value: metric[d] })),
      }).toEqual({ namespace: alarm!.Namespace, metric: alarm!.MetricName, dimensions: alarm!.Dimensions });
    } finally {
      out.restore();
    }
  });
});
