// A local stand-in for the task-token half of Step Functions: SendTaskSuccess, SendTaskFailure and
// SendTaskHeartbeat over the service's awsJson1_0 protocol, so worker code calls it through its real
// client, the runtime's signed HTTP client (pointed here with AWS_ENDPOINT_URL_SFN). A waiting task state is a promise
// per token: success resolves it with the parsed output; failure rejects it with an error named as
// the worker's `error` (what a Catch matches); a token that is unknown or already completed gets
// TaskTimedOut, as the service answers for a closed task.
// https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html
// https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskFailure.html
// https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskHeartbeat.html
import { createServer, Server } from 'http';
import { AddressInfo } from 'net';

type Json = any;

export interface TaskTokenCall {
  readonly action: 'SendTaskSuccess' | 'SendTaskFailure' | 'SendTaskHeartbeat';
  readonly taskToken: string;
  readonly output?: Json;
  readonly error?: string;
  readonly cause?: string;
}

interface Waiting {
  resolve(output: Json): void;
  reject(error: Error): void;
  heartbeats: number;
}

export class TaskTokenService {
  public static async start(): Promise<TaskTokenService> {
    const service = new TaskTokenService();
    await new Promise<void>((resolve) => service.server.listen(0, '127.0.0.1', () => resolve()));
    service.endpoint = `http://127.0.0.1:${(service.server.address() as AddressInfo).port}`;
    return service;
  }

  public endpoint = '';
  public readonly calls: TaskTokenCall[] = [];
  private readonly waiting = new Map<string, Waiting>();
  private issued = 0;
  private readonly server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => { body += chunk; });
    request.on('end', () => {
      const action = String(request.headers['x-amz-target'] ?? '').replace('AWSStepFunctions.', '') as TaskTokenCall['action'];
      const input = JSON.parse(body || '{}');
      const reply = this.handle(action, input);
      response.writeHead(reply.status, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify(reply.body));
    });
  });

  /** A new token (the service issues one per task attempt) and the promise the waiting task state returns. */
  public issue(label: string): { token: string; result: Promise<Json> } {
    const token = `token-${++this.issued}-${label}`;
    const result = new Promise<Json>((resolve, reject) => this.waiting.set(token, { resolve, reject, heartbeats: 0 }));
    // A failure can arrive before the waiting state awaits the promise: not an unhandled rejection.
    result.catch(() => undefined);
    return { token, result };
  }

  /** Closes a token as the service does when the task times out: later calls get TaskTimedOut. */
  public close(token: string): void {
    this.waiting.delete(token);
  }

  public async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(action: TaskTokenCall['action'], input: Json): { status: number; body: Json } {
    const task = this.waiting.get(input.taskToken);
    if (!task) return { status: 400, body: { __type: 'com.amazonaws.swf.service.v2.model#TaskTimedOut', message: 'Task Timed Out' } };
    if (action === 'SendTaskSuccess') {
      this.calls.push({ action, taskToken: input.taskToken, output: JSON.parse(input.output) });
      this.waiting.delete(input.taskToken);
      task.resolve(JSON.parse(input.output));
    } else if (action === 'SendTaskFailure') {
      this.calls.push({ action, taskToken: input.taskToken, error: input.error, cause: input.cause });
      this.waiting.delete(input.taskToken);
      task.reject(Object.assign(new Error(input.cause ?? ''), { name: input.error ?? 'States.TaskFailed' }));
    } else if (action === 'SendTaskHeartbeat') {
      this.calls.push({ action, taskToken: input.taskToken });
      task.heartbeats += 1;
    } else {
      return { status: 400, body: { __type: 'UnknownOperationException', message: action } };
    }
    return { status: 200, body: {} };
  }
}
