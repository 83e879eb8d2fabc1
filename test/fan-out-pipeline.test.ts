import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  ConsumerFilter, FanOutConsumerOptions, FanOutOrigin, FanOutPipeline, FanOutSource, FanOutSourceKind, HandlerCode,
} from '../lib';
import { newStack, snapshotTemplate, template, warningsOf } from './support/cdk';
import { attachUnknownManagedPolicy, RECURSION_TABLE } from './support/recursion-table';

const handler = HandlerCode.bundled('fan-out-pipeline/example');

function consumer(name: string, filter?: ConsumerFilter, extra: Partial<FanOutConsumerOptions> = {}): FanOutConsumerOptions {
  return { name, handler, filter, ...extra };
}

/** The upload pipeline of the issue: three consumers of one bucket's uploads. */
function uploadPipeline(stack: Stack, source?: FanOutSource): FanOutPipeline {
  return new FanOutPipeline(stack, 'Uploads', {
    source,
    origin: FanOutOrigin.bucket(),
    consumers: [
      consumer('virus-scan'),
      consumer('text-extraction', ConsumerFilter.s3KeySuffixes(['.pdf', '.txt'])),
      consumer('metadata-index', ConsumerFilter.s3KeyPrefixes(['uploads/'])),
    ],
  });
}

function resourcesOf(stack: Stack, type: string): Array<{ id: string; props: any }> {
  const resources = template(stack).findResources(type);
  return Object.entries(resources).map(([id, r]) => ({ id, props: (r as { Properties: any }).Properties }));
}

