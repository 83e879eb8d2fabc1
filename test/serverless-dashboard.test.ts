import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import {
  AsyncFunction, ConsumerFilter, FanOutPipeline, FanOutSource, HandlerCode, ProvisionedApi, ProvisionedApiEndpoint, ServerlessDashboard, SqsWorker,
} from '../lib';
import { demoStack, envStack } from './guardrails-support';

type Json = any;

/**
 * The dashboard body of a template with its intrinsics resolved against the template: a Ref or
 * GetAtt to a resource becomes `@<logicalId>.<attribute>@` (the resource must exist), a pseudo
 * parameter its value. Then the body parses as JSON.
 */
function dashboardBody(template: Json, logicalId: string): Json {
  const resources = template.Resources as Record<string, { Type: string }>;
  const resolve = (part: Json): string => {
    if (typeof part === 'string') return part;
    if (part.Ref === 'AWS::Region') return 'us-east-1';
    if (part.Ref) {
      expect(resources[part.Ref]).toBeDefined();
      return `@${part.Ref}.Ref@`;
    }
    if (part['Fn::GetAtt']) {
      const [id, attribute] = part['Fn::GetAtt'];
      expect(resources[id]).toBeDefined();
      return `@${id}.${attribute}@`;
    }
    if (part['Fn::Join']) return (part['Fn::Join'][1] as Json[]).map(resolve).join(part['Fn::Join'][0]);
    throw new Error(`unexpected intrinsic in the dashboard body: ${JSON.stringify(part)}`);
  };
  return JSON.parse(resolve(template.Resources[logicalId].Properties.DashboardBody));
}

/** The resource type each dimension of each namespace must name, and the metrics each namespace has. */
const DIMENSIONS: Record<string, { metrics: string[]; dimensions: Record<string, [string, string]> }> = {
  'AWS/SQS': {
    metrics: ['ApproximateNumberOfMessagesVisible', 'ApproximateAgeOfOldestMessage'],
    dimensions: { QueueName: ['AWS::SQS::Queue', 'QueueName'] },
  },
  'AWS/Lambda': {
    metrics: ['Errors', 'Throttles', 'Duration', 'ConcurrentExecutions', 'DestinationDeliveryFailures', 'AsyncEventAge',
      'AsyncEventsDropped', 'ProvisionedConcurrencyUtilization', 'ProvisionedConcurrencySpilloverInvocations',
      'UrlRequestLatency', 'Url4xxCount', 'Url5xxCount', 'IteratorAge', 'OnFailureDestinationDeliveredEventCount', 'DroppedEventCount',
      'PolledEventCount', 'FailedInvokeEventCount',
      // Durable execution metrics: https://docs.aws.amazon.com/lambda/latest/dg/durable-monitoring.html
      'DurableExecutionStarted', 'DurableExecutionSucceeded', 'DurableExecutionFailed', 'DurableExecutionTimedOut', 'DurableExecutionOperations'],
    // An alias's metrics carry Resource `<function name>:<alias>`; a mapping's, its UUID.
    dimensions: {
      FunctionName: ['AWS::Lambda::Function', 'Ref'],
      Resource: ['AWS::Lambda::Function', 'Ref'],
      EventSourceMappingUUID: ['AWS::Lambda::EventSourceMapping', 'Ref'],
    },
  },
  'AWS/Scheduler': {
    metrics: ['InvocationAttemptCount', 'TargetErrorCount', 'InvocationDroppedCount'],
    dimensions: { ScheduleGroup: ['AWS::Scheduler::ScheduleGroup', 'Ref'] },
  },
  'cdk-serverless-patterns/ScheduledJob': {
    metrics: ['ScheduledJobSucceeded'],
    dimensions: { service: ['AWS::Lambda::Function', 'Ref'] },
  },
  'AWS/States': {
    metrics: ['ExecutionsStarted', 'ExecutionsSucceeded', 'ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionTime'],
    dimensions: { StateMachineArn: ['AWS::StepFunctions::StateMachine', 'Ref'] },
  },
  'CdkServerlessPatterns/Saga': {
    metrics: ['CompensationFailed'],
    // A durable saga puts it per function (packages/runtime/src/durable-saga.ts).
    dimensions: { StateMachineArn: ['AWS::StepFunctions::StateMachine', 'Ref'], FunctionName: ['AWS::Lambda::Function', 'Ref'] },
  },
  'AWS/ApiGateway': {
    metrics: ['Latency', '4xx', '5xx'],
    dimensions: { ApiId: ['AWS::ApiGatewayV2::Api', 'Ref'] },
  },
  'AWS/SNS': {
    metrics: ['NumberOfMessagesPublished', 'NumberOfNotificationsFailed'],
    dimensions: { TopicName: ['AWS::SNS::Topic', 'TopicName'] },
  },
};

/**
 * Dimensions whose value is a name fixed at synth rather than a reference: the property of the
 * resource that carries it (a schedule group's Name, a job function's SCHEDULED_JOB_NAME).
 */
