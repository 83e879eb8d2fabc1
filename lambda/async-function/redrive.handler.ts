import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { LambdaInvokeClient } from '@cdk-serverless-patterns/runtime/aws/lambda-invoke';
import { logger } from '@cdk-serverless-patterns/runtime/logger';
import { redriveBatch } from './redrive';

/**
 * Created once per execution environment, on the first replay: a signed HTTP client for the one
 * call this handler makes (loading `@aws-sdk/client-lambda` would cost ~50 ms of cold start).
 */
let lambda: LambdaInvokeClient | undefined;

/**
 * Consumes an AsyncFunction's failure queue and re-invokes the function asynchronously with each
 * original event. Messages it cannot replay are logged one by one and left in the queue.
 */
export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  logger.addContext(context);
  const target = process.env.REDRIVE_TARGET_FUNCTION_ARN;
  if (!target) throw new Error('REDRIVE_TARGET_FUNCTION_ARN is not set: the redrive does not know which function to replay to');

  const { outcomes, response } = await redriveBatch(event.Records, target, async (functionName, payload) => {
    lambda ??= new LambdaInvokeClient();
    return lambda.invokeAsync(functionName, payload);
  });
  for (const outcome of outcomes) {
    if (outcome.status === 'redriven') logger.info('event redriven', { ...outcome });
    else logger.error(outcome.status === 'rejected' ? 'message cannot be redriven; kept in the queue' : 'redrive failed; will retry', { ...outcome });
  }
  logger.info('redrive batch done', {
    records: outcomes.length,
    redriven: outcomes.filter((o) => o.status === 'redriven').length,
    kept: response.batchItemFailures.length,
  });
  return response;
}
