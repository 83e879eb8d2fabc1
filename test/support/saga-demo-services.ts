// Local substitutes for the states of the demo order saga the interpreter cannot run, each
// behaving as the service behind it would:
// - approve-order (sqs:sendMessage.waitForTaskToken): SQS delivers the message body to the real
//   bundled approval worker (an SqsWorker handler); the state waits for the task token, which the
//   worker completes through the runtime's signed HTTP client against TaskTokenService.
// - publish-order-placed / Compensate publish-order-placed (events:putEvents): an accepted entry
//   gets an EventId (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html).
// - send-receipt (sns:publish): a MessageId (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html).
import type { SQSBatchResponse } from 'aws-lambda';
import { lambdaContext, sqsEvent, sqsRecord } from './lambda';
import { LocalService, warmHandler } from './saga-local';
import type { TaskTokenService } from './task-token-service';

type Json = any;

export interface DemoServices {
  readonly services: Record<string, LocalService>;
  /** Events put on the bus, in order. */
  readonly events: Json[];
  /** Messages published to the receipts topic. */
  readonly receipts: Json[];
  /** Approval messages delivered to the worker, with the token the service issued. */
  readonly approvals: Json[];
}

/** Loads the approval worker with the environment its SqsWorker gives it, pointed at the local token service. */
function approvalWorker(tokens: TaskTokenService) {
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SFN: tokens.endpoint,
    IDEMPOTENCY_KEY_PATH: 'powertools_json(body).idempotencyKey',
  });
  return warmHandler('saga-state-machine/approve-order');
}

/** A callback through a queue: deliver the body (with a fresh token) to `worker`, wait for the token. */
export function queueCallback(tokens: TaskTokenService, state: string, worker: (body: Json) => Promise<SQSBatchResponse | void>,
  delivered: Json[] = []): LocalService {
  return async (parameters) => {
    const { token, result } = tokens.issue(state);
    const body = { ...parameters.MessageBody, taskToken: token };
    delivered.push(body);
    await worker(body);
    return result;
  };
}

export function demoServices(tokens: TaskTokenService): DemoServices {
  const events: Json[] = [];
  const receipts: Json[] = [];
  const approvals: Json[] = [];
  const worker = approvalWorker(tokens);
  const putEvents: LocalService = async (parameters) => {
    events.push(...parameters.Entries);
    return { Entries: parameters.Entries.map(() => ({ EventId: `evt-${events.length}` })), FailedEntryCount: 0 };
  };
  return {
    events,
    receipts,
    approvals,
    services: {
      'approve-order': queueCallback(tokens, 'approve-order', (body) =>
        worker(sqsEvent([sqsRecord(`msg-${approvals.length}`, JSON.stringify(body))]), lambdaContext('order-saga-approval')), approvals),
      'publish-order-placed': putEvents,
      'Compensate publish-order-placed': putEvents,
      'send-receipt': async (parameters) => {
        receipts.push(parameters);
        return { MessageId: `msg-${receipts.length}` };
      },
    },
  };
}
