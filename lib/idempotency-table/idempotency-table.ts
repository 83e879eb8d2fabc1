import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** Properties of an IdempotencyTable. */
export interface IdempotencyTableProps {
  /**
   * What happens to the table when it leaves the stack. Records live for their TTL only.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A DynamoDB table in the layout of the Powertools idempotency `DynamoDBPersistenceLayer`
 * (partition key `id`, TTL attribute `expiration`): on-demand, point-in-time recovery,
 * AWS-managed encryption. SqsWorker creates one; use it for your own idempotent handlers.
 */
export class IdempotencyTable extends dynamodb.Table {
  /**
   * Grants exactly what the Powertools persistence layer calls (GetItem, PutItem, UpdateItem,
   * DeleteItem) on any table: no Scan, Query or batch writes.
   */
  public static grantRecordAccessOn(table: dynamodb.ITable, grantee: iam.IGrantable): iam.Grant {
    return table.grant(grantee, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem');
  }

  constructor(scope: Construct, id: string, props: IdempotencyTableProps = {}) {
    super(scope, id, {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'expiration',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      // Nothing of value outlives the TTL, so deleting the stack need not leave the table behind.
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
  }

  /** Grants the Powertools persistence layer's item actions on this table. */
  public grantRecordAccess(grantee: iam.IGrantable): iam.Grant {
    return IdempotencyTable.grantRecordAccessOn(this, grantee);
  }
}
