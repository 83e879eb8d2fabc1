import { CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { GuardrailRule, GuardrailSeverity, SagaStateMachine, SagaTask, ServerlessGuardrails } from '../lib';
import { readDefinition } from '../lib/guardrails/state-machine-checks';
import { callbackTimeoutRule } from '../lib/rules/state-machine';
import { findingsOf, guardedStack, messageOf } from './guardrails-support';

function callbackTask(stack: Stack, id: string, props: Partial<tasks.SqsSendMessageProps> = {}) {
  return new tasks.SqsSendMessage(stack, id, {
    queue: sqs.Queue.fromQueueArn(stack, `${id}Queue`, `arn:aws:sqs:us-east-1:123456789012:${id}`),
    integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
    messageBody: sfn.TaskInput.fromObject({ token: sfn.JsonPath.taskToken }),
    ...props,
  });
}

function machine(stack: Stack, definition: sfn.IChainable, id = 'Machine'): sfn.StateMachine {
  return new sfn.StateMachine(stack, id, { definitionBody: sfn.DefinitionBody.fromChainable(definition) });
}

const PATH = '/UserStack/Machine/Resource';

describe('SPG-SFN-CALLBACK-TIMEOUT: the rule', () => {
  test('a waitForTaskToken task needs TimeoutSeconds or HeartbeatSeconds; unknown facts are no violation', () => {
    expect(callbackTimeoutRule.check({ waitsForTaskToken: true, hasTimeout: false, hasHeartbeat: false })?.rule).toBe(GuardrailRule.SFN_CALLBACK_TIMEOUT);
    expect(callbackTimeoutRule.check({ waitsForTaskToken: true, hasTimeout: true, hasHeartbeat: false })).toBeUndefined();
    expect(callbackTimeoutRule.check({ waitsForTaskToken: true, hasTimeout: false, hasHeartbeat: true })).toBeUndefined();
    expect(callbackTimeoutRule.check({ waitsForTaskToken: false, hasTimeout: false, hasHeartbeat: false })).toBeUndefined();
    expect(callbackTimeoutRule.check({ waitsForTaskToken: true })).toBeUndefined();
    expect(ServerlessGuardrails.defaultSeverity(GuardrailRule.SFN_CALLBACK_TIMEOUT)).toBe(GuardrailSeverity.ERROR);
  });
});

describe('SPG-SFN-CALLBACK-TIMEOUT over any state machine of the app', () => {
  test('a plain aws-cdk-lib state machine with an unbounded callback is an error naming the state', () => {
    const stack = guardedStack();
    machine(stack, callbackTask(stack, 'Approve'));
    expect(findingsOf(stack)).toEqual([{ level: 'error', path: PATH, rule: 'SPG-SFN-CALLBACK-TIMEOUT' }]);
    expect(messageOf(stack, 'SPG-SFN-CALLBACK-TIMEOUT')).toBe(
      "[SPG-SFN-CALLBACK-TIMEOUT] UserStack/Machine/Resource (state 'Approve'): the waitForTaskToken task has neither TimeoutSeconds "
      + 'nor HeartbeatSeconds: if the callback never comes it waits until the execution times out (up to a year) and no '
      + 'ExecutionsFailed alarm fires. Fix: set a task timeout (taskTimeout: sfn.Timeout.duration(...), or '
      + 'SagaTask.callbackVia*(..., { timeout })) and, for long waits, a heartbeat below it');
  });

  test('a timeout or a heartbeat bounds it; a request-response task is not a callback', () => {
    for (const props of [{ taskTimeout: sfn.Timeout.duration(Duration.hours(1)) }, { heartbeatTimeout: sfn.Timeout.duration(Duration.minutes(5)) }]) {
      const stack = guardedStack();
      machine(stack, callbackTask(stack, 'Approve', props));
      expect(findingsOf(stack)).toEqual([]);
    }
    const stack = guardedStack();
    machine(stack, new tasks.SqsSendMessage(stack, 'Send', {
      queue: sqs.Queue.fromQueueArn(stack, 'Q', 'arn:aws:sqs:us-east-1:123456789012:q'), messageBody: sfn.TaskInput.fromText('x'),
    }));
    expect(findingsOf(stack)).toEqual([]);
  });

  test('callbacks inside Parallel branches and Map iterations are found, one finding per state', () => {
    const stack = guardedStack();
    const parallel = new sfn.Parallel(stack, 'Both').branch(callbackTask(stack, 'A')).branch(callbackTask(stack, 'B', { taskTimeout: sfn.Timeout.duration(Duration.minutes(1)) }));
    const map = new sfn.Map(stack, 'Each').itemProcessor(callbackTask(stack, 'C'));
    machine(stack, parallel.next(map));
    const messages = findingsOf(stack);
    expect(messages).toEqual([
      { level: 'error', path: PATH, rule: 'SPG-SFN-CALLBACK-TIMEOUT' },
      { level: 'error', path: PATH, rule: 'SPG-SFN-CALLBACK-TIMEOUT' },
    ]);
  });

  test('a timeout from a path (TimeoutSecondsPath) counts as a timeout', () => {
    const stack = guardedStack();
    machine(stack, callbackTask(stack, 'Approve', { taskTimeout: sfn.Timeout.at('$.timeoutSeconds') }));
    expect(findingsOf(stack)).toEqual([]);
  });

  test('a definition it cannot read is not judged (cannot tell)', () => {
    const stack = guardedStack();
    const seconds = new CfnParameter(stack, 'Seconds', { type: 'Number' });
    const raw = new sfn.CfnStateMachine(stack, 'Raw', {
      roleArn: 'arn:aws:iam::123456789012:role/sfn',
      // A reference where JSON needs a number: the text does not parse without knowing it.
      definitionString: stack.toJsonString({ StartAt: 'A', States: { A: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', HeartbeatSeconds: seconds.valueAsNumber, End: true } } }),
    });
    expect(readDefinition(raw)).toBeUndefined();
    new sfn.CfnStateMachine(stack, 'FromS3', { roleArn: 'arn:aws:iam::123456789012:role/sfn', definitionS3Location: { bucket: 'b', key: 'k' } });
    expect(findingsOf(stack)).toEqual([]);
  });

  test('an object definition (CfnStateMachine.definition) is read too', () => {
    const stack = guardedStack();
    new sfn.CfnStateMachine(stack, 'Machine', {
      roleArn: 'arn:aws:iam::123456789012:role/sfn',
      definition: { StartAt: 'A', States: { A: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', End: true } } },
    });
    expect(findingsOf(stack)).toEqual([{ level: 'error', path: '/UserStack/Machine', rule: 'SPG-SFN-CALLBACK-TIMEOUT' }]);
  });

  test('the saga\'s callbacks always have a timeout: no finding', () => {
    const stack = guardedStack();
    new SagaStateMachine(stack, 'Saga', {
      steps: [
        { name: 'reserve', action: lambda.Function.fromFunctionArn(stack, 'R', 'arn:aws:lambda:us-east-1:123456789012:function:R') },
        { name: 'approve', actionTask: SagaTask.callbackViaQueue(new sqs.Queue(stack, 'Q'), { timeout: Duration.minutes(30) }) },
      ],
    });
    expect(findingsOf(stack).filter((f) => f.rule === 'SPG-SFN-CALLBACK-TIMEOUT')).toEqual([]);
  });
});
