import { Duration } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import {
  HandlerCode, JobSchedule, SagaStateMachine, SagaTask, ScheduledJob, ScheduledJobTarget,
} from '../lib';
import { sortedKeys } from '../lib/core/canonical-json';
import { newStack, template } from './support/cdk';

/**
 * Objects a template carries as JSON text keep no language's key order: a Go map arrives sorted, a Java
 * Map.of in any order, so the library sorts them and every jsii language gets the TypeScript app's
 * template (scripts/languages.sh compares them).
 */
describe('user objects rendered as JSON text have sorted keys', () => {
  test('sortedKeys sorts plain objects at every depth, keeps array order, leaves class instances alone', () => {
    const duration = Duration.minutes(1);
    const sorted = sortedKeys({ b: [{ z: 1, y: 2 }, 'x'], a: { d: duration, c: null } });
    expect(JSON.stringify(sorted)).toBe('{"a":{"c":null,"d":' + JSON.stringify(duration) + '},"b":[{"y":2,"z":1},"x"]}');
    expect((sorted as any).a.d).toBe(duration);
    expect(sortedKeys(undefined)).toBeUndefined();
  });

  test('a ScheduledJob payload, then the occurrence fields', () => {
    const stack = newStack();
    new ScheduledJob(stack, 'Job', {
      schedule: JobSchedule.cron('0 2 * * ? *'),
      target: ScheduledJobTarget.handler(HandlerCode.bundled('scheduled-job/example')),
      payload: { orderId: 'o-1', items: [{ sku: 'A', quantity: 1, price: 2.5 }] },
    });
    const [schedule] = Object.values(template(stack).findResources('AWS::Scheduler::Schedule'));
    expect(Object.keys(JSON.parse(schedule.Properties.Target.Input))).toEqual(
      ['items', 'orderId', 'scheduledTime', 'executionId', 'attemptNumber', 'scheduleArn']);
    expect(schedule.Properties.Target.Input).toContain('"items":[{"price":2.5,"quantity":1,"sku":"A"}],"orderId":"o-1"');
  });

  test('SagaTask object inputs and DynamoDB maps in the state machine definition', () => {
    const stack = newStack();
    const topic = new sns.Topic(stack, 'Topic');
    const table = new dynamodb.Table(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    const detail = sfn.TaskInput.fromObject({ 'orderId.$': '$.input.orderId', 'state': 'placed', 'shipment.$': '$.results.ship' });
    new SagaStateMachine(stack, 'Saga', {
      steps: [
        {
          name: 'record',
          actionTask: SagaTask.dynamoPutItem({
            table, item: { sk: tasks.DynamoAttributeValue.fromString('x'), pk: tasks.DynamoAttributeValue.fromString('y') },
          }),
        },
        { name: 'publish', actionTask: SagaTask.eventBridgePutEvents({ source: 'orders', detailType: 'OrderPlaced', detail }) },
        { name: 'notify', actionTask: SagaTask.snsPublish({ topic, message: detail }) },
      ],
    });
    const [machine] = Object.values(template(stack).findResources('AWS::StepFunctions::StateMachine'));
    const text = JSON.stringify(machine.Properties.DefinitionString);
    const sortedDetail = '{\\"orderId.$\\":\\"$.input.orderId\\",\\"shipment.$\\":\\"$.results.ship\\",\\"state\\":\\"placed\\"}';
    expect(text).toContain(`\\"Detail\\":${sortedDetail}`);
    expect(text).toContain(`\\"Message\\":${sortedDetail}`);
    expect(text).toContain('\\"Item\\":{\\"pk\\":{\\"S\\":\\"y\\"},\\"sk\\":{\\"S\\":\\"x\\"}}');
  });
});
