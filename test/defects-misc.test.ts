// Defects of issue 25 (items 9-11, 14, 15): warnings and errors a new user meets at synth.
import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { HandlerCode, ServerlessDashboard, SqsWorker, StreamSource, StreamWorker } from '../lib';
import { newStack, template, warningsOf } from './support/cdk';

/** The warnings of one id under `stack`. */
const warningsWithId = (stack: Stack, id: string) => warningsOf(stack).filter((w) => w.includes(`:${id}]`));

describe('StreamWorker on a DynamoDB stream with reservedConcurrency', () => {
  test('warns with a fix that applies to DynamoDB (no shardCount to pass)', () => {
    const stack = newStack();
    const table = new dynamodb.Table(stack, 'Orders', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING }, stream: dynamodb.StreamViewType.NEW_IMAGE,
    });
    new StreamWorker(stack, 'Projector', {
      handler: HandlerCode.bundled('stream-worker/example'), source: StreamSource.dynamoDb(table), reservedConcurrency: 4,
    });
    expect(warningsWithId(stack, 'StreamWorker.reservedConcurrencyUnknownShards')).toEqual([
      'reservedConcurrency 4 covers 4 shard(s) at parallelizationFactor 1, and the shard count is not known at synth: if the stream '
      + 'has more shards, they wait for a free slot and fall behind. DynamoDB manages the stream\'s shards (about one per table '
      + 'partition), so their number is never known at synth: leave the function unreserved, or reserve at least the table\'s '
      + 'partitions x parallelizationFactor and acknowledge this warning. [ack: cdk-serverless-patterns:StreamWorker.reservedConcurrencyUnknownShards]',
    ]);
  });
});

describe('ServerlessDashboard', () => {
  test('with nothing to show warns (an empty dashboard is billed) and says how to fix it', () => {
    const stack = newStack();
    new ServerlessDashboard(stack, 'Dashboard');
    template(stack);
    expect(warningsOf(stack)).toEqual([
      'shows nothing: no construct of this library is under TestStack and none was added with addConstruct(), and an empty '
      + 'dashboard is still billed monthly. Set scope to the stack, Stage or App that holds the constructs, call addConstruct(), '
      + 'or remove the dashboard [ack: cdk-serverless-patterns:ServerlessDashboard.empty]',
    ]);
  });

  test('with a construct to show does not warn', () => {
    const stack = newStack();
    new SqsWorker(stack, 'Worker', { handler: HandlerCode.bundled('sqs-worker/example') });
    new ServerlessDashboard(stack, 'Dashboard');
    template(stack);
    expect(warningsWithId(stack, 'ServerlessDashboard.empty')).toEqual([]);
  });

  test('a token defaultInterval becomes the dashboard\'s start, in the unit it was given in', () => {
    const stack = newStack();
    const hours = new CfnParameter(stack, 'Hours', { type: 'Number' }).valueAsNumber;
    new SqsWorker(stack, 'Worker', { handler: HandlerCode.bundled('sqs-worker/example') });
    new ServerlessDashboard(stack, 'Dashboard', { defaultInterval: Duration.hours(hours) });
    const [dashboard] = Object.values(template(stack).findResources('AWS::CloudWatch::Dashboard'));
    const [, parts] = dashboard.Properties.DashboardBody['Fn::Join'];
    expect(JSON.stringify(parts)).toContain('"{\\"start\\":\\"-PT",{"Ref":"Hours"},"H\\"');
  });

  test('a token defaultInterval in milliseconds is an error naming the prop', () => {
    const stack = new Stack(new App(), 'TestStack');
    const ms = new CfnParameter(stack, 'Ms', { type: 'Number' }).valueAsNumber;
    expect(() => new ServerlessDashboard(stack, 'Dashboard', { defaultInterval: Duration.millis(ms) })).toThrow(
      "TestStack/Dashboard: invalid prop 'defaultInterval': is a token in millis, and the dashboard's start is set in seconds, minutes, "
      + 'hours or days. Fix: give it as Duration.minutes(param.valueAsNumber) (or seconds, hours, days)');
  });
});

describe('HandlerCode.bundled with a name that is not bundled', () => {
  test('lists the bundled handlers and says nothing about building', () => {
    let message = '';
    try {
      HandlerCode.bundled('sqs-worker/exmaple');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe("cdk-serverless-patterns: HandlerCode.bundled('sqs-worker/exmaple') names no bundled handler. The bundled "
      + 'handlers are: async-function/example, async-function/redrive, durable-function/order-saga, fan-out-pipeline/example, provisioned-api/example, '
      + 'saga-state-machine/approve-order, saga-state-machine/charge-payment, saga-state-machine/create-shipment, '
      + 'saga-state-machine/refund-payment, saga-state-machine/release-inventory, saga-state-machine/reserve-inventory, '
      + 'scheduled-job/example, sqs-worker/example, stream-worker/example, stream-worker/read-model');
    expect(message).not.toMatch(/npm|build|bundle`/);
  });
});

describe('SqsWorker with HandlerCode.fromFunction and a function that sets no timeout', () => {
  const own = (stack: Stack, timeout?: Duration) => new lambda.Function(stack, 'Own', {
    code: lambda.Code.fromInline('exports.handler = async () => ({ batchItemFailures: [] });'), handler: 'index.handler',
    runtime: lambda.Runtime.NODEJS_22_X, timeout,
  });

  test('warns that the queue\'s visibility timeout is the 16-minute fallback, with the fix', () => {
    const stack = newStack();
    const worker = new SqsWorker(stack, 'Worker', { handler: HandlerCode.fromFunction(own(stack)) });
    expect(worker.visibilityTimeout?.toSeconds()).toBe(960);
    template(stack).hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 960 });
    expect(warningsWithId(stack, 'SqsWorker.visibilityTimeoutAssumed')).toEqual([
      'the function given with HandlerCode.fromFunction() sets no timeout the worker can read, so the queue\'s visibility timeout '
      + 'is 16 minutes (the longest a function can run, 15 minutes, plus 1): a message whose invocation failed without reporting '
      + 'it is received again only after 16 minutes. Set the function\'s timeout (the queue gets 6 x timeout + maxBatchingWindow), '
      + 'or set visibilityTimeout [ack: cdk-serverless-patterns:SqsWorker.visibilityTimeoutAssumed]',
    ]);
  });

  test('with the function\'s timeout, or visibilityTimeout given, there is no warning', () => {
    const stack = newStack();
    const worker = new SqsWorker(stack, 'Worker', { handler: HandlerCode.fromFunction(own(stack, Duration.seconds(20))) });
    expect(worker.visibilityTimeout?.toSeconds()).toBe(120);
    const other = newStack('Other');
    new SqsWorker(other, 'Worker', { handler: HandlerCode.fromFunction(own(other)), visibilityTimeout: Duration.minutes(2) });
    expect([...warningsWithId(stack, 'SqsWorker.visibilityTimeoutAssumed'), ...warningsWithId(other, 'SqsWorker.visibilityTimeoutAssumed')]).toEqual([]);
  });
});