describe('FanOutPipeline with an SNS topic (default source)', () => {
  test('creates a KMS-encrypted topic with SSL enforced and a rotating key', () => {
    const stack = newStack();
    new FanOutPipeline(stack, 'Orders', { consumers: [consumer('billing')] });
    const t = template(stack);
    t.resourceCountIs('AWS::SNS::Topic', 1);
    t.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('OrdersTopicKey'), 'Arn'] } });
    t.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    t.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
        Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      })]) },
    });
  });

  test('each consumer gets its own SqsWorker subscribed with raw delivery, a filter policy and a delivery DLQ', () => {
    const stack = newStack();
    const pipeline = new FanOutPipeline(stack, 'Orders', {
      consumers: [
        consumer('billing', ConsumerFilter.snsAttributes({ type: sns.SubscriptionFilter.stringFilter({ allowlist: ['order.placed'] }) })),
        consumer('audit'),
      ],
    });
    const t = template(stack);
    t.resourceCountIs('AWS::SNS::Subscription', 2);
    t.resourceCountIs('AWS::Lambda::EventSourceMapping', 2);
    t.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sqs',
      RawMessageDelivery: true,
      FilterPolicy: { type: ['order.placed'] },
      Endpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp('OrdersbillingWorkerQueue'), 'Arn'] },
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('OrdersbillingDeliveryDeadLetterQueue'), 'Arn'] } },
    });
    const audit = resourcesOf(stack, 'AWS::SNS::Subscription').find((s) => s.id.startsWith('Ordersaudit'))!;
    expect(audit.props.FilterPolicy).toBeUndefined();
    expect(audit.props.RawMessageDelivery).toBe(true);

    // Queues: per consumer a worker queue, its DLQ and a delivery DLQ, all encrypted.
    const queues = resourcesOf(stack, 'AWS::SQS::Queue');
    expect(queues).toHaveLength(6);
    for (const q of queues) expect(q.props.SqsManagedSseEnabled).toBe(true);
    t.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('OrdersbillingWorkerDeadLetterQueue'), 'Arn'] }, maxReceiveCount: 5 },
    });
    expect(pipeline.consumer('billing').worker.deadLetterQueue).toBeDefined();
    expect(pipeline.consumer('billing').subscription).toBeDefined();
    expect(pipeline.consumer('billing').rule).toBeUndefined();
  });

  test('alarms: worker alarms plus a delivery DLQ alarm per consumer, all on the pipeline alarm topic', () => {
    const stack = newStack();
    const alarmTopic = new sns.Topic(stack, 'Alarms');
    const pipeline = new FanOutPipeline(stack, 'Orders', { alarmTopic, consumers: [consumer('billing'), consumer('audit')] });
    const alarms = resourcesOf(stack, 'AWS::CloudWatch::Alarm');
    // SqsWorker: dead-letter, message age, errors, throttles, recursive invocations dropped; FanOutConsumer: delivery dead-letter.
    expect(alarms).toHaveLength(12);
    const topicRef = { Ref: stack.getLogicalId(alarmTopic.node.defaultChild as sns.CfnTopic) };
    for (const a of alarms) {
      expect(a.props.AlarmActions).toEqual([topicRef]);
      expect(a.props.OKActions).toEqual([topicRef]);
    }
    template(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('OrdersauditDeliveryDeadLetterQueue'), 'QueueName'] } }],
    });
    expect(pipeline.consumer('audit').alarms).toHaveLength(1);
  });

  test('a consumer can turn its alarms off and set its own worker settings', () => {
    const stack = newStack();
    new FanOutPipeline(stack, 'Orders', {
      consumers: [consumer('billing', undefined, {
        worker: { alarmsEnabled: false, maxConcurrency: 3, batchSize: 5, timeout: Duration.seconds(10), idempotency: { enabled: false } },
      })],
    });
    const t = template(stack);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    t.resourceCountIs('AWS::DynamoDB::Table', 0);
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: 5, ScalingConfig: { MaximumConcurrency: 3 } });
    t.hasResourceProperties('AWS::Lambda::Function', { Timeout: 10 });
    t.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 60 });
  });

  test('queue policies: the only sqs:SendMessage grants are to sns.amazonaws.com from this topic', () => {
    const stack = newStack();
    new FanOutPipeline(stack, 'Orders', { consumers: [consumer('billing'), consumer('audit')] });
    const topicRef = { Ref: stack.getLogicalId(stack.node.findChild('Orders').node.findChild('Topic').node.defaultChild as sns.CfnTopic) };
    const allows = resourcesOf(stack, 'AWS::SQS::QueuePolicy')
      .flatMap((p) => p.props.PolicyDocument.Statement as any[])
      .filter((s) => s.Effect === 'Allow');
    // Two worker queues and two delivery DLQs; the workers' own DLQs take no sender.
    expect(allows).toHaveLength(4);
    for (const s of allows) {
      expect(s.Action).toBe('sqs:SendMessage');
      expect(s.Principal).toEqual({ Service: 'sns.amazonaws.com' });
      expect(s.Condition).toEqual({ ArnEquals: { 'aws:SourceArn': topicRef } });
    }
    // Nothing else in the stack is granted SendMessage on these queues through IAM.
    const iamSends = resourcesOf(stack, 'AWS::IAM::Policy')
      .flatMap((p) => p.props.PolicyDocument.Statement as any[])
      .filter((s) => [].concat(s.Action).some((a: string) => a.startsWith('sqs:Send')));
    expect(iamSends).toEqual([]);
  });

  test('an existing topic is used as given', () => {
    const stack = newStack();
    const topic = new sns.Topic(stack, 'Existing', { enforceSSL: true });
    const pipeline = new FanOutPipeline(stack, 'Orders', { source: FanOutSource.snsTopic(topic), consumers: [consumer('billing')] });
    expect(pipeline.topic).toBe(topic);
    expect(pipeline.topicKey).toBeUndefined();
    template(stack).resourceCountIs('AWS::SNS::Topic', 1);
    template(stack).hasResourceProperties('AWS::SNS::Subscription', { TopicArn: { Ref: stack.getLogicalId(topic.node.defaultChild as sns.CfnTopic) } });
  });

  test('addConsumer after construction, consumers in order, consumer(name) lookup', () => {
    const stack = newStack();
    const pipeline = new FanOutPipeline(stack, 'Orders', { consumers: [consumer('billing')] });
    const added = pipeline.addConsumer(consumer('shipping', ConsumerFilter.snsPayload({
      total: sns.FilterOrPolicy.filter(sns.SubscriptionFilter.numericFilter({ greaterThan: 100 })),
    })));
    expect(pipeline.consumers.map((c) => c.consumerName)).toEqual(['billing', 'shipping']);
    expect(pipeline.consumer('shipping')).toBe(added);
    expect(() => pipeline.consumer('nope')).toThrow("TestStack/Orders: no consumer named 'nope' (consumers: billing, shipping)");
    template(stack).hasResourceProperties('AWS::SNS::Subscription', {
      FilterPolicyScope: 'MessageBody', FilterPolicy: { total: [{ numeric: ['>', 100] }] },
    });
  });

  test('grantPublish grants sns:Publish and exactly kms:GenerateDataKey and kms:Decrypt on the topic key', () => {
    const stack = newStack();
    const pipeline = new FanOutPipeline(stack, 'Orders', { consumers: [consumer('billing')] });
    const publisher = new iam.Role(stack, 'Publisher', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    pipeline.grantPublish(publisher);
    const statements = resourcesOf(stack, 'AWS::IAM::Policy').find((p) => p.id.startsWith('PublisherDefaultPolicy'))!.props.PolicyDocument.Statement;
    expect(statements.map((s: { Action: unknown }) => s.Action)).toEqual(['sns:Publish', ['kms:GenerateDataKey', 'kms:Decrypt']]);
  });
});

