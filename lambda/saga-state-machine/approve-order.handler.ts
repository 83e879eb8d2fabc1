import { logger } from '@cdk-serverless-patterns/runtime/logger';
import { createSqsWorkerHandler } from '@cdk-serverless-patterns/runtime/sqs-worker';
import { sendTaskFailure, sendTaskHeartbeat, sendTaskSuccess } from '@cdk-serverless-patterns/runtime/task-token';
import { ApprovalRequest, approveOrder } from './order-saga';
import { SagaBusinessError } from './saga-event';

const limit = Number(process.env.APPROVAL_LIMIT ?? 1000);

/**
 * Worker of the saga's approval step (a callback through this SqsWorker's queue): answers the task
 * token of each message. A heartbeat first (the step's HeartbeatSeconds), then SendTaskSuccess with
 * the approval, or SendTaskFailure with OrderRejectedError, which makes the saga compensate. A call
 * that fails (throttled, network) throws, so SQS redelivers the message and, in the end, moves it
 * to the DLQ; the step's timeout then fails the step.
 *
 * The body is taken raw and parsed here: Powertools idempotency (2.35) takes an object argument with
 * a `step` field for a durable-function context, and the saga payload has one.
 */
export const handler = createSqsWorkerHandler<string>(async (raw) => {
  const request = JSON.parse(raw) as ApprovalRequest;
  await sendTaskHeartbeat(request.taskToken);
  try {
    const approval = approveOrder(request, limit);
    await sendTaskSuccess(request.taskToken, approval);
    logger.info('order approved', { orderId: request.input.orderId, idempotencyKey: request.idempotencyKey });
    return approval;
  } catch (error) {
    if (!(error instanceof SagaBusinessError)) throw error;
    await sendTaskFailure(request.taskToken, error.name, error.message);
    logger.info('order rejected', { orderId: request.input.orderId, idempotencyKey: request.idempotencyKey, reason: error.message });
    return { approved: false };
  }
}, { body: 'raw' });
