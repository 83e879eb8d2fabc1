import { App, Stack, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Construct } from 'constructs';
import { acknowledgeRule } from '../lib/core/nag';

/** The acknowledgement entries of a construct, as type and data (what the assembly and cdk-nag read). */
function entries(c: Construct) {
  return c.node.metadata
    .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .map((m) => ({ type: m.type, data: m.data }));
}

/**
 * From 2.271.0 on, aws-cdk-lib's `Validations.acknowledge` writes exactly what `acknowledgeRule` writes.
 * Before, it wrote some cdk-nag ids differently (2.263.0: an id with one `::` inside brackets without
 * `Annotation::`, one with two `::` rejected; up to 2.270.0: spaces kept), which is why the library
 * writes the entry itself; cdk-nag 3 strips `Annotation::` and reads it on every version.
 */
function cdkWritesLikeAcknowledgeRule(): boolean {
  // Loaded through the module mapping the tests use (scripts/test-cdk-version.sh maps other versions).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const [major, minor] = (require('aws-cdk-lib/package.json') as { version: string }).version.split('.').map(Number);
  return major > 2 || minor >= 271;
}

describe('acknowledgeRule', () => {
  const ids: Array<[string, string]> = [
    ['AwsSolutions-SQS4', 'Annotation::AwsSolutions-SQS4'],
    ['AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'Annotation::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]'],
    ['AwsSolutions-IAM5[Resource::<QueueArn.Arn>]', 'Annotation::AwsSolutions-IAM5[Resource::<QueueArn.Arn>]'],
    ['HIPAA.Security-LambdaDLQ', 'Annotation::HIPAA.Security-LambdaDLQ'],
    ['rule with spaces', 'Annotation::rule-with-spaces'],
  ];

  test.each(ids)('writes the entry cdk-nag reads, as Validations.acknowledge writes it from aws-cdk-lib 2.271.0: %s', (id, key) => {
    const stack = new Stack(new App(), 'S');
    const ours = new Construct(stack, 'Ours');
    acknowledgeRule(ours, id, 'the reason');
    expect(entries(ours)).toEqual([{ type: Validations.ACKNOWLEDGED_RULES_METADATA_KEY, data: { [key]: 'the reason' } }]);
    if (cdkWritesLikeAcknowledgeRule()) {
      const cdks = new Construct(stack, 'Cdk');
      Validations.of(cdks).acknowledge({ id, reason: 'the reason' });
      expect(entries(ours)).toEqual(entries(cdks));
    }
  });

  test('a namespaced id goes through Validations.acknowledge', () => {
    const stack = new Stack(new App(), 'S');
    const ours = new Construct(stack, 'Ours');
    const cdks = new Construct(stack, 'Cdk');
    acknowledgeRule(ours, 'my-plugin::SomeRule', 'the reason');
    Validations.of(cdks).acknowledge({ id: 'my-plugin::SomeRule', reason: 'the reason' });
    expect(entries(ours)).toEqual([{ type: Validations.ACKNOWLEDGED_RULES_METADATA_KEY, data: { 'my-plugin::SomeRule': 'the reason' } }]);
    expect(entries(ours)).toEqual(entries(cdks));
  });

  test('cdk-nag honours it on the construct and its children', () => {
    const stack = new Stack(new App(), 'S');
    const scope = new Construct(stack, 'Scope');
    new sqs.Queue(scope, 'Queue');
    const before = new AwsSolutionsChecks().validateScope(stack).violations.map((v) => v.ruleName);
    expect(before).toContain('AwsSolutions-SQS4');
    acknowledgeRule(scope, 'AwsSolutions-SQS4', 'test');
    const after = new AwsSolutionsChecks().validateScope(stack).violations.map((v) => v.ruleName);
    expect(after).not.toContain('AwsSolutions-SQS4');
  });
});