describe('FanOutPipeline with an S3 origin', () => {
  test('creates an encrypted, private, SSL-only bucket that notifies the topic of created objects', () => {
    const stack = newStack();
    const pipeline = uploadPipeline(stack);
    const t = template(stack);
    t.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    t.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    t.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: { TopicConfigurations: [{ Events: ['s3:ObjectCreated:*'], TopicArn: { Ref: Match.stringLikeRegexp('UploadsTopic') } }] },
    });
    // S3 may publish to the topic, and use its key.
    t.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
        Effect: 'Allow', Action: 'sns:Publish', Principal: { Service: 's3.amazonaws.com' },
        Condition: { ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [Match.stringLikeRegexp('UploadsOriginBucket'), 'Arn'] } } },
      })]) },
    });
    t.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 's3.amazonaws.com' }, Action: ['kms:GenerateDataKey', 'kms:Decrypt'] })]) },
    });
    expect(pipeline.originBucket).toBeDefined();
  });

  test('S3 key filters become payload filter policies on Records.s3.object.key', () => {
    const stack = newStack();
    uploadPipeline(stack);
    const subs = resourcesOf(stack, 'AWS::SNS::Subscription');
    const byConsumer = (name: string) => subs.find((s) => s.id.startsWith(`Uploads${name}`))!.props;
    expect(byConsumer('virusscan').FilterPolicy).toBeUndefined();
    expect(byConsumer('textextraction')).toMatchObject({
      FilterPolicyScope: 'MessageBody',
      FilterPolicy: { Records: { s3: { object: { key: [{ suffix: '.pdf' }, { suffix: '.txt' }] } } } },
    });
    expect(byConsumer('metadataindex')).toMatchObject({
      FilterPolicyScope: 'MessageBody',
      FilterPolicy: { Records: { s3: { object: { key: [{ prefix: 'uploads/' }] } } } },
    });
  });

  test('an attribute filter with an S3 origin warns that S3 notifications carry no attributes', () => {
    const stack = newStack();
    new FanOutPipeline(stack, 'Uploads', {
      origin: FanOutOrigin.bucket(),
      consumers: [consumer('typed', ConsumerFilter.snsAttributes({ kind: sns.SubscriptionFilter.existsFilter() }))],
    });
    expect(warningsOf(stack).join('\n')).toContain('cdk-serverless-patterns:FanOutPipeline.attributeFilterWithBucket');
  });

  test('an existing KMS-encrypted topic: its key lets S3 publish (or, imported, a warning says what to add)', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'ExistingKey');
    const topic = new sns.Topic(stack, 'Existing', { masterKey: key, enforceSSL: true });
    new FanOutPipeline(stack, 'Uploads', { source: FanOutSource.snsTopic(topic), origin: FanOutOrigin.bucket(), consumers: [consumer('scan')] });
    const keyPolicy = resourcesOf(stack, 'AWS::KMS::Key').find((k) => k.id.startsWith('ExistingKey'))!.props.KeyPolicy;
    expect(keyPolicy.Statement).toEqual(expect.arrayContaining([expect.objectContaining({
      Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: '*',
    })]));
    expect(warningsOf(stack)).toEqual([]);

    const imported = newStack();
    const importedTopic = new sns.Topic(imported, 'Existing', {
      masterKey: kms.Key.fromKeyArn(imported, 'Key', 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
    });
    new FanOutPipeline(imported, 'Uploads', { source: FanOutSource.snsTopic(importedTopic), origin: FanOutOrigin.bucket(), consumers: [consumer('scan')] });
    expect(warningsOf(imported).join('\n')).toContain('cdk-serverless-patterns:FanOutPipeline.importedTopicKey');
  });

  test('an existing bucket gets the notification; its consumers are checked the same way', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Mine', { enforceSSL: true });
    const pipeline = new FanOutPipeline(stack, 'Uploads', { origin: FanOutOrigin.bucket(bucket), consumers: [consumer('scan')] });
    expect(pipeline.originBucket).toBe(bucket);
    const t = template(stack);
    t.resourceCountIs('AWS::S3::Bucket', 1);
    t.hasResourceProperties('Custom::S3BucketNotifications', { BucketName: { Ref: stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket) } });
  });
});

