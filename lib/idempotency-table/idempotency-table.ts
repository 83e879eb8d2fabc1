import { Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { acknowledgeRule } from '../core/nag';
import { rejectUnknownProps } from '../core/known-props';
import { pathOf } from '../core/validation';
import { IDEMPOTENCY_TABLE_PROPS } from './known-props';

/** The Powertools record actions: no Scan, Query or batch writes. */
const RECORD_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];
/** Construct id of the shared table at the root of a stack: distinctive, so it meets no id of the user's. */
const SHARED_TABLE_ID = 'ServerlessPatternsIdempotencyTable';

/** Properties of an IdempotencyTable. */
export interface IdempotencyTableProps {
  /**
   * What happens to the table when it leaves the stack. Records live for their TTL only.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Customer managed KMS key that encrypts the table (HIPAA/NIST ask for one). `grantRecordAccess`
   * then also grants the key actions DynamoDB needs to read and write items.
   * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html
   * @default - encrypted with the AWS managed key `aws/dynamodb`
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * AWS Backup plan that backs the table up (HIPAA/NIST `DynamoDBInBackupPlan`): the table adds a
   * backup selection naming itself to the plan. The plan's rules (schedule, retention, vault and its
   * key) stay yours, and one plan can hold every table of the app. The selection's role gets AWS
   * Backup's managed policy `AWSBackupServiceRolePolicyForBackup`.
   * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/assigning-resources.html
   * @default - no backup selection (point-in-time recovery is on either way)
   */
  readonly backupPlan?: backup.IBackupPlan;
}

/**
 * A DynamoDB table in the layout of the Powertools idempotency `DynamoDBPersistenceLayer`
 * (partition key `id`, TTL attribute `expiration`): on-demand, point-in-time recovery,
 * encrypted (AWS managed key, or yours), optionally in an AWS Backup plan. The workers and jobs of
 * this library share one per stack (`IdempotencyTable.forStack`); use it for your own idempotent
 * handlers too.
 */
export class IdempotencyTable extends dynamodb.Table {
  /**
   * Grants exactly what the Powertools persistence layer calls (GetItem, PutItem, UpdateItem,
   * DeleteItem) on any table: no Scan, Query or batch writes. With `keyPrefix`, only on the items
   * whose partition key starts with `<keyPrefix>#` (the `dynamodb:LeadingKeys` condition), which
   * is how the records of one handler in a shared table stay out of reach of every other.
   * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html
   */
  public static grantRecordAccessOn(table: dynamodb.ITable, grantee: iam.IGrantable, keyPrefix?: string): iam.Grant {
    const grant = keyPrefix === undefined
      ? table.grant(grantee, ...RECORD_ACTIONS)
      : iam.Grant.addToPrincipal({
        grantee,
        actions: RECORD_ACTIONS,
        resourceArns: [table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${keyPrefix}#*`] } },
      });
    // Reading and writing items of a table under a customer managed key: these key actions, named one by one.
    // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html
    table.encryptionKey?.grant(grantee, 'kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey');
    return grant;
  }

  /**
   * The idempotency table every idempotent construct of this library in `scope`'s stack shares by
   * default (created on first use, at the stack's root, with the defaults of `IdempotencyTableProps`).
   * Each handler keys its records with its own prefix, and its grant is limited to that prefix.
   */
  public static forStack(scope: Construct): IdempotencyTable {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(SHARED_TABLE_ID);
    if (existing instanceof IdempotencyTable) return existing;
    return new IdempotencyTable(stack, SHARED_TABLE_ID);
  }

  /**
   * The key prefix a handler of `owner` uses in a shared table (`IDEMPOTENCY_KEY_PREFIX`): the
   * owner's unique id in the app, a plain string known at synth (the function's name is a token,
   * and a role policy naming its own function would be a dependency cycle).
   */
  public static keyPrefixFor(owner: Construct): string {
    return Names.uniqueId(owner);
  }

  /** The backup selection that puts the table in `backupPlan` (undefined without one). */
  public readonly backupSelection?: backup.BackupSelection;

  constructor(scope: Construct, id: string, props: IdempotencyTableProps = {}) {
    rejectUnknownProps(pathOf(scope, id), 'IdempotencyTable', props, IDEMPOTENCY_TABLE_PROPS);
    super(scope, id, {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'expiration',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: props.encryptionKey ? dynamodb.TableEncryption.CUSTOMER_MANAGED : dynamodb.TableEncryption.AWS_MANAGED,
      encryptionKey: props.encryptionKey,
      // Nothing of value outlives the TTL, so deleting the stack need not leave the table behind.
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    if (props.backupPlan) {
      // A selection naming the table's ARN (not a tag): what DynamoDBInBackupPlan recognizes at synth.
      this.backupSelection = new backup.BackupSelection(this, 'BackupSelection', {
        backupPlan: props.backupPlan,
        resources: [backup.BackupResource.fromDynamoDbTable(this)],
      });
      acknowledgeRule(this.backupSelection,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
        'AWS Backup assumes this role to back the table up; AWSBackupServiceRolePolicyForBackup is the policy AWS Backup documents for it');
    }
  }

  /**
   * Grants the Powertools persistence layer's item actions on this table (and its key's, with one);
   * with `keyPrefix`, on that prefix's items only (see `grantRecordAccessOn`).
   */
  public grantRecordAccess(grantee: iam.IGrantable, keyPrefix?: string): iam.Grant {
    return IdempotencyTable.grantRecordAccessOn(this, grantee, keyPrefix);
  }
}
