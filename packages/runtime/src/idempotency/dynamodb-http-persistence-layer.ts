import {
  IdempotencyItemAlreadyExistsError,
  IdempotencyItemNotFoundError,
  IdempotencyRecordStatus,
  PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS,
} from '@aws-lambda-powertools/idempotency';
import { BasePersistenceLayer, IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { AwsApiError, DynamoDBHttpClient, Item } from '../aws/dynamodb';

/** Options of {@link DynamoDBHttpPersistenceLayer}: the same names and defaults as Powertools' `DynamoDBPersistenceLayer`. */
export interface DynamoDBHttpPersistenceLayerOptions {
  readonly tableName: string;
  /** @default 'id' */
  readonly keyAttr?: string;
  /** @default 'expiration' */
  readonly expiryAttr?: string;
  /** @default 'in_progress_expiration' */
  readonly inProgressExpiryAttr?: string;
  /** @default 'status' */
  readonly statusAttr?: string;
  /** @default 'data' */
  readonly dataAttr?: string;
  /** @default 'validation' */
  readonly validationKeyAttr?: string;
  /** A sort key: records then share the partition key `staticPkValue`. @default - none */
  readonly sortKeyAttr?: string;
  /** @default - `idempotency#<function name>` */
  readonly staticPkValue?: string;
  /** @default - a client for `AWS_REGION`, honouring `AWS_ENDPOINT_URL_DYNAMODB` */
  readonly client?: DynamoDBHttpClient;
}

/**
 * Powertools idempotency records in DynamoDB, written by a small signed HTTP client instead of
 * the AWS SDK v3 (`@aws-sdk/client-dynamodb` costs ~50 ms of cold start; this costs a few).
 *
 * It makes the same requests as Powertools' `DynamoDBPersistenceLayer` (2.35.0,
 * lib/esm/persistence/DynamoDBPersistenceLayer.js): the same attribute names and values
 * (marshalled by `@aws-sdk/util-dynamodb`, as Powertools does), a consistent GetItem, the
 * conditional PutItem `attribute_not_exists(#id) OR #expiry < :now OR (#status = :inprogress AND
 * attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_in_millis)` with
 * `ReturnValuesOnConditionCheckFailure: ALL_OLD`, the UpdateItem `SET #expiry = :expiry, #status =
 * :status[, #response_data = :response_data][, #validation_key = :validation_key]`, and a
 * DeleteItem by key. Everything above the store (keys, hashing, payload validation, in-progress
 * expiry, local cache, retries) is Powertools' own `BasePersistenceLayer`.
 * test/idempotency-scenarios.test.ts (and .moto.test.ts) run one scenario suite against both layers.
 *
 * Its state is in `#` members: private at run time too, and the minifier shortens their names.
 */
export class DynamoDBHttpPersistenceLayer extends BasePersistenceLayer {
  readonly #client: DynamoDBHttpClient;
  readonly #tableName: string;
  readonly #keyAttr: string;
  readonly #expiryAttr: string;
  readonly #inProgressExpiryAttr: string;
  readonly #statusAttr: string;
  readonly #dataAttr: string;
  readonly #validationKeyAttr: string;
  readonly #sortKeyAttr?: string;
  readonly #staticPkValue: string;

  constructor(options: DynamoDBHttpPersistenceLayerOptions) {
    super();
    this.#tableName = options.tableName;
    this.#keyAttr = options.keyAttr ?? 'id';
    this.#expiryAttr = options.expiryAttr ?? PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS.expiryAttr;
    this.#inProgressExpiryAttr = options.inProgressExpiryAttr ?? PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS.inProgressExpiryAttr;
    this.#statusAttr = options.statusAttr ?? PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS.statusAttr;
    this.#dataAttr = options.dataAttr ?? PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS.dataAttr;
    this.#validationKeyAttr = options.validationKeyAttr ?? PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS.validationKeyAttr;
    if (options.sortKeyAttr === this.#keyAttr) {
      throw new Error(`keyAttr [${this.#keyAttr}] and sortKeyAttr [${options.sortKeyAttr}] cannot be the same!`);
    }
    this.#sortKeyAttr = options.sortKeyAttr;
    this.#staticPkValue = options.staticPkValue ?? `idempotency#${this.idempotencyKeyPrefix}`;
    this.#client = options.client ?? new DynamoDBHttpClient();
  }

  protected async _deleteRecord(record: IdempotencyRecord): Promise<void> {
    await this.#client.call('DeleteItem', { TableName: this.#tableName, Key: this.#getKey(record.idempotencyKey) });
  }

  protected async _getRecord(idempotencyKey: string): Promise<IdempotencyRecord> {
    const result = await this.#client.call<{ Item?: Item }>('GetItem', {
      TableName: this.#tableName,
      Key: this.#getKey(idempotencyKey),
      ConsistentRead: true,
    });
    if (!result.Item) throw new IdempotencyItemNotFoundError();
    return this.#toRecord(result.Item);
  }

  protected async _putRecord(record: IdempotencyRecord): Promise<void> {
    const item: Item = {
      ...this.#getKey(record.idempotencyKey),
      ...toItem(marshall({ [this.#expiryAttr]: record.expiryTimestamp, [this.#statusAttr]: record.getStatus() })),
    };
    if (record.inProgressExpiryTimestamp !== undefined) {
      item[this.#inProgressExpiryAttr] = { N: record.inProgressExpiryTimestamp.toString() };
    }
    if (this.isPayloadValidationEnabled() && record.payloadHash !== undefined) {
      item[this.#validationKeyAttr] = { S: record.payloadHash };
    }
    const now = Date.now();
    try {
      await this.#client.call('PutItem', {
        TableName: this.#tableName,
        Item: item,
        ExpressionAttributeNames: {
          '#id': this.#keyAttr,
          '#expiry': this.#expiryAttr,
          '#in_progress_expiry': this.#inProgressExpiryAttr,
          '#status': this.#statusAttr,
        },
        ExpressionAttributeValues: marshall({
          ':now': now / 1000,
          ':now_in_millis': now,
          ':inprogress': IdempotencyRecordStatus.INPROGRESS,
        }),
        ConditionExpression: 'attribute_not_exists(#id) OR #expiry < :now OR '
          + '(#status = :inprogress AND attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_in_millis)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
    } catch (error) {
      if (error instanceof AwsApiError && error.code === 'ConditionalCheckFailedException') {
        const old = error.body?.Item as Item | undefined;
        throw new IdempotencyItemAlreadyExistsError(
          `Failed to put record for already existing idempotency key: ${record.idempotencyKey}${this.#sortKeyAttr ? ` and sort key: ${record.sortKey}` : ''}`,
          old && this.#toRecord(old),
        );
      }
      throw error;
    }
  }

  protected async _updateRecord(record: IdempotencyRecord): Promise<void> {
    const fields = ['#expiry = :expiry', '#status = :status'];
    const names: Record<string, string> = { '#expiry': this.#expiryAttr, '#status': this.#statusAttr };
    const values: Record<string, unknown> = { ':expiry': record.expiryTimestamp, ':status': record.getStatus() };
    if (record.responseData !== undefined) {
      fields.push('#response_data = :response_data');
      names['#response_data'] = this.#dataAttr;
      values[':response_data'] = record.responseData;
    }
    if (this.isPayloadValidationEnabled()) {
      fields.push('#validation_key = :validation_key');
      names['#validation_key'] = this.#validationKeyAttr;
      values[':validation_key'] = record.payloadHash;
    }
    await this.#client.call('UpdateItem', {
      TableName: this.#tableName,
      Key: this.#getKey(record.idempotencyKey),
      UpdateExpression: `SET ${fields.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: marshall(values),
    });
  }

  #toRecord(raw: Item): IdempotencyRecord {
    const item = unmarshall(raw as unknown as Parameters<typeof unmarshall>[0]);
    return new IdempotencyRecord({
      idempotencyKey: item[this.#keyAttr],
      sortKey: this.#sortKeyAttr && item[this.#sortKeyAttr],
      status: item[this.#statusAttr],
      expiryTimestamp: item[this.#expiryAttr],
      inProgressExpiryTimestamp: item[this.#inProgressExpiryAttr],
      responseData: item[this.#dataAttr],
      payloadHash: item[this.#validationKeyAttr],
    });
  }

  #getKey(idempotencyKey: string): Item {
    const key = this.#sortKeyAttr
      ? { [this.#keyAttr]: this.#staticPkValue, [this.#sortKeyAttr]: idempotencyKey }
      : { [this.#keyAttr]: idempotencyKey };
    return toItem(marshall(key));
  }
}

/** util-dynamodb's output typed as the wire JSON this client sends. */
const toItem = (value: unknown): Item => value as Item;
