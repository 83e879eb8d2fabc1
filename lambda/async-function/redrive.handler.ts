import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { logger } from '../runtime/logger';
import { redriveBatch } from './redrive';

/** Created once per execution environment; the Lambda runtime ships the SDK. */
const lambda = new LambdaClient({});
const encoder = new TextEncoder();

/**
 * Consumes an AsyncFunction's failure queue and re-invokes the function asynchronously with each
 * original event. Messages it cannot replay are logged one by one and left in the queue.
 */
export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  logger.addContext(context);
  const target = process.env.REDRIVE_TARGET_FUNCTION_ARN;
  if (!target) throw new Error('REDRIVE_TARGET_FUNCTION_ARN is not set: the redrive does not know which function to replay to');

  const { outcomes, response } = await redriveBatch(event.Records, target, async (functionName, payload) => {
    const result = await lambda.send(new InvokeCommand({
      FunctionName: functionName,
      InvocationType: 'Event',
      Payload: encoder.encode(payload),
    }));
    return result.StatusCode ?? 0;
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
