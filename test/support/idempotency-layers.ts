import { createServer, request, Server } from 'http';
import { AddressInfo } from 'net';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { DynamoDBHttpClient } from '../../packages/runtime/src/aws/dynamodb';
import { DynamoDBHttpPersistenceLayer } from '../../packages/runtime/src/idempotency/dynamodb-http-persistence-layer';

/**
 * The idempotency persistence layers under test (test/support/idempotency-scenarios.ts), and the
 * recording proxy in front of their DynamoDB store that lets the scenarios see and compare the
 * requests any layer sends, whatever client it uses.
 */

/** Where a persistence layer under test must send its requests. */
export interface DynamoTarget {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** Builds the persistence layer under test for a table (the Powertools record layout: key `id`). */
export type PersistenceLayerFactory = (tableName: string, target: DynamoTarget) => BasePersistenceLayer;

/** Powertools' own layer, with its SDK client pointed at the target. */
export const powertoolsDynamoDBLayer: PersistenceLayerFactory = (tableName, target) => new DynamoDBPersistenceLayer({
  tableName,
  clientConfig: { endpoint: target.endpoint, region: target.region, credentials: target.credentials },
});

/**
 * The runtime's DynamoDBHttpPersistenceLayer (signed HTTP, no SDK client) pointed at the target;
 * it reads credentials from the environment, which the dynalite and moto helpers set.
 */
export const httpDynamoDBLayer: PersistenceLayerFactory = (tableName, target) => new DynamoDBHttpPersistenceLayer({
  tableName,
  client: new DynamoDBHttpClient({ endpoint: target.endpoint, region: target.region }),
});

/** Both layers this project ships or relies on. */
export const BOTH_LAYERS: Record<string, PersistenceLayerFactory> = {
  'Powertools DynamoDBPersistenceLayer (AWS SDK)': powertoolsDynamoDBLayer,
  'DynamoDBHttpPersistenceLayer (signed HTTP)': httpDynamoDBLayer,
};

/** One DynamoDB request as the store saw it. */
export interface RecordedCall {
  readonly operation: string;
  readonly status: number;
  /** For a ConditionalCheckFailedException: did the answer carry the stored item? */
  readonly returnedItem?: boolean;
  /** The request body, table name and clock values replaced (see `normalize`). */
  readonly input: unknown;
}

/** Attributes and expression values that hold the clock: equal across layers only as placeholders. */
const CLOCK_ATTRIBUTES = new Set(['expiration', 'in_progress_expiration', ':now', ':now_in_millis', ':expiry']);

/** Replaces clock-dependent numbers with a placeholder, recursively. */
export function normalize(value: unknown, key?: string): unknown {
  if (Array.isArray(value)) return value.map((v) => normalize(v));
  if (value && typeof value === 'object') {
    if (key && CLOCK_ATTRIBUTES.has(key) && 'N' in (value as object)) return { N: '<clock>' };
    return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, normalize(v, k)]));
  }
  return value;
}

/** The value with every object's keys in order, so its JSON does not depend on the order a client wrote them in. */
export function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])]));
  return value;
}

/** An HTTP proxy in front of a DynamoDB endpoint that records every request, its body and its answer. */
export async function startRecordingProxy(upstream: string, calls: RecordedCall[]): Promise<{ endpoint: string; server: Server }> {
  const target = new URL(upstream);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const operation = String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
      const forward = request({ hostname: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
        const answerChunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => answerChunks.push(c));
        answer.on('end', () => {
          const answerBody = Buffer.concat(answerChunks);
          let returnedItem: boolean | undefined;
          if (answer.statusCode === 400 && answerBody.toString().includes('ConditionalCheckFailedException')) {
            returnedItem = JSON.parse(answerBody.toString()).Item !== undefined;
          }
          const input = normalize(JSON.parse(body.toString('utf8') || '{}'));
          calls.push({ operation, status: answer.statusCode!, ...(returnedItem === undefined ? {} : { returnedItem }), input });
          res.writeHead(answer.statusCode!, answer.headers);
          res.end(answerBody);
        });
      });
      forward.on('error', (err) => { res.writeHead(502); res.end(String(err)); });
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}
