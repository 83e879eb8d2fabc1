/**
 * A tiny JSON router for API Gateway HTTP API (payload 2.0) and function URL events. Pure: no
 * logger, no clients; the handler file wires it to the shared logger.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type ApiResult = APIGatewayProxyStructuredResultV2;

/** What a route gets: the parsed JSON body (undefined when none), path parameters and the query. */
export interface ApiRequest {
  readonly method: string;
  readonly path: string;
  readonly params: Record<string, string>;
  readonly query: Record<string, string | undefined>;
  readonly body: unknown;
}

export interface RouteResponse {
  readonly status: number;
  readonly body: unknown;
}

export interface Route {
  readonly method: string;
  /** Path with `{name}` parameters, e.g. `/quotes/{id}`. */
  readonly path: string;
  readonly handle: (request: ApiRequest) => RouteResponse | Promise<RouteResponse>;
}

/** A client error: answered with its status and message (the message is meant for the caller). */
export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly details?: string[]) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Hook for logging; the handler passes the shared logger's methods. */
export interface ApiObserver {
  readonly onResponse?: (info: { method: string; path: string; status: number }) => void;
  readonly onError?: (error: unknown, info: { method: string; path: string }) => void;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

export function json(status: number, body: unknown): ApiResult {
  return { statusCode: status, headers: JSON_HEADERS, body: JSON.stringify(body) };
}

/** A client's malformed percent-encoding (`/currencies/%E0%A4%A`) is its error (400), not ours (500). */
function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, 'request path is not valid percent-encoding');
  }
}

function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/').filter(Boolean);
  const got = path.split('/').filter(Boolean);
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const name = /^\{(\w+)\}$/.exec(want[i]);
    if (name) params[name[1]] = decodePathSegment(got[i]);
    else if (want[i] !== got[i]) return undefined;
  }
  return params;
}

/** Parses the request body as JSON; 415 for another content type, 400 for malformed JSON. */
export function parseJsonBody(event: APIGatewayProxyEventV2): unknown {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  const contentType = Object.entries(event.headers ?? {})
    .find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '';
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(contentType.trim())) {
    throw new HttpError(415, 'request body must be JSON (content-type: application/json)');
  }
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'request body is not valid JSON');
  }
}

/**
 * Routes an event: 404 for an unknown path, 405 (with `allow`) for a known path and another
 * method, the HttpError's status for client errors, and 500 with only the request id for
 * anything else: internals go to the log, never to the caller.
 */
export function createRouter(routes: Route[], observer: ApiObserver = {}) {
  return async (event: APIGatewayProxyEventV2, requestId: string): Promise<ApiResult> => {
    let method = 'UNKNOWN';
    let path = 'UNKNOWN';
    let result: ApiResult;
    try {
      method = event.requestContext.http.method.toUpperCase();
      path = event.rawPath;
      const matches = routes
        .map((route) => ({ route, params: matchPath(route.path, path) }))
        .filter((m) => m.params !== undefined);
      const hit = matches.find((m) => m.route.method === method);
      if (!hit) {
        result = matches.length === 0
          ? json(404, { message: `no route for ${path}` })
          : { ...json(405, { message: `${method} is not allowed on ${path}` }), headers: { ...JSON_HEADERS, allow: matches.map((m) => m.route.method).join(', ') } };
      } else {
        const body = parseJsonBody(event);
        const response = await hit.route.handle({
          method, path, params: hit.params!, query: event.queryStringParameters ?? {}, body,
        });
        result = json(response.status, response.body);
      }
    } catch (error) {
      if (error instanceof HttpError) {
        result = json(error.status, { message: error.message, ...(error.details ? { errors: error.details } : {}) });
      } else {
        observer.onError?.(error, { method, path });
        result = json(500, { message: 'internal server error', requestId });
      }
    }
    observer.onResponse?.({ method, path, status: result.statusCode ?? 200 });
    return result;
  };
}