const LITERAL_DIMENSIONS: Record<string, (resource: Json) => unknown> = {
  ScheduleGroup: (r) => r.Properties?.Name,
  service: (r) => r.Properties?.Environment?.Variables?.SCHEDULED_JOB_NAME,
};

/** Every metric of every widget names a known namespace and metric, and dimensions of resources of the right type. */
function checkMetrics(template: Json, body: Json): number {
  const resources = template.Resources as Record<string, { Type: string }>;
  let checked = 0;
  for (const widget of body.widgets as Json[]) {
    for (const metric of (widget.properties.metrics ?? []) as Json[][]) {
      const [namespace, metricName, ...rest] = metric;
      const known = DIMENSIONS[namespace];
      expect({ namespace, known: known !== undefined }).toEqual({ namespace, known: true });
      expect(known.metrics).toContain(metricName);
      const dimensions = rest.filter((x) => typeof x === 'string');
      expect(dimensions.length).toBeGreaterThan(0);
      for (let i = 0; i < dimensions.length; i += 2) {
        const [name, value] = [dimensions[i], dimensions[i + 1]];
        const [type, attribute] = known.dimensions[name];
        const literal = LITERAL_DIMENSIONS[name];
        if (literal && !value.includes('@')) {
          // A physical name or service name given at synth: a resource of the app must carry it.
          const carriers = Object.values(resources as Record<string, Json>).filter((r) => r.Type === type && literal(r) === value);
          expect({ metricName, name, value, carriers: carriers.length }).toEqual({ metricName, name, value, carriers: 1 });
          continue;
        }
        const ref = /@([A-Za-z0-9]+)\.([A-Za-z]+)@/.exec(value);
        expect({ metricName, name, value, ref: ref?.slice(1) }).toEqual({ metricName, name, value, ref: [expect.any(String), attribute] });
        expect({ metricName, name, type: resources[ref![1]].Type }).toEqual({ metricName, name, type });
      }
      checked++;
    }
  }
  return checked;
}

/** Logical ids of the alarms the alarm widgets show. */
function shownAlarms(body: Json): string[] {
  return (body.widgets as Json[]).flatMap((w) => (w.properties.alarms ?? []) as string[])
    .map((arn) => /^@([A-Za-z0-9]+)\.Arn@$/.exec(arn)![1]).sort();
}

function dashboardId(template: Json): string {
  const ids = Object.entries(template.Resources as Record<string, { Type: string }>)
    .filter(([, r]) => r.Type === 'AWS::CloudWatch::Dashboard').map(([id]) => id);
  expect(ids).toHaveLength(1);
  return ids[0];
}

describe('ServerlessDashboard over the demo app', () => {
  const stack = demoStack(new App());
  const template = Template.fromStack(stack).toJSON();
  const id = dashboardId(template);
  const body = dashboardBody(template, id);

  test('every metric names a namespace and the dimensions of a resource in the same app', () => {
    // 82 before each of the demo's 6 SqsWorker rows charted its mapping's polled and failed-invoke events (issue 28, +12)
    // and the demo gained a DurableFunction row (issue 27, +7).
    expect(checkMetrics(template, body)).toBe(101);
  });

  test('every alarm of the app is shown, once, in an alarm status widget', () => {
    const alarms = Object.entries(template.Resources as Record<string, { Type: string }>)
      .filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm').map(([alarm]) => alarm).sort();
    expect(shownAlarms(body)).toEqual(alarms);
  });

  test('one title row per construct and per fan-out consumer, the pipeline\'s workers not shown twice', () => {
    const titles = (body.widgets as Json[]).filter((w) => w.type === 'text').map((w) => w.properties.markdown);
    expect(titles).toEqual([
      '### AsyncFunction ServerlessPatternsDemo/UploadIndexer',
      '### DurableFunction ServerlessPatternsDemo/DurableOrderSaga',
      '### FanOutPipeline ServerlessPatternsDemo/UploadPipeline (SNS topic)',
      '### consumer ServerlessPatternsDemo/UploadPipeline/virus-scan',
      '### consumer ServerlessPatternsDemo/UploadPipeline/text-extraction',
      '### consumer ServerlessPatternsDemo/UploadPipeline/metadata-index',
      '### ProvisionedApi ServerlessPatternsDemo/CheckoutApi (HTTP API)',
      '### SqsWorker ServerlessPatternsDemo/PythonOrderWorker',
      '### SqsWorker ServerlessPatternsDemo/OrderSagaSteps/ApprovalWorker',
      '### SagaStateMachine ServerlessPatternsDemo/OrderSaga',
      '### ScheduledJob ServerlessPatternsDemo/NightlyReport (Europe/Berlin)',
      '### SqsWorker ServerlessPatternsDemo/OrderWorker',
      '### StreamWorker ServerlessPatternsDemo/OrdersProjector',
      '### StreamWorker ServerlessPatternsDemo/OrderEventsWorker',
    ]);
    expect(template.Resources[id].Properties.DashboardName).toBe('serverless-patterns-demo');
  });

  test('the body stays compact: 71 widgets, no alarm created for it, under 540 bytes per widget in the template', () => {
    // 61 before each SqsWorker row gained its mapping-events graph (issue 28, +6) and the demo a DurableFunction row (issue 27, +4).
    expect(body.widgets).toHaveLength(71);
    // 540 bytes per widget is the bound this test first set (20 KB for the 37 widgets of the demo then).
    expect(JSON.stringify(template.Resources[id].Properties.DashboardBody).length).toBeLessThan(540 * body.widgets.length);
    // Its only resource is the dashboard.
    const dashboard = stack.node.findAll().find((c) => c instanceof ServerlessDashboard)!;
    expect(dashboard.node.findAll().filter((c) => c.node.children.length === 0).map((c) => c.constructor.name)).toEqual(['CfnDashboard']);
  });
});

