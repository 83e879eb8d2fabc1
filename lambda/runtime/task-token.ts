/**
 * Completing a Step Functions task token from a worker (the callback steps of SagaStateMachine,
 * or any `.waitForTaskToken` task): success with an output, failure with an error name and cause,
 * or a heartbeat. Grant the worker `saga.grantTaskResponse(worker)`.
 *
 * The SFN client module is loaded and the client created on first use: a worker that never
 * completes a token does not pay for loading the SDK client (tens of ms of cold start). A lazy
 * `require` rather than `import()`: esbuild keeps `import()` of an external package as is in the
 * CommonJS bundles, which Lambda runs but a CommonJS host without ESM support (jest's VM) cannot.
 */
import type { SFNClient } from '@aws-sdk/client-sfn';

type Sdk = typeof import('@aws-sdk/client-sfn');
let sfn: Promise<{ sdk: Sdk; client: SFNClient }> | undefined;

function client(): Promise<{ sdk: Sdk; client: SFNClient }> {
  sfn ??= Promise.resolve().then(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sdk = require('@aws-sdk/client-sfn') as Sdk;
    return { sdk, client: new sdk.SFNClient({}) };
  });
  return sfn;
}

/** True once a call has loaded the SFN client (for tests and benchmarks). */
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
  const { sdk, client: c } = await client();
  await c.send(new sdk.SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output ?? null) }));
}

/**
 * Fails the task with `error` (the name a saga's Catch and the failure payload see) and `cause`.
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskFailure.html
 */
export async function sendTaskFailure(taskToken: string, error: string, cause?: string): Promise<void> {
  const { sdk, client: c } = await client();
  await c.send(new sdk.SendTaskFailureCommand({ taskToken, error: error.slice(0, MAX_ERROR), cause: cause?.slice(0, MAX_CAUSE) }));
}

/**
 * Tells the waiting step the worker is alive: resets the step's heartbeat clock (HeartbeatSeconds).
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskHeartbeat.html
 */
export async function sendTaskHeartbeat(taskToken: string): Promise<void> {
  const { sdk, client: c } = await client();
  await c.send(new sdk.SendTaskHeartbeatCommand({ taskToken }));
}
