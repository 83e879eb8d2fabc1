import { Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { Defaults } from './defaults';
import { warn } from './validation';

/** How the library's log groups are kept: retention always, a KMS key optionally. */
export interface LogGroupOptions {
  /** @default Defaults.logRetention */
  readonly retention?: logs.RetentionDays;
  /** @default - CloudWatch Logs' own encryption */
  readonly encryptionKey?: kms.IKey;
}

/**
 * The actions CloudWatch Logs performs with a customer managed key, named one by one (the AWS
 * example policy uses wildcards such as `kms:Encrypt*`).
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
 */
const LOGS_KEY_ACTIONS = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey'];

/**
 * Creates a log group of this library (function, state machine and access logs): explicit
 * retention, and with a key, the key-policy statement CloudWatch Logs needs for it.
 */
export function createLogGroup(scope: Construct, id: string, options: LogGroupOptions): logs.LogGroup {
  const logGroup = new logs.LogGroup(scope, id, {
    retention: options.retention ?? Defaults.logRetention,
    encryptionKey: options.encryptionKey,
  });
  if (options.encryptionKey) allowLogsToUseKey(logGroup, options.encryptionKey);
  return logGroup;
}

/** Applies the library's retention and key to a log group someone else created (through its L1). */
export function configureLogGroup(logGroup: logs.LogGroup, options: LogGroupOptions): logs.LogGroup {
  const cfn = logGroup.node.defaultChild as logs.CfnLogGroup;
  const retention = options.retention ?? Defaults.logRetention;
  cfn.retentionInDays = retention === logs.RetentionDays.INFINITE ? undefined : retention;
  if (options.encryptionKey) {
    cfn.kmsKeyId = options.encryptionKey.keyArn;
    allowLogsToUseKey(logGroup, options.encryptionKey);
  }
  return logGroup;
}

function allowLogsToUseKey(logGroup: logs.LogGroup, key: kms.IKey): void {
  const stack = Stack.of(logGroup);
  // The log group's own ARN cannot be named here (the group refers to the key, the key policy would
  // refer back to the group: a cycle), so the condition names the log groups of this account and region.
  const statement = new iam.PolicyStatement({
    sid: 'AllowCloudWatchLogsOfThisAccountAndRegion',
    principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
    actions: LOGS_KEY_ACTIONS,
    resources: ['*'],
    conditions: {
      ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${stack.region}:${stack.account}:log-group:*` },
    },
  });
  if (!key.addToResourcePolicy(statement, true).statementAdded) {
    warn(logGroup, 'LogGroup.importedEncryptionKey',
      'the log group\'s KMS key is imported, so its key policy cannot be changed here: CloudWatch Logs can use the key only '
      + `if its policy already allows it, e.g. ${JSON.stringify(stack.resolve(statement.toStatementJson()))}`);
  }
}