describe('FanOutPipeline with an EventBridge bus', () => {
  test('one rule per consumer with its pattern, targeting the consumer queue with a target DLQ', () => {
    const stack = newStack();
    const bus = new events.EventBus(stack, 'Bus');
    const pipeline = new FanOutPipeline(stack, 'Orders', {
      source: FanOutSource.eventBus(bus),
      consumers: [
        consumer('billing', ConsumerFilter.eventPattern({ source: ['shop.orders'], detailType: ['OrderPlaced'] })),
        consumer('big-orders', ConsumerFilter.eventPattern({ source: ['shop.orders'], detail: { total: [{ numeric: ['>=', 1000] }] } })),
      ],
    });
    expect(pipeline.source.kind).toBe(FanOutSourceKind.EVENT_BUS);
    const t = template(stack);
    t.resourceCountIs('AWS::Events::Rule', 2);
    t.resourceCountIs('AWS::SNS::Topic', 0);
    t.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: stack.getLogicalId(bus.node.defaultChild as events.CfnEventBus) },
      EventPattern: { 'source': ['shop.orders'], 'detail-type': ['OrderPlaced'] },
      Targets: [{
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('OrdersbillingWorkerQueue'), 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('OrdersbillingDeliveryDeadLetterQueue'), 'Arn'] } },
        Id: Match.anyValue(),
      }],
    });
    expect(pipeline.consumer('billing').rule).toBeDefined();
    expect(pipeline.consumer('billing').subscription).toBeUndefined();
  });

  test('queue policies: the only sqs:SendMessage grants are to events.amazonaws.com from each consumer\'s own rule', () => {
    const stack = newStack();
    const pipeline = new FanOutPipeline(stack, 'Orders', {
      source: FanOutSource.eventBus(),
      consumers: [
        consumer('billing', ConsumerFilter.eventPattern({ source: ['shop.orders'] })),
        consumer('audit', ConsumerFilter.eventPattern({ source: ['shop.audit'] })),
      ],
    });
    const ruleArn = (name: string) => ({ 'Fn::GetAtt': [stack.getLogicalId(pipeline.consumer(name).rule!.node.defaultChild as events.CfnRule), 'Arn'] });
    for (const name of ['billing', 'audit']) {
      const policies = resourcesOf(stack, 'AWS::SQS::QueuePolicy').filter((p) => p.id.startsWith(`Orders${name}`));
      const allows = policies.flatMap((p) => p.props.PolicyDocument.Statement as any[]).filter((s) => s.Effect === 'Allow');
      expect(allows.length).toBe(2); // worker queue + delivery DLQ
      for (const s of allows) {
        expect([].concat(s.Action)).toContain('sqs:SendMessage');
        expect(s.Principal).toEqual({ Service: 'events.amazonaws.com' });
        expect(s.Condition).toEqual({ ArnEquals: { 'aws:SourceArn': ruleArn(name) } });
      }
    }
  });

  test('with an S3 origin: the bucket sends to EventBridge and each rule is scoped to its Object Created events', () => {
    const stack = newStack();
    uploadPipeline(stack, FanOutSource.eventBus());
    const t = template(stack);
    t.hasResourceProperties('Custom::S3BucketNotifications', { NotificationConfiguration: { EventBridgeConfiguration: {} } });
    const rules = resourcesOf(stack, 'AWS::Events::Rule');
    expect(rules).toHaveLength(3);
    const bucketName = { Ref: Match.stringLikeRegexp('UploadsOriginBucket') };
    t.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { 'source': ['aws.s3'], 'detail-type': ['Object Created'], 'detail': { bucket: { name: [bucketName] } } },
    });
    t.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { 'source': ['aws.s3'], 'detail-type': ['Object Created'], 'detail': { bucket: { name: [bucketName] }, object: { key: [{ suffix: '.pdf' }, { suffix: '.txt' }] } } },
    });
    for (const r of rules) expect(r.props.EventBusName).toBeUndefined(); // the default bus
  });

  test('an existing bucket gets EventBridge notifications enabled', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Mine', { enforceSSL: true });
    new FanOutPipeline(stack, 'Uploads', { source: FanOutSource.eventBus(), origin: FanOutOrigin.bucket(bucket), consumers: [consumer('scan')] });
    template(stack).hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket) },
      NotificationConfiguration: { EventBridgeConfiguration: {} },
    });
  });

  test('grantPublish grants events:PutEvents on the bus', () => {
    const stack = newStack();
    const pipeline = new FanOutPipeline(stack, 'Orders', {
      source: FanOutSource.eventBus(), consumers: [consumer('billing', ConsumerFilter.eventPattern({ source: ['shop'] }))],
    });
    const role = new iam.Role(stack, 'Publisher', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    pipeline.grantPublish(role);
    pipeline.grantPublish(new iam.Role(stack, 'Second', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }));
    template(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: 'events:PutEvents', Resource: Match.objectLike({ 'Fn::Join': Match.anyValue() }) })] },
    });
  });
});

