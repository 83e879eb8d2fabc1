/**
 * A small unmarshaller for the DynamoDB JSON of stream images (`NewImage`, `OldImage`, `Keys`):
 * `{ "id": { "S": "o-1" }, "total": { "N": "25" } }` becomes `{ id: 'o-1', total: 25 }`.
 *
 * Size is not the reason (bench/stream-worker.mjs: 1,302 bytes bundled, `@aws-sdk/util-dynamodb`'s
 * `unmarshall` 2,221 bytes). Behaviour is: `unmarshall` returns `Set`s (not JSON) and throws on
 * an integer beyond 2^53 unless told to wrap numbers, which would make such a record a poison
 * record. Here sets (`SS`, `NS`, `BS`) become arrays, binary (`B`) a Buffer, and an integer beyond
 * 2^53 stays an exact string.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_AttributeValue.html
 */

/** One attribute value in DynamoDB JSON. */
export interface AttributeValue {
  readonly S?: string;
  readonly N?: string;
  readonly B?: string;
  readonly BOOL?: boolean;
  readonly NULL?: boolean;
  readonly M?: { [name: string]: AttributeValue };
  readonly L?: AttributeValue[];
  readonly SS?: string[];
  readonly NS?: string[];
  readonly BS?: string[];
}

/** Thrown for an attribute value in no known DynamoDB JSON shape. */
export class UnsupportedAttributeValueError extends Error {
  constructor(value: unknown) {
    super(`not a DynamoDB attribute value: ${JSON.stringify(value)}`);
    this.name = 'UnsupportedAttributeValueError';
  }
}

function toNumber(text: string): number | string {
  const value = Number(text);
  // An integer beyond 2^53 would silently lose digits: keep the exact text.
  if (!Number.isFinite(value) || (Number.isInteger(value) && !Number.isSafeInteger(value))) return text;
  return value;
}

/** Converts one attribute value to plain JavaScript. */
export function unmarshallValue(value: AttributeValue): unknown {
  if (value === null || typeof value !== 'object') throw new UnsupportedAttributeValueError(value);
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return toNumber(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.M !== undefined) return unmarshallImage(value.M);
  if (value.L !== undefined) return value.L.map(unmarshallValue);
  if (value.SS !== undefined) return [...value.SS];
  if (value.NS !== undefined) return value.NS.map(toNumber);
  if (value.B !== undefined) return Buffer.from(value.B, 'base64');
  if (value.BS !== undefined) return value.BS.map((b) => Buffer.from(b, 'base64'));
  throw new UnsupportedAttributeValueError(value);
}

/** Converts an image (a map of attribute values) to a plain object. */
export function unmarshallImage(image: { [name: string]: AttributeValue }): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(image)) item[name] = unmarshallValue(value);
  return item;
}
