import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Template } from 'aws-cdk-lib/assertions';
import { HandlerCode, StreamSource, StreamWorker, StreamWorkerProps } from '../../lib';
import { newStack } from './cdk';

/** The settings of a synthesized StreamWorker mapping that the mapping model runs with. */
export interface SynthesizedMapping {
  readonly batchSize: number;
  readonly maxRetryAttempts: number;
  readonly bisectBatchOnFunctionError: boolean;
  readonly maxRecordAgeSeconds: number;
  /** The idempotency variables the construct gives the function (table name excluded). */
  readonly idempotencyEnvironment: Record<string, string>;
}

/**
 * Synthesizes a StreamWorker and reads its event source mapping and function environment from the
 * template, so end-to-end runs drive the handler with the configuration the construct deploys.
 */
export function synthesizedMapping(props: Partial<StreamWorkerProps> = {}, source: 'kinesis' | 'dynamodb' = 'kinesis'): SynthesizedMapping {
  const stack = newStack();
  const table = source === 'dynamodb' ? new dynamodb.Table(stack, 'Orders', {
    partitionKey: { name: 'orderId', type: dynamodb.AttributeType.STRING }, stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
  }) : undefined;
  new StreamWorker(stack, 'Worker', {
    handler: HandlerCode.bundled(source === 'dynamodb' ? 'stream-worker/read-model' : 'stream-worker/example'),
    source: table ? StreamSource.dynamoDb(table) : undefined,
    ...props,
  });
  const template = Template.fromStack(stack);
  const [mapping] = Object.values(template.findResources('AWS::Lambda::EventSourceMapping')).map((r) => r.Properties);
  if (!(mapping.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures')) {
    throw new Error('the model assumes ReportBatchItemFailures, and the synthesized mapping does not report them');
  }
  const [fn] = Object.values(template.findResources('AWS::Lambda::Function')).map((r) => r.Properties);
  const variables = fn.Environment.Variables as Record<string, unknown>;
  return {
    batchSize: mapping.BatchSize,
    maxRetryAttempts: mapping.MaximumRetryAttempts,
    bisectBatchOnFunctionError: mapping.BisectBatchOnFunctionError,
    maxRecordAgeSeconds: mapping.MaximumRecordAgeInSeconds,
    idempotencyEnvironment: {
      IDEMPOTENCY_KEY_PATH: String(variables.IDEMPOTENCY_KEY_PATH),
      IDEMPOTENCY_TTL_SECONDS: String(variables.IDEMPOTENCY_TTL_SECONDS),
    },
  };
}
