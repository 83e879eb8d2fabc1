import { AwsApiError, SignedHttpClient, SignedHttpClientOptions } from './signed-http';

/** A DynamoDB attribute value in the wire format (`{ S: 'x' }`, `{ N: '1' }`, `{ M: {...} }`, ...). */
export type AttributeValue = Record<string, unknown>;
export type Item = Record<string, AttributeValue>;

/**
 * The four DynamoDB item operations the idempotency layer needs, over the DynamoDB JSON 1.0
 * protocol (`POST /`, `X-Amz-Target: DynamoDB_20120810.<Operation>`). Requests and responses are
 * the API's own JSON, so a call reads exactly like the API reference.
 *
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Operations_Amazon_DynamoDB.html
 */
export class DynamoDBHttpClient {
  readonly #http: SignedHttpClient;

  constructor(options: SignedHttpClientOptions = {}) {
    this.#http = new SignedHttpClient('dynamodb', options);
  }

  /** Calls `operation`; resolves to the response JSON, rejects with an AwsApiError (`code` = the exception name). */
  public async call<T = Record<string, unknown>>(operation: 'GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem', input: Record<string, unknown>): Promise<T> {
    const response = await this.#http.send({
      method: 'POST',
      path: '/',
      headers: {
        'Content-Type': 'application/x-amz-json-1.0',
        'X-Amz-Target': `DynamoDB_20120810.${operation}`,
      },
      body: JSON.stringify(input),
    });
    return (response.body ? JSON.parse(response.body) : {}) as T;
  }
}

export { AwsApiError };
