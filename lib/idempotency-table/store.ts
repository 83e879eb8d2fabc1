import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { invalidProp } from '../core/validation';
import { IdempotencyTable } from './idempotency-table';

/** Where one handler keeps its idempotency records. */
export interface IdempotencyStore {
  readonly table: dynamodb.ITable;
  /** The handler's key prefix in a shared table (undefined: the table is the handler's own or the user's). */
  readonly keyPrefix?: string;
}

/**
 * The store of `owner`'s handler: the user's table, else the stack's shared table (one table for
 * every worker, with a key prefix per handler and a grant limited to it), else with
 * `sharedTable: false` a table of the owner's own. `props` names the props in errors.
 */
export function idempotencyStoreFor(owner: Construct, given: dynamodb.ITable | undefined, sharedTable: boolean | undefined,
  props: { readonly table: string; readonly sharedTable: string }): IdempotencyStore {
  if (given) {
    if (sharedTable !== undefined) {
      invalidProp(owner, props.sharedTable, `is set together with ${props.table}, which already names the table`,
        `remove ${props.sharedTable}, or remove ${props.table} to use the stack's shared table (true) or one of the worker's own (false)`);
    }
    return { table: given };
  }
  if (sharedTable === false) return { table: new IdempotencyTable(owner, 'IdempotencyTable') };
  return { table: IdempotencyTable.forStack(owner), keyPrefix: IdempotencyTable.keyPrefixFor(owner) };
}

/** The variables the runtime reads for the store (`IDEMPOTENCY_KEY_PREFIX` only for a shared table). */
export function idempotencyStoreEnvironment(store: IdempotencyStore): { [key: string]: string } {
  return {
    IDEMPOTENCY_TABLE_NAME: store.table.tableName,
    ...(store.keyPrefix !== undefined ? { IDEMPOTENCY_KEY_PREFIX: store.keyPrefix } : {}),
  };
}

/** Grants the handler its records: all of its own table, or its prefix's items in the shared one. */
export function grantIdempotencyStore(store: IdempotencyStore, fn: lambda.IFunction): void {
  IdempotencyTable.grantRecordAccessOn(store.table, fn, store.keyPrefix);
}
