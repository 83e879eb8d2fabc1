import { SignedHttpClient, SignedHttpClientOptions } from './signed-http';

/**
 * Lambda's Invoke API, asynchronous invocations only, over the signed HTTP client (no SDK).
 *
 * @see https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
 */
export class LambdaInvokeClient {
  readonly #http: SignedHttpClient;

  constructor(options: SignedHttpClientOptions = {}) {
    this.#http = new SignedHttpClient('lambda', options);
  }

  /**
   * `Invoke` with `InvocationType: Event`. `functionName` is a name, a (qualified) ARN or a
   * partial ARN, as the API takes it. Resolves to the HTTP status (202 when queued); rejects with
   * an AwsApiError named after the API error (`ResourceNotFoundException`, ...).
   */
  public async invokeAsync(functionName: string, payload: string): Promise<number> {
    const response = await this.#http.send({
      method: 'POST',
      path: `/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations`,
      headers: { 'Content-Type': 'application/octet-stream', 'X-Amz-Invocation-Type': 'Event' },
      body: payload,
    });
    return response.statusCode;
  }
}