describe('snapshot', () => {
  test('upload pipeline, SNS source, three consumers', () => {
    const stack = newStack();
    uploadPipeline(stack);
    expect(snapshotTemplate(stack)).toMatchSnapshot();
  });
});

describe('errors', () => {
  test('duplicate consumer names', () => {
    const stack = newStack();
    expect(() => new FanOutPipeline(stack, 'Orders', { consumers: [consumer('billing'), consumer('billing')] }))
      .toThrow("TestStack/Orders: invalid prop 'consumers': name 'billing' is used more than once. Fix: give every consumer a unique name");
    const pipeline = new FanOutPipeline(stack, 'Other', { consumers: [consumer('billing')] });
    expect(() => pipeline.addConsumer(consumer('billing'))).toThrow("TestStack/Other: invalid prop 'consumers': name 'billing' is used more than once");
  });

  test('a consumer name taken by the pipeline\'s own resources', () => {
    const stack = newStack();
    expect(() => new FanOutPipeline(stack, 'Orders', { consumers: [consumer('Topic')] }))
      .toThrow("TestStack/Orders: invalid prop 'consumers': name 'Topic' is reserved for the pipeline's own Topic, TopicKey, OriginBucket, DefaultBus. Fix: rename the consumer");
    // Reserved even before the child exists: grantPublish() on an event bus source creates 'DefaultBus' later.
    expect(() => new FanOutPipeline(stack, 'Events', {
      source: FanOutSource.eventBus(), consumers: [consumer('DefaultBus', ConsumerFilter.eventPattern({ source: ['shop'] }))],
    })).toThrow("TestStack/Events: invalid prop 'consumers': name 'DefaultBus' is reserved");
  });

  test('a consumer name that cannot be a construct id', () => {
    const stack = newStack();
    expect(() => new FanOutPipeline(stack, 'Orders', { consumers: [consumer('virus scan')] }))
      .toThrow("TestStack/Orders: invalid prop 'consumers': name 'virus scan' must be 1-64 letters, digits, '-' or '_'");
  });

  test('zero consumers fails at synthesis, not before addConsumer had its chance', () => {
    const stack = newStack();
    const pipeline = new FanOutPipeline(stack, 'Orders');
    expect(() => template(stack)).toThrow("TestStack/Orders: invalid prop 'consumers': a fan-out pipeline needs at least one consumer (given none). Fix: pass consumers, or call addConsumer() before synthesis");
    const later = newStack();
    const ok = new FanOutPipeline(later, 'Orders');
    ok.addConsumer(consumer('billing'));
    expect(() => template(later)).not.toThrow();
    void pipeline;
  });

  test('empty SNS filter policies', () => {
    const stack = newStack();
    expect(() => new FanOutPipeline(stack, 'A', { consumers: [consumer('x', ConsumerFilter.snsAttributes({}))] }))
      .toThrow("TestStack/A: invalid prop 'consumers[x].filter': the filter policy is empty");
    expect(() => new FanOutPipeline(stack, 'B', { consumers: [consumer('x', ConsumerFilter.snsPayload({}))] }))
      .toThrow("TestStack/B: invalid prop 'consumers[x].filter': the filter policy is empty");
  });

  test('an empty event pattern', () => {
    const stack = newStack();
    expect(() => new FanOutPipeline(stack, 'A', { source: FanOutSource.eventBus(), consumers: [consumer('x', ConsumerFilter.eventPattern({}))] }))
      .toThrow("TestStack/A: invalid prop 'consumers[x].filter': the event pattern is empty. Fix: match at least one field");
  });

  test('a filter for the other kind of source', () => {
    const stack = newStack();
    expect(() => new FanOutPipeline(stack, 'A', {
      source: FanOutSource.eventBus(),
      consumers: [consumer('x', ConsumerFilter.snsAttributes({ a: sns.SubscriptionFilter.existsFilter() }))],
    })).toThrow("TestStack/A: invalid prop 'consumers[x].filter': an SNS filter policy (SNS_ATTRIBUTES) does not apply to an event bus source. Fix: use ConsumerFilter.eventPattern(...)");
    expect(() => new FanOutPipeline(stack, 'B', { consumers: [consumer('x', ConsumerFilter.eventPattern({ source: ['a'] }))] }))
      .toThrow("TestStack/B: invalid prop 'consumers[x].filter': an EventBridge event pattern does not apply to an SNS topic source. Fix: use ConsumerFilter.snsAttributes(...)");
  });

  test('an event bus consumer without filter and without origin', () => {
    const stack = newStack();
    expect(() => new FanOutPipeline(stack, 'A', { source: FanOutSource.eventBus(), consumers: [consumer('x')] }))
      .toThrow("TestStack/A: invalid prop 'consumers[x].filter': an event bus rule needs an event pattern, and there is no origin bucket to derive one from (given none)");
  });

  test('S3 key filters without an origin, empty, or with characters S3 encodes', () => {
    const stack = newStack();
    expect(() => new FanOutPipeline(stack, 'A', { consumers: [consumer('x', ConsumerFilter.s3KeyPrefixes(['in/']))] }))
      .toThrow("TestStack/A: invalid prop 'consumers[x].filter': S3 key prefixes match S3 notifications, and the pipeline has no origin bucket. Fix: set origin");
    expect(() => new FanOutPipeline(stack, 'B', { origin: FanOutOrigin.bucket(), consumers: [consumer('x', ConsumerFilter.s3KeySuffixes([]))] }))
      .toThrow("TestStack/B: invalid prop 'consumers[x].filter': no key suffixes given");
    expect(() => new FanOutPipeline(stack, 'C', { origin: FanOutOrigin.bucket(), consumers: [consumer('x', ConsumerFilter.s3KeyPrefixes(['my docs/']))] }))
      .toThrow("TestStack/C: invalid prop 'consumers[x].filter': key prefixes may hold only letters, digits and '/ _ . -', since S3 URL-encodes other characters in notifications (given 'my docs/'). Fix: use the URL-encoded form (space as '+')");
  });

  test('SNS attribute policies beyond 5 keys or 150 combinations', () => {
    const stack = newStack();
    const exists = sns.SubscriptionFilter.existsFilter();
    expect(() => new FanOutPipeline(stack, 'A', {
      consumers: [consumer('x', ConsumerFilter.snsAttributes({ a: exists, b: exists, c: exists, d: exists, e: exists, f: exists }))],
    })).toThrow("TestStack/A: invalid prop 'consumers[x].filter': an SNS filter policy has at most 5 keys (given 6)");
    const many = (n: number) => sns.SubscriptionFilter.stringFilter({ allowlist: Array.from({ length: n }, (_, i) => `v${i}`) });
    expect(() => new FanOutPipeline(stack, 'B', { consumers: [consumer('x', ConsumerFilter.snsAttributes({ a: many(13), b: many(12) }))] }))
      .toThrow("TestStack/B: invalid prop 'consumers[x].filter': an SNS filter policy allows at most 150 value combinations (given 156)");
  });

  test('a FIFO topic', () => {
    const stack = newStack();
    const topic = new sns.Topic(stack, 'Fifo', { fifo: true });
    expect(() => new FanOutPipeline(stack, 'A', { source: FanOutSource.snsTopic(topic), consumers: [consumer('x')] }))
      .toThrow("TestStack/A: invalid prop 'source': a FIFO topic can only deliver to FIFO queues");
  });

  test('an origin bucket with a custom event bus', () => {
    const stack = newStack();
    const bus = new events.EventBus(stack, 'Bus');
    expect(() => new FanOutPipeline(stack, 'A', { source: FanOutSource.eventBus(bus), origin: FanOutOrigin.bucket(), consumers: [consumer('x')] }))
      .toThrow("TestStack/A: invalid prop 'origin': S3 sends its EventBridge notifications to the default event bus only");
  });

  test('a KMS-encrypted consumer queue behind EventBridge', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    expect(() => new FanOutPipeline(stack, 'A', {
      source: FanOutSource.eventBus(),
      consumers: [consumer('x', ConsumerFilter.eventPattern({ source: ['a'] }), { worker: { encryptionKey: key } })],
    })).toThrow("TestStack/A: invalid prop 'consumers[x].worker.encryptionKey': an EventBridge target queue encrypted with a KMS key gets no per-rule aws:SourceArn condition");
  });

  test('worker settings are validated by SqsWorker with the consumer path', () => {
    const stack = newStack();
    expect(() => new FanOutPipeline(stack, 'A', { consumers: [consumer('x', undefined, { worker: { batchSize: 20 } })] }))
      .toThrow("TestStack/A/x/Worker: invalid prop 'batchSize': a batch size above 10 needs a batching window");
  });

  test('more filtered SNS consumers than the 200 filter policies a topic takes', () => {
    const stack = newStack();
    const pipeline = new FanOutPipeline(stack, 'A', { consumers: [consumer('unfiltered')] });
    const filter = ConsumerFilter.snsAttributes({ a: sns.SubscriptionFilter.existsFilter() });
    for (let i = 0; i < 200; i++) pipeline.addConsumer(consumer(`c${i}`, filter));
    expect(() => pipeline.addConsumer(consumer('c200', filter)))
      .toThrow("TestStack/A: invalid prop 'consumers[c200]': an SNS topic takes at most 200 subscription filter policies by default (given 201)");
    // Unfiltered subscriptions do not count against the filter-policy quota.
    expect(() => pipeline.addConsumer(consumer('another-unfiltered'))).not.toThrow();
  });

  test('more EventBridge consumers than the 300 rules a bus takes', () => {
    const stack = newStack();
    const pipeline = new FanOutPipeline(stack, 'A', { source: FanOutSource.eventBus() });
    const filter = ConsumerFilter.eventPattern({ source: ['a'] });
    for (let i = 0; i < 300; i++) pipeline.addConsumer(consumer(`c${i}`, filter, { worker: { alarmsEnabled: false, idempotency: { enabled: false } } }));
    expect(() => pipeline.addConsumer(consumer('c300', filter)))
      .toThrow("TestStack/A: invalid prop 'consumers[c300]': an event bus takes at most 300 rules by default (given 301 consumers)");
  });
});

