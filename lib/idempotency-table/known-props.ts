import { type KnownProps } from '../core/known-props';
import type { IdempotencyTableProps } from './idempotency-table';

/** The keys of `IdempotencyTableProps`. */
export const IDEMPOTENCY_TABLE_PROPS: KnownProps<IdempotencyTableProps> = {
  removalPolicy: true, encryptionKey: true, backupPlan: true,
};
