import { Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as lib from '../lib';
import {
  AsyncDestination, AsyncDestinationKind, ConsumerFilter, ConsumerFilterKind, FanOutConsumer, FanOutPipeline, FanOutSource,
  FanOutSourceKind, HandlerCode, SagaTask, SagaTaskKind, ScheduledJobTarget, ScheduledJobTargetKind,
} from '../lib';
import { newStack, template } from './support/cdk';

// The narrowed public API (#26 item 5): the union-like classes bind themselves (no construct reads `kind`);
// what they exposed before still answers, deprecated, until 0.3.0.

const worker = HandlerCode.bundled('fan-out-pipeline/example');

describe('what left the public surface', () => {
  test('the TypeScript-only helpers are not exported from the package', () => {
    expect(Object.keys(lib)).not.toContain('serviceName');
    expect(Object.keys(lib)).not.toContain('JobScheduleKind');
    expect(Object.keys(lib)).not.toContain('parseCron');
  });
});

describe('deprecated accessors keep answering until 0.3.0', () => {
  test('ConsumerFilter: kind and what its factory was given', () => {
    const attributes = { type: sns.SubscriptionFilter.stringFilter({ allowlist: ['a'] }) };
    const filter = ConsumerFilter.snsAttributes(attributes);
    expect([filter.kind, filter.snsAttributePolicy, filter.snsPayloadPolicy, filter.pattern, filter.keyParts])
      .toEqual([ConsumerFilterKind.SNS_ATTRIBUTES, attributes, undefined, undefined, undefined]);
    expect([ConsumerFilter.s3KeySuffixes(['.jpg']).kind, ConsumerFilter.s3KeySuffixes(['.jpg']).keyParts])
      .toEqual([ConsumerFilterKind.S3_KEY_SUFFIXES, ['.jpg']]);
    expect(ConsumerFilter.eventPattern({ source: ['orders'] }).pattern).toEqual({ source: ['orders'] });
  });

  test('FanOutSource, AsyncDestination, SagaTask, ScheduledJobTarget: kind and the resources given', () => {
    const stack = newStack();
    const topic = new sns.Topic(stack, 'Topic');
    const queue = new sqs.Queue(stack, 'Queue');
    const fn = lambda.Function.fromFunctionName(stack, 'Fn', 'fn');
    const source = FanOutSource.snsTopic(topic);
    expect([source.kind, source.existingTopic, source.existingEventBus]).toEqual([FanOutSourceKind.SNS_TOPIC, topic, undefined]);
    const destination = AsyncDestination.toQueue(queue);
    expect([destination.kind, destination.resource]).toEqual([AsyncDestinationKind.QUEUE, queue]);
    expect(destination.destination.bind).toBeInstanceOf(Function);
    expect(AsyncDestination.toFunction(fn).kind).toBe(AsyncDestinationKind.FUNCTION);
    const callback = SagaTask.callbackViaFunction(fn, { timeout: Duration.hours(1) });
    expect([callback.kind, callback.callback, callback.function]).toEqual([SagaTaskKind.CALLBACK, { timeout: Duration.hours(1) }, fn]);
    expect([SagaTask.snsPublish({ topic }).kind, SagaTask.snsPublish({ topic }).callback]).toEqual([SagaTaskKind.SERVICE, undefined]);
    const options = { timeout: Duration.minutes(1) };
    const target = ScheduledJobTarget.handler(worker, options);
    expect([target.kind, target.handlerCode, target.functionOptions, target.worker]).toEqual([ScheduledJobTargetKind.FUNCTION, worker, options, undefined]);
    const machine = sfn.StateMachine.fromStateMachineName(stack, 'Machine', 'machine');
    expect([ScheduledJobTarget.stateMachine(machine).kind, ScheduledJobTarget.stateMachine(machine).targetStateMachine])
      .toEqual([ScheduledJobTargetKind.STATE_MACHINE, machine]);
  });

  test('FanOutPipeline.alarmProps and the FanOutConsumer constructor', () => {
    const stack: Stack = newStack();
    const alarmTopic = new sns.Topic(stack, 'Alarms');
    const pipeline = new FanOutPipeline(stack, 'Pipeline', { alarmTopic });
    expect(pipeline.alarmProps).toEqual({ alarmsEnabled: undefined, alarmTopic });
    const consumer = new FanOutConsumer(pipeline, { name: 'audit', handler: worker });
    expect(pipeline.consumer('audit')).toBe(consumer);
    template(stack).resourceCountIs('AWS::SNS::Subscription', 1);
  });
});
