import * as path from 'path';
import { Duration, Size, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { HandlerCode, SqsWorker } from '../lib';

/**
 * The order worker written in Python (examples/python/sqs_worker.py, standard library only): the
 * same queue, DLQ, partial batch response and alarms as the Node.js worker. Idempotency is off,
 * since the stdlib-only handler does not read the table (see docs/handlers-in-any-runtime.md).
 */
export function addPythonWorkerDemo(scope: Construct, alarmTopic: sns.ITopic): SqsWorker {
  const worker = new SqsWorker(scope, 'PythonOrderWorker', {
    // Only the handler file: examples/python also holds the Python CDK app (examples/python/app.py).
    handler: HandlerCode.fromCode(
      lambda.Code.fromAsset(path.join(__dirname, 'python'), { exclude: ['*', '!sqs_worker.py'] }), 'sqs_worker.handler'),
    // The newest Python runtime CloudFormation's schema lists (cfn-lint 1.51 rejects python3.15, E3030),
    // though aws-cdk-lib 2.276 already knows PYTHON_3_15.
    runtime: lambda.Runtime.PYTHON_3_14,
    idempotency: { enabled: false },
    batchSize: 10,
    maxConcurrency: 5,
    timeout: Duration.seconds(20),
    alarmTopic,
    expectedLoad: { perMonth: 500_000, averageDuration: Duration.millis(60), payloadSize: Size.kibibytes(2) },
  });
  // cdk-nag asks for the newest runtime aws-cdk-lib knows (python3.15), which the CloudFormation schema does not list yet.
  for (const id of ['AwsSolutions-L1', 'Serverless-LambdaLatestVersion']) {
    Validations.of(worker.function).acknowledge({
      id, reason: 'python3.14 is the newest Python runtime the CloudFormation resource schema lists (cfn-lint 1.51, E3030 on python3.15)',
    });
  }
  return worker;
}
