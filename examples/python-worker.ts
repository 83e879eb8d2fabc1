import * as path from 'path';
import { Duration, Size } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { HandlerCode, SqsWorker } from '../lib';

/**
 * The order worker written in Python (examples/python/sqs_worker.py, standard library only): the
 * same queue, DLQ, partial batch response and alarms as the Node.js worker. Idempotency is off,
 * since the stdlib-only handler does not read the table (see the README, "Handlers in any runtime").
 */
export function addPythonWorkerDemo(scope: Construct, alarmTopic: sns.ITopic): SqsWorker {
  return new SqsWorker(scope, 'PythonOrderWorker', {
    handler: HandlerCode.fromCode(
      lambda.Code.fromAsset(path.join(__dirname, 'python'), { exclude: ['__pycache__', '*.pyc'] }), 'sqs_worker.handler'),
    runtime: lambda.Runtime.PYTHON_3_15,  // the newest Python runtime aws-cdk-lib knows (cdk-nag AwsSolutions-L1)
    idempotency: { enabled: false },
    batchSize: 10,
    maxConcurrency: 5,
    timeout: Duration.seconds(20),
    alarmTopic,
    expectedLoad: { perMonth: 500_000, averageDuration: Duration.millis(60), payloadSize: Size.kibibytes(2) },
  });
}
