/**
 * Proves that each consumer receives exactly the events meant for it: the SNS filter policies and
 * EventBridge patterns are taken from the synthesized template and evaluated against sample
 * messages with the evaluator in test/support/event-filter.ts (itself tested first, below).
 */
import { Stack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ConsumerFilter, FanOutOrigin, FanOutPipeline, FanOutSource, HandlerCode } from '../lib';
import { newStack, template } from './support/cdk';
import { matchesEventPattern, matchesSnsSubscription, SnsMessage } from './support/event-filter';

const handler = HandlerCode.bundled('fan-out-pipeline/example');

describe('the evaluator (test/support/event-filter.ts)', () => {
  const event = {
    'source': 'shop', 'detail-type': 'OrderPlaced',
    'detail': { total: 120.5, currency: 'EUR', tags: ['gift', 'express'], customer: { tier: 'gold', id: 'c-1' }, note: null, paid: true },
  };
  test.each([
    [{ source: ['shop'] }, true],
    [{ source: ['other'] }, false],
    [{ source: ['other', 'shop'] }, true],
    [{ detail: { currency: [{ prefix: 'EU' }] } }, true],
    [{ detail: { currency: [{ prefix: 'US' }] } }, false],
    [{ detail: { currency: [{ suffix: 'UR' }] } }, true],
    [{ detail: { currency: [{ 'equals-ignore-case': 'eur' }] } }, true],
    [{ detail: { currency: [{ 'anything-but': ['USD', 'GBP'] }] } }, true],
    [{ detail: { currency: [{ 'anything-but': 'EUR' }] } }, false],
    [{ detail: { currency: [{ 'anything-but': { prefix: 'E' } }] } }, false],
    [{ detail: { missing: [{ 'anything-but': 'x' }] } }, false],
    [{ detail: { total: [{ numeric: ['>', 100, '<=', 200] }] } }, true],
    [{ detail: { total: [{ numeric: ['>=', 200] }] } }, false],
    [{ detail: { total: [120.5] } }, true],
    [{ detail: { currency: [{ numeric: ['>', 0] }] } }, false],
    [{ detail: { total: [{ exists: true }] } }, true],
    [{ detail: { missing: [{ exists: true }] } }, false],
    [{ detail: { missing: [{ exists: false }] } }, true],
    [{ detail: { total: [{ exists: false }] } }, false],
    [{ detail: { customer: [{ exists: true }] } }, false], // exists matches leaf nodes only
    [{ detail: { tags: ['express'] } }, true],
    [{ detail: { tags: ['standard'] } }, false],
    [{ detail: { customer: { tier: ['gold'], id: [{ prefix: 'c-' }] } } }, true],
    [{ detail: { customer: { tier: ['silver'] } } }, false],
    [{ detail: { note: [null], paid: [true] } }, true],
    [{ detail: { paid: [false] } }, false],
    [{ detail: { customer: { id: [{ wildcard: 'c-*' }] } } }, true],
  ])('pattern %j matches: %s', (pattern, expected) => {
    expect(matchesEventPattern(pattern as any, event)).toBe(expected);
  });

  test('nested patterns against an array of objects need one element to match as a whole', () => {
    const notification = { Records: [{ s3: { object: { key: 'a.pdf', size: 0 } } }, { s3: { object: { key: 'b.txt', size: 5 } } }] };
    expect(matchesEventPattern({ Records: { s3: { object: { key: [{ suffix: '.pdf' }], size: [{ numeric: ['>', 0] }] } } } }, notification)).toBe(false);
    expect(matchesEventPattern({ Records: { s3: { object: { key: [{ suffix: '.txt' }], size: [{ numeric: ['>', 0] }] } } } }, notification)).toBe(true);
  });

  test('SNS attribute scope reads String, Number and String.Array attributes; payload scope needs JSON', () => {
    const message: SnsMessage = {
      body: 'not json',
      attributes: {
        type: { Type: 'String', Value: 'order.placed' },
        total: { Type: 'Number', Value: '1500' },
        tags: { Type: 'String.Array', Value: '["vip","gift"]' },
      },
    };
    expect(matchesSnsSubscription({ FilterPolicy: { type: ['order.placed'], total: [{ numeric: ['>=', 1000] }], tags: ['vip'] } }, message)).toBe(true);
    expect(matchesSnsSubscription({ FilterPolicy: { total: [{ numeric: ['<', 1000] }] } }, message)).toBe(false);
    expect(matchesSnsSubscription({ FilterPolicy: { region: [{ exists: true }] } }, message)).toBe(false);
    expect(matchesSnsSubscription({}, message)).toBe(true);
    expect(matchesSnsSubscription({ FilterPolicy: { type: ['order.placed'] }, FilterPolicyScope: 'MessageBody' }, message)).toBe(false);
    // exists: false needs at least one attribute on the message (SNS key matching rules).
    expect(matchesSnsSubscription({ FilterPolicy: { region: [{ exists: false }] } }, message)).toBe(true);
    expect(matchesSnsSubscription({ FilterPolicy: { region: [{ exists: false }] } }, { body: '{}' })).toBe(false);
  });

  test('rules outside the supported subset throw instead of being ignored', () => {
    expect(() => matchesEventPattern({ source: [{ cidr: '10.0.0.0/24' }] }, event)).toThrow("unsupported matching operator 'cidr'");
    expect(() => matchesEventPattern({ $or: [] } as any, event)).toThrow("unsupported pattern key '$or'");
    expect(() => matchesEventPattern({ source: [] }, event)).toThrow('an empty rule array matches nothing');
  });
});