describe('ServerlessDashboard', () => {
  const handler = (name: string) => HandlerCode.bundled(name);

  test('shows constructs created after it, and addConstruct adds one from outside its scope', () => {
    const app = new App();
    const stack = envStack(app, 'S');
    const team = new Construct(stack, 'Team');
    const dashboard = new ServerlessDashboard(stack, 'Dashboard', { scope: team });
    const inside = new SqsWorker(team, 'Worker', { handler: handler('sqs-worker/example') });
    const outside = new ProvisionedApi(stack, 'Api', { handler: handler('provisioned-api/example'), endpoint: ProvisionedApiEndpoint.FUNCTION_URL });
    new AsyncFunction(stack, 'NotShown', { handler: handler('async-function/example') });
    dashboard.addConstruct(outside);
    dashboard.addConstruct(inside);
    const template = Template.fromStack(stack).toJSON();
    const body = dashboardBody(template, dashboardId(template));
    expect(dashboard.constructs).toEqual([inside, outside]);
    // The function URL's metrics are the alias's (Url*), still dimensions of the function.
    // worker: depth, DLQ, age, errors, throttles, polled, failed invokes, p99, concurrency; API: p50, p99, 4xx, 5xx, utilization, spillover
    expect(checkMetrics(template, body)).toBe(9 + 6);
    expect(JSON.stringify(body)).toContain('"Url5xxCount"');
    expect(() => dashboard.addConstruct(inside)).toThrow(
      "S/Dashboard: invalid prop 'addConstruct': was called after the dashboard was built (at synthesis). Fix: call addConstruct before app.synth()");
  });

  test('with the App as scope, constructs of another stack are referenced through exports', () => {
    const app = new App();
    const workers = envStack(app, 'Workers');
    const worker = new SqsWorker(workers, 'Worker', { handler: handler('sqs-worker/example') });
    const dashboard = new ServerlessDashboard(envStack(app, 'Monitoring'), 'Dashboard', { scope: app });
    const assembly = app.synth();
    expect(dashboard.constructs).toEqual([worker]);
    expect(JSON.stringify(assembly.getStackByName('Monitoring').template)).toContain('Fn::ImportValue');
    // 7, plus the mapping's UUID (its EventCount metrics) and the RecursiveInvocationsDropped alarm (issue 28).
    expect(Object.keys(assembly.getStackByName('Workers').template.Outputs)).toHaveLength(9);
  });

  test('addConstruct rejects a construct it cannot show, naming what it shows', () => {
    const stack = envStack(new App(), 'S');
    const dashboard = new ServerlessDashboard(stack, 'Dashboard');
    const fn = new lambda.Function(stack, 'Fn', {
      code: lambda.Code.fromInline('exports.handler = async () => ({});'), handler: 'index.handler', runtime: lambda.Runtime.NODEJS_22_X,
    });
    expect(() => dashboard.addConstruct(fn)).toThrow(
      "S/Dashboard: invalid prop 'addConstruct': S/Fn is not a construct this dashboard can show "
      + '(it shows SqsWorker, FanOutPipeline, SagaStateMachine, ProvisionedApi, AsyncFunction, StreamWorker, ScheduledJob, DurableFunction). Fix: pass one of those constructs');
  });

  test('an event-bus pipeline gets no topic graph; a bad dashboard name fails with the fix', () => {
    const stack = envStack(new App(), 'S');
    const pipeline = new FanOutPipeline(stack, 'Pipeline', {
      source: FanOutSource.eventBus(),
      consumers: [{ name: 'audit', handler: handler('fan-out-pipeline/example'), filter: ConsumerFilter.eventPattern({ source: ['app.orders'] }) }],
    });
    new ServerlessDashboard(stack, 'Dashboard');
    const template = Template.fromStack(stack).toJSON();
    const body = dashboardBody(template, dashboardId(template));
    expect(body.widgets.filter((w: Json) => w.type === 'text').map((w: Json) => w.properties.markdown))
      .toEqual([`### FanOutPipeline ${pipeline.node.path} (event bus)`, '### consumer S/Pipeline/audit']);
    checkMetrics(template, body);
    expect(() => new ServerlessDashboard(new Stack(new App(), 'T'), 'D', { dashboardName: 'on call' })).toThrow(
      "T/D: invalid prop 'dashboardName': must be 1 to 255 letters, digits, '-' or '_' (given 'on call'). Fix: use e.g. 'orders-on-call'");
  });
});
