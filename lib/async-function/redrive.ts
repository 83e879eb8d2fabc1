import { Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { createDeadLetterQueue } from '../core/dead-letter-queue';
import { createPatternFunction } from '../serverless-function/pattern-function';
import { HandlerCode } from '../core/handler';
import { acknowledgeComplianceRule, acknowledgeRule, nagResourceId } from '../core/nag';
import { warn } from '../core/validation';
import { minimumVisibilityTimeout } from '../rules/sqs';
import type { AsyncFunctionProps } from './props';

/** Receives of a failure-queue message before the redrive parks it. */
export const REDRIVE_MAX_RECEIVE_COUNT = 3;
const REDRIVE_TIMEOUT = Duration.seconds(30);

/** The created failure queue and, with the redrive, its dead-letter queue. */
export function createFailureQueue(scope: Construct, redrive: boolean): { failureQueue: sqs.Queue; redriveDeadLetterQueue?: sqs.Queue } {
  const redriveDeadLetterQueue = redrive ? createDeadLetterQueue(scope, 'RedriveDeadLetterQueue', {
    noRedrivePolicyReason: 'this is the dead-letter queue of the failure queue: the last stop, alarmed, kept 14 days',
  }) : undefined;
  const visibilityTimeout = redrive ? minimumVisibilityTimeout(REDRIVE_TIMEOUT) : undefined;
  const failureQueue = createDeadLetterQueue(scope, 'FailureQueue', {
    visibilityTimeout,
    deadLetterQueue: redriveDeadLetterQueue ? { queue: redriveDeadLetterQueue, maxReceiveCount: REDRIVE_MAX_RECEIVE_COUNT } : undefined,
  });
  return { failureQueue, redriveDeadLetterQueue };
}

/**
 * The redrive: a function that replays the failure queue, invoking `target` asynchronously with
 * each record's original event, through a (by default disabled) event source mapping.
 */
export function createRedrive(scope: Construct, target: lambda.IFunction, failureQueue: sqs.IQueue, props: AsyncFunctionProps) {
  const redriveFunction = createPatternFunction(scope, 'RedriveFunction', {
    handler: HandlerCode.bundled('async-function/redrive'),
    memorySize: 256,
    logRetention: props.logRetention,
    // The redrive runs where the function runs, and logs under the same key.
    vpc: props.vpc,
    vpcSubnets: props.vpcSubnets,
    securityGroups: props.securityGroups,
    logEncryptionKey: props.logEncryptionKey,
    // The one loop this library builds on purpose (failure queue -> redrive -> function -> failure
    // queue), and it must stay bounded: with TERMINATE an event that keeps failing is stopped after
    // about 16 cycles and parked in the redrive's dead-letter queue, behind its alarm.
    recursiveLoop: lambda.RecursiveLoop.TERMINATE,
  }, {
    defaultTimeout: REDRIVE_TIMEOUT,
    description: `Replays the failure queue of ${scope.node.path}`,
    patternEnvironment: { REDRIVE_TARGET_FUNCTION_ARN: target.functionArn },
  }).function;
  acknowledgeRule(redriveFunction, 'Serverless-LambdaDLQ',
    'invoked only by the SQS event source mapping of the failure queue, whose redrive policy parks what fails');
  acknowledgeComplianceRule(redriveFunction, 'LambdaConcurrency',
    'invoked only by the failure queue\'s event source mapping, whose maxConcurrency (2) bounds it: reserving concurrency '
    + 'for a function that is idle unless a redrive is enabled would take it from the account pool for nothing');
  target.grantInvoke(redriveFunction);
  failureQueue.grantConsumeMessages(redriveFunction);
  const reportBatchItemFailures = true;
  const redriveEventSourceMapping = new lambda.EventSourceMapping(scope, 'RedriveEventSourceMapping', {
    target: redriveFunction,
    eventSourceArn: failureQueue.queueArn,
    batchSize: 10,
    // Replay gently: every replayed event becomes an async invoke of the function.
    maxConcurrency: 2,
    reportBatchItemFailures,
    enabled: props.redriveEnabled ?? false,
  });
  if (redriveFunction.role) redriveEventSourceMapping.node.addDependency(redriveFunction.role);
  acknowledgeRule(redriveEventSourceMapping, 'Serverless-LambdaEventSourceMappingDestination',
    'SQS event source mappings take no on-failure destination: failed records stay in the failure queue and, after '
    + `${REDRIVE_MAX_RECEIVE_COUNT} receives, move to its dead-letter queue`);
  const arn = nagResourceId(Stack.of(scope).resolve(target.functionArn));
  acknowledgeRule(redriveFunction, `AwsSolutions-IAM5[Resource::${arn}:*]`,
    'destination records name the function with a qualifier (function ARN:$LATEST); the redrive may invoke this one function only');
  if (props.redriveEnabled) {
    warn(scope, 'AsyncFunction.redriveEnabled',
      'redriveEnabled replays every failure-queue message as soon as it arrives: an event that always fails cycles between '
      + 'the function and the queue, costing retryAttempts + 1 invocations per cycle. Enable it to drain the queue after a fix, then disable it.');
  }
  return { redriveFunction, redriveEventSourceMapping };
}
