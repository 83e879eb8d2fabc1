/**
 * The filter cases of FanOutPipeline, shared by the fast evaluator test
 * (test/fan-out-pipeline-filters.test.ts, test/support/event-filter.ts) and the moto test
 * (test/fan-out-pipeline-filters.moto.test.ts), so both judge the same pipelines, samples and
 * expected recipients.
 */
import { Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ConsumerFilter, FanOutOrigin, FanOutPipeline, FanOutSource, HandlerCode } from '../../lib';
import { template } from './cdk';
import type { SnsMessage } from './event-filter';

const handler = HandlerCode.bundled('fan-out-pipeline/example');

// ---- the evaluator's own cases -------------------------------------------------------------

export const EVALUATOR_EVENT = {
  'source': 'shop', 'detail-type': 'OrderPlaced',
  'detail': { total: 120.5, currency: 'EUR', tags: ['gift', 'express'], customer: { tier: 'gold', id: 'c-1' }, note: null, paid: true },
};

/** Event patterns against EVALUATOR_EVENT, and whether each matches. */
export const EVALUATOR_PATTERN_CASES: Array<[Record<string, unknown>, boolean]> = [
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
];

/** The message of the evaluator's SNS cases: a non-JSON body with three attribute types. */
export const EVALUATOR_SNS_MESSAGE: SnsMessage = {
  body: 'not json',
  attributes: {
    type: { Type: 'String', Value: 'order.placed' },
    total: { Type: 'Number', Value: '1500' },
    tags: { Type: 'String.Array', Value: '["vip","gift"]' },
  },
};

/** Subscription filter settings, a message, and whether the subscription receives it. */
export const EVALUATOR_SNS_CASES: Array<[{ FilterPolicy?: any; FilterPolicyScope?: 'MessageAttributes' | 'MessageBody' }, SnsMessage, boolean]> = [
  [{ FilterPolicy: { type: ['order.placed'], total: [{ numeric: ['>=', 1000] }], tags: ['vip'] } }, EVALUATOR_SNS_MESSAGE, true],
  [{ FilterPolicy: { total: [{ numeric: ['<', 1000] }] } }, EVALUATOR_SNS_MESSAGE, false],
  [{ FilterPolicy: { region: [{ exists: true }] } }, EVALUATOR_SNS_MESSAGE, false],
  [{}, EVALUATOR_SNS_MESSAGE, true],
  // payload filtering needs a JSON body
  [{ FilterPolicy: { type: ['order.placed'] }, FilterPolicyScope: 'MessageBody' }, EVALUATOR_SNS_MESSAGE, false],
  // exists: false needs at least one attribute on the message (SNS key matching rules).
  [{ FilterPolicy: { region: [{ exists: false }] } }, EVALUATOR_SNS_MESSAGE, true],
  [{ FilterPolicy: { region: [{ exists: false }] } }, { body: '{}' }, false],
];

// ---- samples -------------------------------------------------------------------------------

export const BUCKET_NAME = 'uploads-bucket';

