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

describe('acknowledgeRule', () => {
  const ids = [
    'AwsSolutions-SQS4',
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    'AwsSolutions-IAM5[Resource::<QueueArn.Arn>]',
    'HIPAA.Security-LambdaDLQ',
    'rule with spaces',
  ];

  test.each(ids)('writes the entry Validations.acknowledge writes: %s', (id) => {
    const stack = new Stack(new App(), 'S');
    const ours = new Construct(stack, 'Ours');
    const cdks = new Construct(stack, 'Cdk');
    acknowledgeRule(ours, id, 'the reason');
    Validations.of(cdks).acknowledge({ id, reason: 'the reason' });
    expect(entries(ours)).toEqual(entries(cdks));
    expect(entries(ours)).toHaveLength(1);
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
