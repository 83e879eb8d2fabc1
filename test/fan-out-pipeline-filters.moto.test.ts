/**
 * Filters on the real matchers: the topic, subscriptions (filter policy and scope, raw delivery),
 * rules (event pattern, targets) and every consumer queue of a synthesized FanOutPipeline are
 * created in moto from the template; the sample S3 notifications, attribute messages and
 * EventBridge events of test/support/fan-out-filter-cases.ts are published, and the test reads
 * which consumer queues received each one.
 *
 * Every case is also judged by the fast evaluator (test/support/event-filter.ts): moto, the
 * evaluator and the expected recipients must agree, so the evaluator cannot drift from a real
 * matcher on the cases the fast test relies on.
 */
import { CreateEventBusCommand, EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateTopicCommand, MessageAttributeValue, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { newStack, template } from './support/cdk';
import { matchesEventPattern, matchesSnsSubscription, SnsMessage } from './support/event-filter';
import {
  BUCKET_NAME,
  BusEvent,
  EVALUATOR_EVENT,
  EVALUATOR_PATTERN_CASES,
  EVALUATOR_SNS_CASES,
  PIPELINE_CASES,
  rulesByConsumer,
  subscriptionsByConsumer,
} from './support/fan-out-filter-cases';
import { describeWithMoto, MOTO_ACCOUNT, MOTO_REGION, motoClientConfig, useMoto } from './support/moto';
import { CreatedResources, createQueues, createRules, createTopics } from './support/moto-template';

describeWithMoto('FanOutPipeline filters on moto', () => {
  useMoto();
  let sqs: SQSClient;
  let sns: SNSClient;
  let events: EventBridgeClient;
  beforeAll(() => {
    sqs = new SQSClient(motoClientConfig());
    sns = new SNSClient(motoClientConfig());
    events = new EventBridgeClient(motoClientConfig());
  });
  afterAll(() => [sqs, sns, events].forEach((c) => c.destroy()));

  /**
   * Receives (and deletes) what a queue holds now. moto delivers during Publish/PutEvents, so one
   * receive sees everything (the callers expect at most one message).
   */
  async function drain(queueUrl: string): Promise<Message[]> {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (Messages.length > 0) {
      await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
    }
    return Messages;
  }

  const queueArn = (name: string) => `arn:aws:sqs:${MOTO_REGION}:${MOTO_ACCOUNT}:${name}`;

  function snsAttributes(message: SnsMessage): Record<string, MessageAttributeValue> {
    return Object.fromEntries(Object.entries(message.attributes ?? {}).map(([name, a]) => [name, { DataType: a.Type, StringValue: a.Value }]));
  }

  async function publish(topicArn: string, message: SnsMessage): Promise<void> {
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: message.body, MessageAttributes: snsAttributes(message) }));
  }

  async function putEvent(event: BusEvent | typeof EVALUATOR_EVENT, eventBusName: string): Promise<void> {
    const result = await events.send(new PutEventsCommand({
      Entries: [{
        EventBusName: eventBusName, Source: event.source, DetailType: event['detail-type'], Detail: JSON.stringify(event.detail),
        Resources: 'resources' in event ? event.resources : undefined,
      }],
    }));
    expect(result.FailedEntryCount).toBe(0);
  }

  /** Which queues hold at least one message now (drained); also checks none got a duplicate. */
  async function recipients(queues: Map<string, string>): Promise<{ names: string[]; bodies: Map<string, string> }> {
    const bodies = new Map<string, string>();
    await Promise.all([...queues].map(async ([name, url]) => {
      const got = await drain(url);
      expect(got.length).toBeLessThanOrEqual(1);
      if (got.length === 1) bodies.set(name, got[0].Body!);
    }));
    return { names: [...bodies.keys()].sort(), bodies };
  }

  describe('the evaluator and moto agree on the evaluator\'s own cases', () => {
    test('event patterns: one rule per pattern on one bus, one event', async () => {
      const queues = new Map<string, string>();
      await events.send(new CreateEventBusCommand({ Name: 'evaluator' }));
      await Promise.all(EVALUATOR_PATTERN_CASES.map(async ([pattern], i) => {
        const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `pattern-${i}` }));
        await events.send(new PutRuleCommand({ Name: `pattern-${i}`, EventBusName: 'evaluator', EventPattern: JSON.stringify(pattern) }));
        await events.send(new PutTargetsCommand({ Rule: `pattern-${i}`, EventBusName: 'evaluator', Targets: [{ Id: 'q', Arn: queueArn(`pattern-${i}`) }] }));
        queues.set(String(i), QueueUrl!);
      }));
      await putEvent(EVALUATOR_EVENT, 'evaluator');
      const { names } = await recipients(queues);
      const byMoto = EVALUATOR_PATTERN_CASES.map(([pattern], i) => ({ pattern, moto: names.includes(String(i)) }));
      const byEvaluator = EVALUATOR_PATTERN_CASES.map(([pattern]) => ({ pattern, moto: matchesEventPattern(pattern, EVALUATOR_EVENT) }));
      const expected = EVALUATOR_PATTERN_CASES.map(([pattern, matches]) => ({ pattern, moto: matches }));
      expect(byMoto).toEqual(expected);
      expect(byEvaluator).toEqual(expected);
    });

    test('SNS filter policies: one topic, queue and subscription per case; moto differs from SNS on one, the evaluator does not', async () => {
      const outcomes: Array<{ subscription: unknown; message: string; moto: boolean; evaluator: boolean; expected: boolean }> = [];
      for (const [i, [subscription, message, expected]] of EVALUATOR_SNS_CASES.entries()) {
        const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `policy-${i}` }));
        const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `policy-${i}` }));
        const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
        const attributes: Record<string, string> = { RawMessageDelivery: 'true' };
        if (subscription.FilterPolicy) attributes.FilterPolicy = JSON.stringify(subscription.FilterPolicy);
        if (subscription.FilterPolicyScope) attributes.FilterPolicyScope = subscription.FilterPolicyScope;
        await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: Attributes!.QueueArn, Attributes: attributes }));
        await publish(TopicArn!, message);
        const { names } = await recipients(new Map([['q', QueueUrl!]]));
        outcomes.push({ subscription, message: JSON.stringify(message), moto: names.length === 1, evaluator: matchesSnsSubscription(subscription, message), expected });
      }
      const view = (pick: (o: typeof outcomes[number]) => boolean) => outcomes.map((o) => ({ subscription: o.subscription, message: o.message, received: pick(o) }));
      expect(view((o) => o.evaluator)).toEqual(view((o) => o.expected));
      // moto 5.2.1 delivers a message without any attribute to an `exists: false` policy; SNS does
      // not ("exists: false only matches if at least one attribute is present",
      // https://docs.aws.amazon.com/sns/latest/dg/attribute-key-matching.html). Every other case agrees.
      const mismatches = outcomes.filter((o) => o.moto !== o.expected).map(({ subscription, message, moto }) => ({ subscription, message, moto }));
      expect(mismatches).toEqual([{ subscription: { FilterPolicy: { region: [{ exists: false }] } }, message: '{"body":"{}"}', moto: true }]);
    });
  });

  for (const [index, pipelineCase] of PIPELINE_CASES.entries()) {
    describe(pipelineCase.title, () => {
      const stack = newStack(`Pipeline${index}`);
      const pipeline = pipelineCase.build(stack);
      const t = template(stack).toJSON() as any;
      const created = new CreatedResources(`p${index}-`);
      /** Consumer name -> URL of the queue its subscription or rule delivers to. */
      const consumerQueues = new Map<string, string>();
      let topicArn: string;

      beforeAll(async () => {
        if (pipeline.originBucket) {
          // The origin bucket is not created: its name is what the patterns compare against.
          const bucketId = stack.getLogicalId(pipeline.originBucket.node.defaultChild as s3.CfnBucket);
          created.add(bucketId, BUCKET_NAME, `arn:aws:s3:::${BUCKET_NAME}`);
        }
        await createQueues(sqs, t, created);
        if (pipelineCase.kind === 'sns') {
          await createTopics(sns, t, created);
          topicArn = created.resolve({ Ref: stack.getLogicalId(pipeline.topic!.node.defaultChild as any) }) as unknown as string;
          for (const [name, props] of subscriptionsByConsumer(stack, pipeline)) consumerQueues.set(name, queueUrlOf(props.Endpoint));
        } else {
          await createRules(events, t, created);
          for (const [name, props] of rulesByConsumer(stack, pipeline)) consumerQueues.set(name, queueUrlOf(props.Targets[0].Arn));
        }
        expect([...consumerQueues.keys()].sort()).toEqual(pipeline.consumers.map((c) => c.consumerName).sort());
      });

      /** `{Fn::GetAtt: [queueId, Arn]}` -> the queue's URL in moto. */
      function queueUrlOf(arnRef: { 'Fn::GetAtt': [string, string] }): string {
        return created.queueUrl(arnRef['Fn::GetAtt'][0]);
      }

      if (pipelineCase.kind === 'sns') {
        const filters = subscriptionsByConsumer(stack, pipeline);
        test.each(pipelineCase.samples)('$label reaches $expected', async ({ message, expected }) => {
          await publish(topicArn, message);
          const { names, bodies } = await recipients(consumerQueues);
          const evaluator = [...filters.entries()].filter(([, f]) => matchesSnsSubscription(f, message)).map(([n]) => n).sort();
          expect({ moto: names, evaluator }).toEqual({ moto: expected, evaluator: expected });
          // Raw message delivery: the consumer's queue holds the published body itself.
          for (const body of bodies.values()) expect(body).toBe(message.body);
        });
      } else {
        const rules = rulesByConsumer(stack, pipeline);
        test.each(pipelineCase.samples)('$label reaches $expected', async ({ event, expected }) => {
          await putEvent(event, 'default');
          const { names, bodies } = await recipients(consumerQueues);
          const evaluator = [...rules.entries()].filter(([, r]) => matchesEventPattern(r.EventPattern, event)).map(([n]) => n).sort();
          expect({ moto: names, evaluator }).toEqual({ moto: expected, evaluator: expected });
          for (const body of bodies.values()) {
            // moto's envelope has no `account` field (EventBridge's has): no pattern here matches on it.
            expect(JSON.parse(body)).toMatchObject({ 'source': event.source, 'detail-type': event['detail-type'], 'detail': event.detail, 'resources': event.resources, 'region': MOTO_REGION });
          }
        });
      }
    });
  }
});