// ---- samples -------------------------------------------------------------------------------

/** An S3 notification body for one object; keys in the URL-encoded form S3 uses. */
function s3Body(encodedKey: string, size: number, eventName = 'ObjectCreated:Put', bucket = 'uploads-bucket'): string {
  return JSON.stringify({
    Records: [{
      eventVersion: '2.1', eventSource: 'aws:s3', awsRegion: 'us-east-1', eventTime: '2026-11-24T06:00:00.000Z', eventName,
      s3: { s3SchemaVersion: '1.0', bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` }, object: { key: encodedKey, size, sequencer: '0A1B' } },
    }],
  });
}

function eventBridgeS3(encodedKey: string, size: number, detailType = 'Object Created', bucket = 'uploads-bucket'): Record<string, unknown> {
  return {
    'version': '0', 'id': 'e-1', 'detail-type': detailType, 'source': 'aws.s3', 'account': '123456789012',
    'time': '2026-11-24T06:00:00Z', 'region': 'us-east-1', 'resources': [`arn:aws:s3:::${bucket}`],
    'detail': { version: '0', bucket: { name: bucket }, object: { key: encodedKey, size }, reason: 'PutObject' },
  };
}

/** Subscription filter settings per consumer, read from the template. */
function subscriptionsByConsumer(stack: Stack, pipeline: FanOutPipeline): Map<string, any> {
  const resources = template(stack).findResources('AWS::SNS::Subscription');
  const result = new Map<string, any>();
  for (const c of pipeline.consumers) {
    const id = stack.getLogicalId(c.subscription!.node.defaultChild as sns.CfnSubscription);
    result.set(c.consumerName, resources[id].Properties);
  }
  return result;
}

/** Event patterns per consumer, read from the template, with the bucket's Ref replaced by its name. */
function patternsByConsumer(stack: Stack, pipeline: FanOutPipeline, bucketName: string): Map<string, any> {
  const resources = template(stack).findResources('AWS::Events::Rule');
  const bucketRef = pipeline.originBucket
    ? JSON.stringify({ Ref: stack.getLogicalId(pipeline.originBucket.node.defaultChild as s3.CfnBucket) })
    : undefined;
  const result = new Map<string, any>();
  for (const c of pipeline.consumers) {
    const id = stack.getLogicalId(c.rule!.node.defaultChild as any);
    let json = JSON.stringify(resources[id].Properties.EventPattern);
    if (bucketRef) json = json.split(bucketRef).join(JSON.stringify(bucketName));
    expect(json).not.toContain('"Ref"'); // nothing left unresolved to compare against
    result.set(c.consumerName, JSON.parse(json));
  }
  return result;
}

function recipients(filters: Map<string, any>, matches: (filter: any) => boolean): string[] {
  return [...filters.entries()].filter(([, f]) => matches(f)).map(([name]) => name).sort();
}

// ---- pipelines -----------------------------------------------------------------------------

describe('SNS source with an S3 origin: payload filter policies', () => {
  const stack = newStack();
  const pipeline = new FanOutPipeline(stack, 'Uploads', {
    origin: FanOutOrigin.bucket(),
    consumers: [
      { name: 'virus-scan', handler },
      { name: 'text-extraction', handler, filter: ConsumerFilter.s3KeySuffixes(['.pdf', '.txt']) },
      {
        name: 'metadata-index', handler,
        filter: ConsumerFilter.snsPayload({
          Records: sns.FilterOrPolicy.policy({
            eventName: sns.FilterOrPolicy.filter(sns.SubscriptionFilter.stringFilter({ denylist: ['ObjectCreated:Copy'] })),
            s3: sns.FilterOrPolicy.policy({
              object: sns.FilterOrPolicy.policy({
                key: sns.FilterOrPolicy.filter(sns.SubscriptionFilter.stringFilter({ matchPrefixes: ['uploads/'] })),
                size: sns.FilterOrPolicy.filter(sns.SubscriptionFilter.numericFilter({ greaterThan: 0 })),
              }),
            }),
          }),
        }),
      },
    ],
  });
  const filters = subscriptionsByConsumer(stack, pipeline);

  test.each([
    ['uploads/report.pdf', 10, 'ObjectCreated:Put', ['metadata-index', 'text-extraction', 'virus-scan']],
    ['uploads/my+notes+%281%29.txt', 3, 'ObjectCreated:Put', ['metadata-index', 'text-extraction', 'virus-scan']],
    ['uploads/photo.jpg', 2048, 'ObjectCreated:CompleteMultipartUpload', ['metadata-index', 'virus-scan']],
    ['uploads/empty.pdf', 0, 'ObjectCreated:Put', ['text-extraction', 'virus-scan']],
    ['uploads/copied.pdf', 10, 'ObjectCreated:Copy', ['text-extraction', 'virus-scan']],
    ['tmp/scratch.txt', 5, 'ObjectCreated:Put', ['text-extraction', 'virus-scan']],
    ['archive/report.pdf.zip', 5, 'ObjectCreated:Put', ['virus-scan']],
    ['%E6%9D%B1%E4%BA%AC.PDF', 5, 'ObjectCreated:Put', ['virus-scan']], // suffix match is case-sensitive
  ])('%s (%d bytes, %s) reaches %j', (key, size, eventName, expected) => {
    const message: SnsMessage = { body: s3Body(key as string, size as number, eventName as string) };
    expect(recipients(filters, (f) => matchesSnsSubscription(f, message))).toEqual(expected);
  });
});

describe('SNS source without origin: attribute filter policies', () => {
  const stack = newStack();
  const pipeline = new FanOutPipeline(stack, 'Orders', {
    consumers: [
      { name: 'audit', handler },
      { name: 'billing', handler, filter: ConsumerFilter.snsAttributes({ type: sns.SubscriptionFilter.stringFilter({ allowlist: ['order.placed'] }) }) },
      {
        name: 'big-orders', handler,
        filter: ConsumerFilter.snsAttributes({
          type: sns.SubscriptionFilter.stringFilter({ allowlist: ['order.placed'] }),
          total: sns.SubscriptionFilter.numericFilter({ greaterThanOrEqualTo: 1000 }),
        }),
      },
      { name: 'cancellations', handler, filter: ConsumerFilter.snsAttributes({ type: sns.SubscriptionFilter.stringFilter({ matchPrefixes: ['order.cancel'] }) }) },
      {
        name: 'outside-eu', handler,
        filter: ConsumerFilter.snsAttributes({ region: sns.SubscriptionFilter.stringFilter({ denylist: ['eu-west-1', 'eu-central-1'] }) }),
      },
      { name: 'flagged', handler, filter: ConsumerFilter.snsAttributes({ fraudScore: sns.SubscriptionFilter.existsFilter() }) },
    ],
  });
  const filters = subscriptionsByConsumer(stack, pipeline);

  const attrs = (a: Record<string, string | number>): SnsMessage => ({
    body: '{}',
    attributes: Object.fromEntries(Object.entries(a).map(([k, v]) => [k, typeof v === 'number'
      ? { Type: 'Number' as const, Value: String(v) }
      : { Type: 'String' as const, Value: v }])),
  });

  test.each([
    [{ type: 'order.placed', total: 50, region: 'eu-west-1' }, ['audit', 'billing']],
    [{ type: 'order.placed', total: 1000, region: 'us-east-1' }, ['audit', 'big-orders', 'billing', 'outside-eu']],
    [{ type: 'order.cancelled', total: 5000, region: 'eu-central-1' }, ['audit', 'cancellations']],
    [{ type: 'order.cancel-requested', fraudScore: 0.9 }, ['audit', 'cancellations', 'flagged']],
    [{ type: 'order.shipped', region: 'ap-south-1' }, ['audit', 'outside-eu']],
    [{}, ['audit']],
  ])('attributes %j reach %j', (attributes, expected) => {
    expect(recipients(filters, (f) => matchesSnsSubscription(f, attrs(attributes)))).toEqual(expected);
  });
});

describe('event bus source with an S3 origin: rule patterns', () => {
  const stack = newStack();
  const pipeline = new FanOutPipeline(stack, 'Uploads', {
    source: FanOutSource.eventBus(),
    origin: FanOutOrigin.bucket(),
    consumers: [
      { name: 'virus-scan', handler },
      { name: 'text-extraction', handler, filter: ConsumerFilter.s3KeySuffixes(['.pdf', '.txt']) },
      {
        name: 'metadata-index', handler,
        filter: ConsumerFilter.eventPattern({ detail: { object: { key: [{ prefix: 'uploads/' }], size: [{ numeric: ['>', 0] }] } } }),
      },
    ],
  });
  const patterns = patternsByConsumer(stack, pipeline, 'uploads-bucket');

  test.each([
    [eventBridgeS3('uploads/report.pdf', 10), ['metadata-index', 'text-extraction', 'virus-scan']],
    [eventBridgeS3('uploads/my+photo.jpg', 10), ['metadata-index', 'virus-scan']],
    [eventBridgeS3('uploads/empty.txt', 0), ['text-extraction', 'virus-scan']],
    [eventBridgeS3('tmp/x.bin', 1), ['virus-scan']],
    [eventBridgeS3('uploads/report.pdf', 10, 'Object Deleted'), []],
    [eventBridgeS3('uploads/report.pdf', 10, 'Object Created', 'someone-elses-bucket'), []],
    [{ ...eventBridgeS3('uploads/report.pdf', 10), source: 'my.app' }, []],
  ])('event %# reaches %j', (event, expected) => {
    expect(recipients(patterns, (p) => matchesEventPattern(p, event))).toEqual(expected);
  });
});

describe('event bus source without origin: custom patterns', () => {
  const stack = newStack();
  const pipeline = new FanOutPipeline(stack, 'Orders', {
    source: FanOutSource.eventBus(),
    consumers: [
      { name: 'billing', handler, filter: ConsumerFilter.eventPattern({ source: ['shop.orders'], detailType: ['OrderPlaced'] }) },
      { name: 'big-orders', handler, filter: ConsumerFilter.eventPattern({ source: ['shop.orders'], detail: { total: [{ numeric: ['>=', 1000] }] } }) },
      { name: 'non-eur', handler, filter: ConsumerFilter.eventPattern({ source: ['shop.orders'], detail: { currency: [{ 'anything-but': ['EUR'] }] } }) },
      { name: 'vouchers', handler, filter: ConsumerFilter.eventPattern({ source: ['shop.orders'], detail: { voucher: [{ exists: true }] } }) },
    ],
  });
  const patterns = patternsByConsumer(stack, pipeline, 'unused');
  const order = (detailType: string, detail: Record<string, unknown>, source = 'shop.orders') =>
    ({ 'version': '0', 'id': 'o', 'detail-type': detailType, source, 'account': '123456789012', 'time': '2026-11-24T06:00:00Z', 'region': 'us-east-1', 'resources': [], detail });

  test.each([
    [order('OrderPlaced', { total: 10, currency: 'EUR' }), ['billing']],
    [order('OrderPlaced', { total: 1000, currency: 'USD' }), ['big-orders', 'billing', 'non-eur']],
    [order('OrderUpdated', { total: 2000, currency: 'EUR', voucher: 'XMAS' }), ['big-orders', 'vouchers']],
    [order('OrderPlaced', { total: 5000, currency: 'USD' }, 'shop.returns'), []],
  ])('event %# reaches %j', (event, expected) => {
    expect(recipients(patterns, (p) => matchesEventPattern(p, event))).toEqual(expected);
  });
});
