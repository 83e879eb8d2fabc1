import { Duration, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { areResolved, invalidProp, requireTokenUnit, validateDurationRange, validateIdempotencyTtl, validateIntegerRange, warn } from '../core/validation';
import { AWS_LIMITS } from '../rules/limits';
import { STREAM_RECORD_AGE_RANGE_SECONDS, STREAM_UNBOUNDED } from '../rules/stream';
import { StreamWorkerProps } from './props';

/** The defaults of a StreamWorker, with the reason for each in the README. */
export const STREAM_WORKER_DEFAULTS = {
  /** Lambda's own default for streams. */
  batchSize: AWS_LIMITS.streamBatchSize.default,
  /** Isolating a poison record in a batch of 100 takes 8 (see retriesToIsolate); 2 more are the record's own. */
  maxRetryAttempts: 10,
  /** Half of the 24-hour retention of DynamoDB streams and default Kinesis streams: a record ages out well before it is deleted. */
  maxRecordAge: Duration.seconds(AWS_LIMITS.streamRetention.default / 2),
  failureRecordRetention: Duration.days(30),
  idempotencyTtl: Duration.seconds(AWS_LIMITS.streamRetention.default),
  idempotencyKey: 'eventID',
  /** Lambda's limit on filters per event source mapping. */
  maxFilters: 5,
} as const;

/** Props with the defaults applied. */
export interface StreamWorkerSettings {
  readonly batchSize: number;
  readonly parallelizationFactor: number;
  readonly maxRetryAttempts: number;
  readonly maxRecordAge: Duration;
  readonly startingPosition: lambda.StartingPosition;
  readonly failureRecordRetention: Duration;
  readonly iteratorAgeAlarmThreshold: Duration;
  readonly idempotency: { readonly enabled: boolean; readonly ttl: Duration; readonly eventKeyJmesPath: string };
}

export function resolveSettings(props: StreamWorkerProps): StreamWorkerSettings {
  const maxRecordAge = props.maxRecordAge ?? STREAM_WORKER_DEFAULTS.maxRecordAge;
  return {
    batchSize: props.batchSize ?? STREAM_WORKER_DEFAULTS.batchSize,
    parallelizationFactor: props.parallelizationFactor ?? 1,
    maxRetryAttempts: props.maxRetryAttempts ?? STREAM_WORKER_DEFAULTS.maxRetryAttempts,
    maxRecordAge,
    startingPosition: props.startingPosition ?? lambda.StartingPosition.TRIM_HORIZON,
    failureRecordRetention: props.failureRecordRetention ?? STREAM_WORKER_DEFAULTS.failureRecordRetention,
    iteratorAgeAlarmThreshold: props.iteratorAgeAlarmThreshold
      ?? (maxRecordAge.isUnresolved() ? Duration.hours(6) : Duration.seconds(Math.floor(maxRecordAge.toMilliseconds() / 2000))),
    idempotency: {
      enabled: props.idempotency?.enabled ?? true,
      ttl: props.idempotency?.ttl ?? STREAM_WORKER_DEFAULTS.idempotencyTtl,
      eventKeyJmesPath: props.idempotency?.eventKeyJmesPath ?? STREAM_WORKER_DEFAULTS.idempotencyKey,
    },
  };
}

/** Every check on the props that needs no resource; runs before anything is created. */
export function validateSettings(scope: Construct, props: StreamWorkerProps, s: StreamWorkerSettings): void {
  const { streamBatchSize: batch, streamParallelizationFactor: factor, lambdaReservedConcurrency: reserved, streamRetryAttempts: retries } = AWS_LIMITS;
  validateIntegerRange(scope, 'batchSize', s.batchSize, batch.min, batch.max);
  validateIntegerRange(scope, 'parallelizationFactor', s.parallelizationFactor, factor.min, factor.max);
  validateIntegerRange(scope, 'reservedConcurrency', props.reservedConcurrency, reserved.min, reserved.max);
  if (s.maxRetryAttempts !== STREAM_UNBOUNDED) {
    // -1 (unbounded) is AWS's lowest value; the library's bounded range starts at 0 (the rule decides -1).
    validateIntegerRange(scope, 'maxRetryAttempts', s.maxRetryAttempts, 0, retries.max,
      `set maxRetryAttempts between 0 and ${retries.max} (the default 10 isolates a poison record in a batch of ${batch.default})`);
  }
  validateDurationRange(scope, 'maxRecordAge', s.maxRecordAge, Duration.seconds(STREAM_RECORD_AGE_RANGE_SECONDS.min),
    Duration.seconds(STREAM_RECORD_AGE_RANGE_SECONDS.max));
  validateDurationRange(scope, 'maxBatchingWindow', props.maxBatchingWindow, Duration.seconds(AWS_LIMITS.batchingWindow.min),
    Duration.seconds(AWS_LIMITS.batchingWindow.max));
  validateDurationRange(scope, 'tumblingWindow', props.tumblingWindow, Duration.seconds(AWS_LIMITS.streamTumblingWindow.min),
    Duration.seconds(AWS_LIMITS.streamTumblingWindow.max));
  validateDurationRange(scope, 'failureRecordRetention', s.failureRecordRetention, Duration.days(1), Duration.days(3650));
  validateDurationRange(scope, 'iteratorAgeAlarmThreshold', props.iteratorAgeAlarmThreshold, Duration.seconds(1), Duration.days(7));
  validateIdempotencyTtl(scope, 'idempotency.ttl', props.idempotency?.ttl, Duration.hours(AWS_LIMITS.kinesisRetention.max),
    `a Kinesis stream keeps a record at most ${Duration.hours(AWS_LIMITS.kinesisRetention.max).toHumanString()}, so no delivery or replay `
      + 'of it comes later');
  requireTokenUnit(scope, 'maxRecordAge', s.maxRecordAge, 'seconds', 'the mapping\'s MaximumRecordAgeInSeconds');
  requireTokenUnit(scope, 'failureRecordRetention', s.failureRecordRetention, 'days', 'the failure bucket\'s lifecycle expiration');
  requireTokenUnit(scope, 'iteratorAgeAlarmThreshold', s.iteratorAgeAlarmThreshold, 'millis', 'the iterator age alarm\'s threshold');
  for (const [prop, value] of [['maxRecordAge', s.maxRecordAge], ['maxBatchingWindow', props.maxBatchingWindow],
    ['tumblingWindow', props.tumblingWindow]] as const) {
    if (value && !value.isUnresolved() && value.toMilliseconds() % 1000 !== 0) {
      invalidProp(scope, prop, `must be a whole number of seconds (given ${value.toHumanString()})`,
        `round ${prop} to whole seconds, e.g. Duration.seconds(${Math.max(1, Math.round(value.toMilliseconds() / 1000))})`);
    }
  }
  if (!s.failureRecordRetention.isUnresolved() && s.failureRecordRetention.toMilliseconds() % 86_400_000 !== 0) {
    invalidProp(scope, 'failureRecordRetention', `S3 lifecycle expiration is in whole days (given ${s.failureRecordRetention.toHumanString()})`,
      'use Duration.days(n)');
  }
  if (props.onFailure && props.failureRecordRetention !== undefined) {
    invalidProp(scope, 'failureRecordRetention', 'configures the failure bucket StreamWorker creates, and onFailure was given',
      'set a lifecycle rule on your own bucket, or leave onFailure unset');
  }
  validateStartingPosition(scope, props, s);
  validateFilters(scope, props.filters);
  warnOnShortRetries(scope, s);
}

function validateStartingPosition(scope: Construct, props: StreamWorkerProps, s: StreamWorkerSettings): void {
  const atTimestamp = s.startingPosition === lambda.StartingPosition.AT_TIMESTAMP;
  if (atTimestamp && props.startingPositionTimestamp === undefined) {
    invalidProp(scope, 'startingPositionTimestamp', 'is required with startingPosition AT_TIMESTAMP',
      'set startingPositionTimestamp (Unix seconds), or use TRIM_HORIZON');
  }
  if (!atTimestamp && props.startingPositionTimestamp !== undefined) {
    invalidProp(scope, 'startingPositionTimestamp', `only applies to startingPosition AT_TIMESTAMP (given ${s.startingPosition})`,
      'set startingPosition: lambda.StartingPosition.AT_TIMESTAMP, or remove startingPositionTimestamp');
  }
}

function validateFilters(scope: Construct, filters: Array<{ [key: string]: any }> | undefined): void {
  if (!filters) return;
  if (filters.length > STREAM_WORKER_DEFAULTS.maxFilters) {
    invalidProp(scope, 'filters', `an event source mapping takes at most ${STREAM_WORKER_DEFAULTS.maxFilters} filters (given ${filters.length})`,
      'combine patterns (a filter pattern can list several values per field), or filter in the handler');
  }
  filters.forEach((filter, i) => {
    const pattern = filter?.pattern;
    if (typeof pattern !== 'string' || Token.isUnresolved(pattern)) {
      if (Token.isUnresolved(pattern)) return;
      invalidProp(scope, 'filters', `filter ${i} has no pattern string`, 'build each filter with lambda.FilterCriteria.filter({ ... })');
    }
    try {
      const parsed = JSON.parse(pattern);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    } catch {
      invalidProp(scope, 'filters', `filter ${i} pattern is not a JSON object (given ${pattern})`,
        'build each filter with lambda.FilterCriteria.filter({ ... })');
    }
  });
}

/**
 * Retries a poison record may use up before it is alone in its batch, when bisections count as
 * retries (the stricter reading of AWS's docs): a partial response at the record takes one, then
 * the remaining n - 1 records are halved until one is left. (Failing at the head of a batch of n
 * needs ceil(log2(n)) halvings, never more.)
 */
export function retriesToIsolate(batchSize: number): number {
  return batchSize <= 1 ? 0 : Math.ceil(Math.log2(batchSize - 1)) + 1;
}

/** Good records that can still share the poison record's discarded batch when only `retries` are allowed. */
export function goodRecordsAtRisk(batchSize: number, retries: number): number {
  if (retries <= 0) return batchSize - 1;
  const afterPartial = Math.ceil((batchSize - 1) / 2 ** (retries - 1)) - 1;
  const atHead = Math.ceil(batchSize / 2 ** retries) - 1;
  return Math.max(afterPartial, atHead, 0);
}

/** Fewer retries than isolation needs discard a poison record with the good records still batched with it. */
function warnOnShortRetries(scope: Construct, s: StreamWorkerSettings): void {
  if (!areResolved(s.batchSize, s.maxRetryAttempts) || s.maxRetryAttempts === STREAM_UNBOUNDED) return;
  const needed = retriesToIsolate(s.batchSize);
  if (s.maxRetryAttempts >= needed) return;
  warn(scope, 'StreamWorker.retriesBelowBisection',
    `maxRetryAttempts ${s.maxRetryAttempts} is below the ${needed} retries that isolate a poison record in a batch of `
    + `${s.batchSize} (one for the partial response, one per bisection): when the retries run out, up to `
    + `${goodRecordsAtRisk(s.batchSize, s.maxRetryAttempts)} good records still batched with it go to the on-failure destination `
    + `unprocessed (kept there, in order, for recovery). Raise maxRetryAttempts to ${needed} or lower batchSize.`);
}