/** An S3 notification body for one object; keys in the URL-encoded form S3 uses. */
function s3Body(encodedKey: string, size: number, eventName = 'ObjectCreated:Put', bucket = BUCKET_NAME): string {
  return JSON.stringify({
    Records: [{
      eventVersion: '2.1', eventSource: 'aws:s3', awsRegion: 'us-east-1', eventTime: '2026-11-24T06:00:00.000Z', eventName,
      s3: { s3SchemaVersion: '1.0', bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` }, object: { key: encodedKey, size, sequencer: '0A1B' } },
    }],
  });
}

export interface BusEvent {
  readonly 'version': string;
  readonly 'id': string;
  readonly 'detail-type': string;
  readonly 'source': string;
  readonly 'account': string;
  readonly 'time': string;
  readonly 'region': string;
  readonly 'resources': string[];
  readonly 'detail': Record<string, unknown>;
}

function eventBridgeS3(encodedKey: string, size: number, detailType = 'Object Created', bucket = BUCKET_NAME): BusEvent {
  return {
    'version': '0', 'id': 'e-1', 'detail-type': detailType, 'source': 'aws.s3', 'account': '123456789012',
    'time': '2026-11-24T06:00:00Z', 'region': 'us-east-1', 'resources': [`arn:aws:s3:::${bucket}`],
    'detail': { version: '0', bucket: { name: bucket }, object: { key: encodedKey, size }, reason: 'PutObject' },
  };
}

const attrs = (a: Record<string, string | number>): SnsMessage => ({
  body: '{}',
  attributes: Object.fromEntries(Object.entries(a).map(([k, v]) => [k, typeof v === 'number'
    ? { Type: 'Number' as const, Value: String(v) }
    : { Type: 'String' as const, Value: v }])),
});

const order = (detailType: string, detail: Record<string, unknown>, source = 'shop.orders'): BusEvent =>
  ({ 'version': '0', 'id': 'o', 'detail-type': detailType, source, 'account': '123456789012', 'time': '2026-11-24T06:00:00Z', 'region': 'us-east-1', 'resources': [], detail });

// ---- pipelines -----------------------------------------------------------------------------

/** A pipeline, how it is fed, and each sample with the consumers it must reach (sorted). */
export type PipelineCase = {
  readonly title: string;
  readonly build: (stack: Stack) => FanOutPipeline;
} & ({
  readonly kind: 'sns';
  readonly samples: Array<{ readonly label: string; readonly message: SnsMessage; readonly expected: string[] }>;
} | {
  readonly kind: 'bus';
  readonly samples: Array<{ readonly label: string; readonly event: BusEvent; readonly expected: string[] }>;
});

const s3Sample = (key: string, size: number, eventName: string, expected: string[]) =>
  ({ label: `${key} (${size} bytes, ${eventName})`, message: { body: s3Body(key, size, eventName) }, expected });

export const PIPELINE_CASES: PipelineCase[] = [
  {
    title: 'SNS source with an S3 origin: payload filter policies',
    kind: 'sns',
    build: (stack) => new FanOutPipeline(stack, 'Uploads', {
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
    }),
    samples: [
      s3Sample('uploads/report.pdf', 10, 'ObjectCreated:Put', ['metadata-index', 'text-extraction', 'virus-scan']),
      s3Sample('uploads/my+notes+%281%29.txt', 3, 'ObjectCreated:Put', ['metadata-index', 'text-extraction', 'virus-scan']),
      s3Sample('uploads/photo.jpg', 2048, 'ObjectCreated:CompleteMultipartUpload', ['metadata-index', 'virus-scan']),
      s3Sample('uploads/empty.pdf', 0, 'ObjectCreated:Put', ['text-extraction', 'virus-scan']),
      s3Sample('uploads/copied.pdf', 10, 'ObjectCreated:Copy', ['text-extraction', 'virus-scan']),
      s3Sample('tmp/scratch.txt', 5, 'ObjectCreated:Put', ['text-extraction', 'virus-scan']),
      s3Sample('archive/report.pdf.zip', 5, 'ObjectCreated:Put', ['virus-scan']),
      s3Sample('%E6%9D%B1%E4%BA%AC.PDF', 5, 'ObjectCreated:Put', ['virus-scan']), // suffix match is case-sensitive
    ],
  },
  {
    title: 'SNS source without origin: attribute filter policies',
    kind: 'sns',
    build: (stack) => new FanOutPipeline(stack, 'Orders', {
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
    }),
    samples: ([
      [{ type: 'order.placed', total: 50, region: 'eu-west-1' }, ['audit', 'billing']],
      [{ type: 'order.placed', total: 1000, region: 'us-east-1' }, ['audit', 'big-orders', 'billing', 'outside-eu']],
      [{ type: 'order.cancelled', total: 5000, region: 'eu-central-1' }, ['audit', 'cancellations']],
      [{ type: 'order.cancel-requested', fraudScore: 0.9 }, ['audit', 'cancellations', 'flagged']],
      [{ type: 'order.shipped', region: 'ap-south-1' }, ['audit', 'outside-eu']],
      [{}, ['audit']],
    ] as Array<[Record<string, string | number>, string[]]>).map(([a, expected]) => ({ label: `attributes ${JSON.stringify(a)}`, message: attrs(a), expected })),
  },
  {
    title: 'event bus source with an S3 origin: rule patterns',
    kind: 'bus',
    build: (stack) => new FanOutPipeline(stack, 'Uploads', {
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
    }),
    samples: ([
      [eventBridgeS3('uploads/report.pdf', 10), ['metadata-index', 'text-extraction', 'virus-scan']],
      [eventBridgeS3('uploads/my+photo.jpg', 10), ['metadata-index', 'virus-scan']],
      [eventBridgeS3('uploads/empty.txt', 0), ['text-extraction', 'virus-scan']],
      [eventBridgeS3('tmp/x.bin', 1), ['virus-scan']],
      [eventBridgeS3('uploads/report.pdf', 10, 'Object Deleted'), []],
      [eventBridgeS3('uploads/report.pdf', 10, 'Object Created', 'someone-elses-bucket'), []],
      [{ ...eventBridgeS3('uploads/report.pdf', 10), source: 'my.app' }, []],
    ] as Array<[BusEvent, string[]]>).map(([event, expected], i) => ({ label: `event ${i}`, event, expected })),
  },
  {
    title: 'event bus source without origin: custom patterns',
    kind: 'bus',
    build: (stack) => new FanOutPipeline(stack, 'Orders', {
      source: FanOutSource.eventBus(),
      consumers: [
        { name: 'billing', handler, filter: ConsumerFilter.eventPattern({ source: ['shop.orders'], detailType: ['OrderPlaced'] }) },
        { name: 'big-orders', handler, filter: ConsumerFilter.eventPattern({ source: ['shop.orders'], detail: { total: [{ numeric: ['>=', 1000] }] } }) },
        { name: 'non-eur', handler, filter: ConsumerFilter.eventPattern({ source: ['shop.orders'], detail: { currency: [{ 'anything-but': ['EUR'] }] } }) },
        { name: 'vouchers', handler, filter: ConsumerFilter.eventPattern({ source: ['shop.orders'], detail: { voucher: [{ exists: true }] } }) },
      ],
    }),
    samples: ([
      [order('OrderPlaced', { total: 10, currency: 'EUR' }), ['billing']],
      [order('OrderPlaced', { total: 1000, currency: 'USD' }), ['big-orders', 'billing', 'non-eur']],
      [order('OrderUpdated', { total: 2000, currency: 'EUR', voucher: 'XMAS' }), ['big-orders', 'vouchers']],
      [order('OrderPlaced', { total: 5000, currency: 'USD' }, 'shop.returns'), []],
    ] as Array<[BusEvent, string[]]>).map(([event, expected], i) => ({ label: `event ${i}`, event, expected })),
  },
];

// ---- reading the template ------------------------------------------------------------------

/** Subscription properties per consumer, as synthesized. */
export function subscriptionsByConsumer(stack: Stack, pipeline: FanOutPipeline): Map<string, any> {
  const resources = template(stack).findResources('AWS::SNS::Subscription');
  const result = new Map<string, any>();
  for (const c of pipeline.consumers) {
    const id = stack.getLogicalId(c.subscription!.node.defaultChild as sns.CfnSubscription);
    result.set(c.consumerName, resources[id].Properties);
  }
  return result;
}

/** Rule properties per consumer, as synthesized, with the origin bucket's Ref replaced by its name. */
export function rulesByConsumer(stack: Stack, pipeline: FanOutPipeline, bucketName = BUCKET_NAME): Map<string, any> {
  const resources = template(stack).findResources('AWS::Events::Rule');
  const bucketRef = pipeline.originBucket
    ? JSON.stringify({ Ref: stack.getLogicalId(pipeline.originBucket.node.defaultChild as s3.CfnBucket) })
    : undefined;
  const result = new Map<string, any>();
  for (const c of pipeline.consumers) {
    const id = stack.getLogicalId(c.rule!.node.defaultChild as any);
    let json = JSON.stringify(resources[id].Properties);
    if (bucketRef) json = json.split(bucketRef).join(JSON.stringify(bucketName));
    result.set(c.consumerName, JSON.parse(json));
  }
  return result;
}
