import type { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { Defaults } from './defaults';
import { acknowledgeRule } from './nag';

/** What differs between the library's dead-letter and failure queues. */
export interface DeadLetterQueueSettings {
  /** A FIFO queue (the dead-letter queue of a FIFO queue must be FIFO). @default false */
  readonly fifo?: boolean;
  /** Encrypt with this key instead of SSE-SQS. @default - SSE-SQS */
  readonly encryptionKey?: kms.IKey;
  /** Only for a queue something consumes (the failure queue's redrive). @default - SQS's 30 seconds */
  readonly visibilityTimeout?: Duration;
  /** This queue's own dead-letter queue (a failure queue that is redriven). @default - none */
  readonly deadLetterQueue?: sqs.DeadLetterQueue;
  /**
   * Why a queue that another service (Scheduler, SNS, EventBridge, Lambda) writes to is no
   * AwsSolutions-SQS3 finding ("queue is not a dead-letter queue"). @default - not acknowledged
   */
  readonly notUsedAsDeadLetterQueueReason?: string;
  /**
   * Why this queue needs no dead-letter queue of its own (Serverless-SQSRedrivePolicy).
   * @default - not acknowledged
   */
  readonly noRedrivePolicyReason?: string;
}

/**
 * A queue where failed messages wait for inspection and redrive, with the library's safe
 * defaults: kept 14 days (SQS's maximum), encrypted (SSE-SQS or the given key), SSL enforced.
 * Its depth alarm is `queueDepthAlarm` in ./alarms, added with the owner's other alarms.
 */
export function createDeadLetterQueue(scope: Construct, id: string, settings: DeadLetterQueueSettings = {}): sqs.Queue {
  const queue = new sqs.Queue(scope, id, definedOnly({
    fifo: settings.fifo || undefined,
    retentionPeriod: Defaults.deadLetterRetention,
    encryption: settings.encryptionKey ? sqs.QueueEncryption.KMS : sqs.QueueEncryption.SQS_MANAGED,
    encryptionMasterKey: settings.encryptionKey,
    enforceSSL: true,
    visibilityTimeout: settings.visibilityTimeout,
    deadLetterQueue: settings.deadLetterQueue,
  }));
  if (settings.notUsedAsDeadLetterQueueReason) {
    acknowledgeRule(queue, 'AwsSolutions-SQS3', settings.notUsedAsDeadLetterQueueReason);
  }
  if (settings.noRedrivePolicyReason) acknowledgeRule(queue, 'Serverless-SQSRedrivePolicy', settings.noRedrivePolicyReason);
  return queue;
}

/** Props without their undefined keys: CDK's property telemetry lists the keys passed, set or not. */
function definedOnly<T extends object>(props: T): T {
  return Object.fromEntries(Object.entries(props).filter(([, value]) => value !== undefined)) as T;
}