describe('recursion guard', () => {
  test.each(RECURSION_TABLE)('issue 12 table: %s on the origin bucket is a recursion error', (_name, grant) => {
    const stack = newStack();
    const pipeline = uploadPipeline(stack);
    const fn = pipeline.consumer('virus-scan').worker.function;
    grant(stack, pipeline.originBucket!, fn.role!, fn);
    expect(() => template(stack)).toThrow(
      "TestStack/Uploads: invalid prop 'consumers[virus-scan]': consumer 'virus-scan' (TestStack/Uploads/virus-scan/Worker/Function) "
      + 'is triggered by S3 events of TestStack/Uploads/OriginBucket (origin bucket -> SNS topic -> virus-scan -> origin bucket) '
      + 'and allowed to write to the same bucket');
  });

  test('an AWS managed policy the IAM model does not know is a warning (cannot tell), not an error', () => {
    const stack = newStack();
    const pipeline = uploadPipeline(stack);
    attachUnknownManagedPolicy(pipeline.consumer('virus-scan').worker.function.role!);
    expect(() => template(stack)).not.toThrow();
    const warnings = Annotations.fromStack(stack).findWarning('/TestStack/Uploads/virus-scan', Match.stringLikeRegexp('cannot be told'));
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0].entry.data)).toContain('AWS managed policy AmazonEC2FullAccess');
    expect(String(warnings[0].entry.data)).toContain('[ack: cdk-serverless-patterns:SPG-S3-RECURSION]');
  });

  test('a consumer granted write on the origin bucket fails synthesis, naming the loop', () => {
    const stack = newStack();
    const pipeline = uploadPipeline(stack);
    pipeline.originBucket!.grantWrite(pipeline.consumer('text-extraction').worker.function);
    expect(() => template(stack)).toThrow(
      "TestStack/Uploads: invalid prop 'consumers[text-extraction]': consumer 'text-extraction' (TestStack/Uploads/text-extraction/Worker/Function) "
      + 'is triggered by S3 events of TestStack/Uploads/OriginBucket (origin bucket -> SNS topic -> text-extraction -> origin bucket) '
      + "and allowed to write to the same bucket ('s3:PutObject'): every object it writes there raises a notification that invokes it "
      + 'again, a runaway loop that runs (and bills) until stopped. Fix: write to another bucket; or, if the writes land outside what '
      + 'triggers the function (another prefix), filter the trigger so it never sees them and set acknowledgeOriginBucketWrites: true');
  });

  test('wildcard grants, managed policies and event bus sources are caught too', () => {
    const star = newStack();
    const p1 = uploadPipeline(star);
    p1.consumer('virus-scan').worker.function.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:*'], resources: ['*'] }));
    expect(() => template(star)).toThrow("consumer 'virus-scan' (TestStack/Uploads/virus-scan/Worker/Function) is triggered by S3 events of TestStack/Uploads/OriginBucket "
      + "(origin bucket -> SNS topic -> virus-scan -> origin bucket) and allowed to write to the same bucket ('s3:*')");

    const managed = newStack();
    const p2 = uploadPipeline(managed);
    p2.consumer('virus-scan').worker.function.role!.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonS3FullAccess'));
    expect(() => template(managed)).toThrow("and allowed to write to the same bucket ('s3:*' through the managed policy AmazonS3FullAccess)");

    const separate = newStack();
    const p3 = uploadPipeline(separate, FanOutSource.eventBus());
    new iam.Policy(separate, 'Extra', {
      roles: [p3.consumer('metadata-index').worker.function.role!],
      statements: [new iam.PolicyStatement({ actions: ['s3:PutObject*'], resources: [p3.originBucket!.arnForObjects('derived/*')] })],
    });
    expect(() => template(separate)).toThrow("(origin bucket -> event bus -> metadata-index -> origin bucket) and allowed to write to the same bucket ('s3:PutObject*')");
  });

  test('read access and writes to another bucket are fine', () => {
    const stack = newStack();
    const pipeline = uploadPipeline(stack);
    const results = new s3.Bucket(stack, 'Results');
    pipeline.originBucket!.grantRead(pipeline.consumer('virus-scan').worker.function);
    results.grantWrite(pipeline.consumer('virus-scan').worker.function);
    expect(() => template(stack)).not.toThrow();
  });

  test('acknowledged writes become an acknowledgeable warning', () => {
    const stack = newStack();
    const pipeline = new FanOutPipeline(stack, 'Uploads', {
      origin: FanOutOrigin.bucket(),
      consumers: [consumer('thumbnails', ConsumerFilter.s3KeyPrefixes(['uploads/']), { acknowledgeOriginBucketWrites: true })],
    });
    pipeline.originBucket!.grantPut(pipeline.consumer('thumbnails').worker.function, 'thumbnails/*');
    expect(() => template(stack)).not.toThrow();
    const warnings = Annotations.fromStack(stack).findWarning('/TestStack/Uploads/thumbnails', Match.stringLikeRegexp('runaway loop'));
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0].entry.data)).toContain('cdk-serverless-patterns:FanOutPipeline.originBucketWrite');
  });
});
