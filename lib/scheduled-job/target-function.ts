import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { createPatternFunction, PatternFunctionProps } from '../serverless-function/pattern-function';
import type { HandlerCode } from '../core/handler';
import { acknowledgeRule } from '../core/nag';
import { invalidProp, validateDurationRange, validateIntegerRange, warn } from '../core/validation';
import { AWS_LIMITS } from '../rules/limits';
import { grantIdempotencyStore, idempotencyStoreEnvironment, idempotencyStoreFor } from '../idempotency-table/store';

/** Settings of a function target. */
export interface ScheduledJobFunctionOptions extends PatternFunctionProps {
  /**
   * Function timeout (1 second to 15 minutes). Keep it below the schedule's period, or runs
   * overlap (or, with `allowOverlap: false`, queue up).
   * @default Duration.minutes(5)
   */
  readonly timeout?: Duration;
  /**
   * Retries Lambda makes of a failed asynchronous invocation (0 to 2) before the occurrence goes
   * to the job's dead-letter queue.
   * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
   * @default 2
   */
  readonly retryAttempts?: number;
  /**
   * Run each occurrence once (Powertools idempotency keyed on the schedule and the scheduled time, in DynamoDB).
   * @default true
   */
  readonly idempotency?: boolean;
  /**
   * An existing idempotency table (string partition key `id`, TTL attribute `expiration`).
   * @default - the stack's shared table (see `sharedIdempotencyTable`)
   */
  readonly idempotencyTable?: dynamodb.ITable;
  /**
   * Keep the records in the one idempotency table of the stack (`IdempotencyTable.forStack`),
   * under this job's own key prefix (`IDEMPOTENCY_KEY_PREFIX`) that its role alone may touch
   * (`dynamodb:LeadingKeys`). `false` creates a table for this job alone (the 0.1 default), e.g.
   * for a handler of your own that keys records without that prefix. An error together with
   * `idempotencyTable`.
   * @default true
   */
  readonly sharedIdempotencyTable?: boolean;
  /**
   * Reserved concurrency of the function (HIPAA/NIST `LambdaConcurrency`), when runs may overlap.
   * With `allowOverlap: false` the job reserves 1 itself (its overlap guard), and only 1 is accepted.
   * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
   * @default - unreserved when runs may overlap, 1 with `allowOverlap: false`
   */
  readonly reservedConcurrency?: number;
}

/** What the job decided before binding its target. */
export interface TargetBindContext {
  readonly role: iam.IRole;
  readonly deadLetterQueue: sqs.IQueue;
  readonly input: scheduler.ScheduleTargetInput;
  readonly retryAttempts: number;
  readonly maxEventAge: Duration;
  readonly allowOverlap: boolean;
  readonly jobName: string;
  readonly metricNamespace: string;
}

/** The bound target: what the schedule invokes, and the function when the job runs one. */
export interface BoundTarget {
  readonly scheduleTarget: scheduler.IScheduleTarget;
  readonly function?: lambda.IFunction;
  readonly timeout?: Duration;
  readonly idempotencyTable?: dynamodb.ITable;
}

/** Default timeout of a job function: a job, not an API call, yet never 15 minutes "just in case". */
export const DEFAULT_JOB_TIMEOUT = Duration.minutes(5);
/** Lambda keeps an asynchronous event at most 6 hours. */
const LAMBDA_MAX_EVENT_AGE = Duration.seconds(AWS_LIMITS.asyncMaxEventAge.max);

/**
 * LambdaInvoke whose execution-role grant names the function ARN only (the L2 also grants
 * `<arn>:*`, every version and alias): the Scheduler role may invoke this target and nothing else.
 */
export class ExactLambdaInvoke extends targets.LambdaInvoke {
  constructor(private readonly fn: lambda.IFunction, props: targets.ScheduleTargetBaseProps) {
    super(fn, props);
  }

  protected addTargetActionToRole(role: iam.IRole): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.fn.functionArn] }));
  }
}

/** The props every Scheduler target of the job shares: its role, dead-letter queue, payload and retry policy. */
export function scheduleTargetProps(ctx: TargetBindContext): targets.ScheduleTargetBaseProps {
  return {
    role: ctx.role,
    deadLetterQueue: ctx.deadLetterQueue,
    input: ctx.input,
    retryAttempts: ctx.retryAttempts,
    // The L2 range-checks the age and cannot take a token: the job sets a token on the L1.
    maxEventAge: ctx.maxEventAge.isUnresolved() ? undefined : ctx.maxEventAge,
  };
}

/** Validates a function target before anything is created. */
export function validateFunctionTarget(scope: Construct, handler: HandlerCode, options: ScheduledJobFunctionOptions, allowOverlap: boolean): void {
  validateIntegerRange(scope, 'target.retryAttempts', options.retryAttempts, AWS_LIMITS.asyncRetryAttempts.min, AWS_LIMITS.asyncRetryAttempts.max,
    'set retryAttempts between 0 and 2 (Lambda retries an asynchronous invocation at most twice)');
  if (!allowOverlap && options.reservedConcurrency !== undefined && options.reservedConcurrency !== 1) {
    invalidProp(scope, 'target.reservedConcurrency', `is ${options.reservedConcurrency}, but allowOverlap is false, and the job `
      + 'keeps runs from overlapping by reserving a concurrency of exactly 1', 'leave reservedConcurrency unset (or 1), or drop allowOverlap');
  }
  const existing = handler.existingFunction;
  if (existing && !allowOverlap) {
    invalidProp(scope, 'allowOverlap', 'is false, but the target is a function you configure yourself '
      + '(HandlerCode.fromFunction()), whose reserved concurrency the job does not change',
    'set reservedConcurrentExecutions: 1 on your function and leave allowOverlap unset, or pass HandlerCode.fromCode()');
  }
}

