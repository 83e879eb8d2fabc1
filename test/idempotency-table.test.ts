import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IdempotencyTable } from '../lib';
import { newStack, template } from './support/cdk';

test('the Powertools layout: key id, TTL expiration, on demand, PITR, encrypted, destroyed with the stack', () => {
  const stack = newStack();
  new IdempotencyTable(stack, 'Table');
  template(stack).hasResource('AWS::DynamoDB::Table', {
    Properties: {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    },
    DeletionPolicy: 'Delete',
  });
});

test('removal policy can be set; grants are the four item actions only', () => {
  const stack = newStack();
  const table = new IdempotencyTable(stack, 'Table', { removalPolicy: RemovalPolicy.RETAIN });
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  table.grantRecordAccess(role);
  const t = template(stack);
  t.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain' });
  const statements = Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
  expect(statements).toHaveLength(1);
  expect([statements[0].Action].flat().sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
  expect(statements[0].Resource).toEqual(expect.arrayContaining([{ 'Fn::GetAtt': [expect.stringMatching(/^Table/), 'Arn'] }]));
});
