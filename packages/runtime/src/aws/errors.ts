/** An error response (or a transport failure) from an AWS API. */
export class AwsApiError extends Error {
  /** The AWS error code (`ConditionalCheckFailedException`, ...), or the Node.js error code. */
  public readonly code: string;
  /** HTTP status; 0 when no response arrived. */
  public readonly statusCode: number;
  /** The parsed error body, when it was JSON. */
  public readonly body?: Record<string, unknown>;
  /** The server's clock (its `Date` header, in epoch ms), for clock-skew correction. */
  public readonly serverTime?: number;
  /** How many attempts the client made before giving up (set by the client). */
  public attempts = 1;

  constructor(code: string, statusCode: number, message: string, body?: Record<string, unknown>, serverTime?: number) {
    super(message);
    this.name = code;
    this.code = code;
    this.statusCode = statusCode;
    this.body = body;
    this.serverTime = serverTime;
  }
}

/**
 * What ran out of time: `connect` (no TCP/TLS connection within the connect timeout), `response`
 * (connected, but no byte of the answer within the response timeout), `deadline` (the call's
 * overall deadline, derived from the invocation's remaining time, passed).
 */
export type TimeoutPhase = 'connect' | 'response' | 'deadline';

const PHASE_TEXT: Record<TimeoutPhase, string> = {
  connect: 'no connection within the connect timeout',
  response: 'no response within the response timeout',
  deadline: "the call's deadline passed",
};

/**
 * An AWS call that ran out of time. Its message names the service, the operation, what timed
 * out and after how long, e.g. `dynamodb PutItem timed out after 300 ms: no response within the
 * response timeout (attempt 3 of 3)`.
 */
export class AwsTimeoutError extends AwsApiError {
  public readonly service: string;
  public readonly operation: string;
  public readonly phase: TimeoutPhase;
  /** How long the timed-out phase lasted, in ms. */
  public readonly afterMs: number;

  constructor(service: string, operation: string, phase: TimeoutPhase, afterMs: number, detail = '') {
    super(phase === 'deadline' ? 'DeadlineExceeded' : 'TimeoutError', 0,
      `${service} ${operation} timed out after ${Math.round(afterMs)} ms: ${PHASE_TEXT[phase]}${detail}`);
    this.name = 'AwsTimeoutError';
    this.service = service;
    this.operation = operation;
    this.phase = phase;
    this.afterMs = afterMs;
  }
}