/** Creates the job function (or adopts the given one), its idempotency store and asynchronous invoke settings. */
export function bindFunction(job: Construct, handler: HandlerCode, options: ScheduledJobFunctionOptions, ctx: TargetBindContext): BoundTarget {
  const idempotent = options.idempotency ?? true;
  const store = idempotent ? idempotencyStoreFor(job, options.idempotencyTable, options.sharedIdempotencyTable,
    { table: 'idempotencyTable', sharedTable: 'sharedIdempotencyTable' }) : undefined;
  const table = store?.table;
  // An occurrence can be redelivered until Scheduler's and Lambda's event ages run out: remember it that long
  // (a token age: as long as the longest age Scheduler allows, 24 hours, would give).
  const longestAge = Duration.seconds(AWS_LIMITS.schedulerMaxEventAge.max);
  const age = ctx.maxEventAge.isUnresolved() ? longestAge : ctx.maxEventAge;
  const ttl = Duration.seconds(Math.max(age.toSeconds() * 2, longestAge.toSeconds()));
  const environment: { [key: string]: string } = {
    SCHEDULED_JOB_NAME: ctx.jobName,
    SCHEDULED_JOB_METRIC_NAMESPACE: ctx.metricNamespace,
    ...(store ? { ...idempotencyStoreEnvironment(store), IDEMPOTENCY_TTL_SECONDS: String(ttl.toSeconds()) } : {}),
  };
  const created = createPatternFunction(job, 'Function', {
    ...options,
    handler,
    reservedConcurrency: ctx.allowOverlap ? options.reservedConcurrency : 1,
  }, {
    defaultTimeout: DEFAULT_JOB_TIMEOUT, description: `Scheduled job ${job.node.path}`, patternEnvironment: environment,
    executionRoleUse: 'Lambda uses to send failed runs to the job\'s dead-letter queue (the on-failure destination), and which '
      + 'must therefore be granted to send to it',
  });
  const fn = created.function;
  if (!created.createdFunction) adoptFunction(job, fn, environment);
  if (store) grantIdempotencyStore(store, fn);

  // Scheduler invokes Lambda asynchronously: Lambda's own retries, event age and on-failure
  // destination decide what happens to a run that fails or is throttled.
  new lambda.EventInvokeConfig(job, 'AsyncInvokeConfig', {
    function: fn,
    retryAttempts: options.retryAttempts ?? 2,
    // A token goes as it is (Lambda takes at most 6 hours).
    maxEventAge: !ctx.maxEventAge.isUnresolved() && ctx.maxEventAge.toSeconds() > LAMBDA_MAX_EVENT_AGE.toSeconds()
      ? LAMBDA_MAX_EVENT_AGE : ctx.maxEventAge,
    onFailure: new destinations.SqsDestination(ctx.deadLetterQueue),
  });
  if (created.createdFunction) {
    acknowledgeRule(created.createdFunction, 'Serverless-LambdaDLQ',
      'invoked asynchronously by EventBridge Scheduler with an on-failure destination (the job\'s dead-letter queue) on its '
      + 'EventInvokeConfig, which replaces a function DLQ');
  }
  return { scheduleTarget: new ExactLambdaInvoke(fn, scheduleTargetProps(ctx)), function: fn, timeout: created.timeout, idempotencyTable: table };
}

/** A function given with HandlerCode.fromFunction() still needs the runtime's settings. */
function adoptFunction(job: Construct, fn: lambda.IFunction, environment: { [key: string]: string }): void {
  if (fn instanceof lambda.Function) {
    for (const [key, value] of Object.entries(environment)) fn.addEnvironment(key, value);
  } else {
    warn(job, 'ScheduledJob.importedFunction', `the function is imported, so its environment cannot be set: give it `
      + `${Object.keys(environment).join(', ')} yourself, or the runtime helper runs without idempotency and its success `
      + 'metric misses the dimension the missed-run alarm watches.');
  }
}

/** Validates a timeout given to a function target (the factory validates again, with the same rule). */
export function functionTimeout(scope: Construct, handler: HandlerCode, options: ScheduledJobFunctionOptions): Duration | undefined {
  const existing = handler.existingFunction;
  if (existing) return existing instanceof lambda.Function ? existing.timeout : undefined;
  const timeout = options.timeout ?? DEFAULT_JOB_TIMEOUT;
  validateDurationRange(scope, 'target.timeout', timeout, Duration.seconds(AWS_LIMITS.lambdaTimeout.min),
    Duration.seconds(AWS_LIMITS.lambdaTimeout.max));
  return timeout;
}
