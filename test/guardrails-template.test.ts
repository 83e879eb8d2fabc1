import { CfnParameter, Duration, NestedStack, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { HandlerCode, JobSchedule, ScheduledJob, ScheduledJobTarget } from '../lib';
import { findingsOf, guardedStack, messageOf, userFunction } from './guardrails-support';

const ESM_PATH = '/UserStack/Consumer/SqsEventSource:UserStackJobs51C9D9C0/Resource';

/** A correctly wired SQS consumer: visibility 60 s for a 10 s function, a DLQ, partial batch responses. */
function consumer(stack: Stack): { fn: lambda.Function; queue: sqs.Queue } {
  const fn = userFunction(stack, 'Consumer', { timeout: Duration.seconds(10) });
  const queue = new sqs.Queue(stack, 'Jobs', {
    visibilityTimeout: Duration.seconds(60), deadLetterQueue: { queue: new sqs.Queue(stack, 'Dlq'), maxReceiveCount: 5 },
  });
  fn.addEventSource(new SqsEventSource(queue, { reportBatchItemFailures: true }));
  return { fn, queue };
}

describe('ServerlessGuardrails judge the synthesized template', () => {
  test('an escape-hatch edit of the function (node.defaultChild) is judged', () => {
    const stack = guardedStack();
    const { fn } = consumer(stack);
    (fn.node.defaultChild as lambda.CfnFunction).timeout = 15;
    expect(findingsOf(stack)).toEqual([{ level: 'error', path: ESM_PATH, rule: 'SPG-SQS-VISIBILITY' }]);
    expect(messageOf(stack, 'SPG-SQS-VISIBILITY')).toContain('the visibility timeout of queue UserStack/Jobs/Resource (60 s) is below 6 x the '
      + 'timeout of function UserStack/Consumer/Resource (15 s) + the batching window (0 s) = 90 s');
  });

  test('addOverride of a nested property (the mapping\'s response types) is judged', () => {
    const stack = guardedStack();
    consumer(stack);
    const mapping = stack.node.findAll().find((c): c is lambda.CfnEventSourceMapping => c instanceof lambda.CfnEventSourceMapping)!;
    mapping.addOverride('Properties.FunctionResponseTypes', []);
    expect(findingsOf(stack)).toEqual([{ level: 'warning', path: ESM_PATH, rule: 'SPG-SQS-PARTIAL-BATCH' }]);
  });

  test('an override that fixes a violation clears it', () => {
    const stack = guardedStack();
    const { queue } = consumer(stack);
    (queue.node.defaultChild as sqs.CfnQueue).visibilityTimeout = 20;
    (queue.node.defaultChild as sqs.CfnQueue).addPropertyOverride('VisibilityTimeout', 60);
    expect(findingsOf(stack)).toEqual([]);
  });

  test('plain CfnFunction and CfnQueue written outside the library are judged like any other', () => {
    const stack = guardedStack();
    const role = 'arn:aws:iam::123456789012:role/worker';
    const fn = new lambda.CfnFunction(stack, 'RawFn', {
      role, runtime: 'nodejs22.x', handler: 'index.handler', timeout: 30, code: { zipFile: 'exports.handler = async () => ({});' },
      loggingConfig: { logGroup: 'worker-logs' },
    });
    const queue = new sqs.CfnQueue(stack, 'RawQueue', { visibilityTimeout: 100 });
    new lambda.CfnEventSourceMapping(stack, 'RawMapping', {
      functionName: fn.ref, eventSourceArn: queue.attrArn, functionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(findingsOf(stack)).toEqual([
      { level: 'error', path: '/UserStack/RawMapping', rule: 'SPG-SQS-VISIBILITY' },
      { level: 'error', path: '/UserStack/RawQueue', rule: 'SPG-SQS-REDRIVE' },
    ]);
    expect(messageOf(stack, 'SPG-SQS-VISIBILITY')).toBe('[SPG-SQS-VISIBILITY] UserStack/RawMapping: the visibility timeout of queue '
      + 'UserStack/RawQueue (100 s) is below 6 x the timeout of function UserStack/RawFn (30 s) + the batching window (0 s) = 180 s: '
      + 'messages still being processed become visible again and are processed twice. Fix: set the queue\'s visibilityTimeout to at '
      + 'least Duration.seconds(180), or lower the function timeout');
  });

  test('a CfnParameter in an override is "cannot tell": no finding', () => {
    const stack = guardedStack();
    const { queue } = consumer(stack);
    const seconds = new CfnParameter(stack, 'Visibility', { type: 'Number' });
    (queue.node.defaultChild as sqs.CfnQueue).addPropertyOverride('VisibilityTimeout', seconds.valueAsNumber);
    expect(findingsOf(stack)).toEqual([]);
  });

  test('the library\'s own override (ScheduledJob: retry attempts from a CfnParameter) is read from the template: cannot tell, no finding', () => {
    const stack = guardedStack();
    const attempts = new CfnParameter(stack, 'Attempts', { type: 'Number' });
    new ScheduledJob(stack, 'Job', {
      schedule: JobSchedule.cron('0 2 * * ? *'),
      target: ScheduledJobTarget.handler(HandlerCode.bundled('scheduled-job/example')),
      retryPolicy: { maxAttempts: attempts.valueAsNumber },
    });
    expect(findingsOf(stack).filter((f) => f.rule.startsWith('SPG-SCHEDULE'))).toEqual([]);
    // A user's override of the same property to a value outside AWS's limits is judged.
    const other = guardedStack();
    const job2 = new ScheduledJob(other, 'Job', {
      schedule: JobSchedule.cron('0 2 * * ? *'), target: ScheduledJobTarget.handler(HandlerCode.bundled('scheduled-job/example')),
    });
    (job2.schedule.node.defaultChild as scheduler.CfnSchedule).addPropertyOverride('Target.RetryPolicy.MaximumRetryAttempts', 200);
    expect(findingsOf(other).filter((f) => f.rule.startsWith('SPG-SCHEDULE'))).toEqual([
      { level: 'warning', path: '/UserStack/Job/Schedule/Resource', rule: 'SPG-SCHEDULE-RETRY' },
    ]);
    expect(messageOf(other, 'SPG-SCHEDULE-RETRY')).toContain('maximum retry attempts must be an integer between 0 and 185 (given 200)');
  });

  test('resources of a nested stack are judged too (CDK hands the plugin only top-level templates)', () => {
    const stack = guardedStack();
    const nested = new NestedStack(stack, 'Workers');
    new sqs.CfnQueue(nested, 'RawQueue', { visibilityTimeout: 100 });
    new lambda.CfnEventSourceMapping(nested, 'RawMapping', {
      functionName: 'arn:aws:lambda:us-east-1:123456789012:function:worker',
      eventSourceArn: (nested.node.findChild('RawQueue') as sqs.CfnQueue).attrArn,
      functionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(findingsOf(stack)).toEqual([{ level: 'error', path: '/UserStack/Workers/RawQueue', rule: 'SPG-SQS-REDRIVE' }]);
  });
});
