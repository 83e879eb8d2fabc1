/**
 * Completing a Step Functions task token from a worker (the callback steps of SagaStateMachine,
 * or any `.waitForTaskToken` task): success with an output, failure with an error name and cause,
 * or a heartbeat. Grant the worker `saga.grantTaskResponse(worker)`.
 *
 * The calls go through the runtime's signed HTTP client (the service's awsJson1_0 protocol,
 * `X-Amz-Target: AWSStepFunctions.<Action>`, signed for `states`), created on first use: no AWS SDK
 * client to load at cold start (`@aws-sdk/client-sfn` cost tens of ms). `AWS_ENDPOINT_URL_SFN`
 * (the SDK's variable for this service), then `AWS_ENDPOINT_URL`, point it elsewhere.
 */
import { SignedHttpClient } from './aws/signed-http';

let sfn: SignedHttpClient | undefined;

function client(): SignedHttpClient {
  const endpoint = process.env.AWS_ENDPOINT_URL_SFN;
  sfn ??= new SignedHttpClient('states', endpoint ? { endpoint } : {});
  return sfn;
}

/** Sends one task-token action; rejects with an AwsApiError named after the service's error (`TaskTimedOut`, ...). */
async function send(action: 'SendTaskSuccess' | 'SendTaskFailure' | 'SendTaskHeartbeat', input: Record<string, unknown>): Promise<void> {
  await client().send({
    method: 'POST',
    path: '/',
    headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': `AWSStepFunctions.${action}` },
    body: JSON.stringify(input),
  });
}

/** True once a call has created the client (for tests and benchmarks). */
export function taskTokenClientLoaded(): boolean {
  return sfn !== undefined;
}

/** Step Functions' limits: error 256 characters, cause 32,768. */
const MAX_ERROR = 256;
const MAX_CAUSE = 32768;

/**
 * Completes the task: the waiting step succeeds with `output` (any JSON value, at most 256 KiB).
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html
 */
export async function sendTaskSuccess(taskToken: string, output: unknown): Promise<void> {
  await send('SendTaskSuccess', { taskToken, output: JSON.stringify(output ?? null) });
}

/**
 * Fails the task with `error` (the name a saga's Catch and the failure payload see) and `cause`.
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskFailure.html
 */
export async function sendTaskFailure(taskToken: string, error: string, cause?: string): Promise<void> {
  await send('SendTaskFailure', { taskToken, error: error.slice(0, MAX_ERROR), cause: cause?.slice(0, MAX_CAUSE) });
}

/**
 * Tells the waiting step the worker is alive: resets the step's heartbeat clock (HeartbeatSeconds).
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskHeartbeat.html
 */
export async function sendTaskHeartbeat(taskToken: string): Promise<void> {
  await send('SendTaskHeartbeat', { taskToken });
}
