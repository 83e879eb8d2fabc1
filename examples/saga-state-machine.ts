import { Duration, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { HandlerCode, SagaStateMachine } from '../lib';

/** One example step function from this package's bundled saga handlers (`assets/saga/<name>`). */
function stepFunction(scope: Construct, name: string): lambda.Function {
  const code = HandlerCode.bundled(`saga/${name}`);
  return new lambda.Function(scope, name, {
    code: code.createCode()!,
    handler: code.handler!,
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: 256,
    timeout: Duration.seconds(10),
    tracing: lambda.Tracing.ACTIVE,
    loggingFormat: lambda.LoggingFormat.JSON,
    logGroup: new logs.LogGroup(scope, `${name}-logs`, { retention: logs.RetentionDays.ONE_MONTH }),
    environment: { POWERTOOLS_SERVICE_NAME: `order-saga-${name}` },
  });
}

/**
 * The order saga: reserve inventory -> charge payment -> create shipment. A failed charge is
 * refunded too (a timed-out charge may have been captured). Start an execution with
 * `{"orderId":"o-1","items":[{"sku":"A","quantity":1,"price":10}],"simulate":{"failStep":"create-shipment"}}`
 * to watch the refund and the release run in reverse order.
 */
export function addSagaStateMachineDemo(scope: Construct, alarmTopic: sns.ITopic): SagaStateMachine {
  const steps = new Construct(scope, 'OrderSagaSteps');
  // Rule-pack findings on the example step functions, with the reason each is acceptable here.
  for (const [id, reason] of [
    ['AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'the AWS managed basic execution policy only lets the function write its own logs'],
    ['AwsSolutions-IAM5[Resource::*]', 'X-Ray tracing: xray:PutTraceSegments and PutTelemetryRecords support no resource-level permissions'],
    ['Serverless-LambdaDLQ', 'Step Functions invokes the step functions synchronously and handles their failures (retry, catch, compensation); a DLQ only applies to asynchronous invocations'],
  ]) Validations.of(steps).acknowledge({ id, reason });
  return new SagaStateMachine(scope, 'OrderSaga', {
    steps: [
      {
        name: 'reserve-inventory',
        action: stepFunction(steps, 'reserve-inventory'),
        compensation: stepFunction(steps, 'release-inventory'),
        // The inventory service sheds load with this error; a later attempt succeeds.
        retry: { retryErrors: ['ServiceUnavailableError'], maxAttempts: 4 },
      },
      {
        name: 'charge-payment',
        action: stepFunction(steps, 'charge-payment'),
        compensation: stepFunction(steps, 'refund-payment'),
        compensatesOwnFailure: true,
        timeout: Duration.seconds(15),
      },
      { name: 'create-shipment', action: stepFunction(steps, 'create-shipment') },
    ],
    timeout: Duration.minutes(15),
    alarmTopic,
  });
}
