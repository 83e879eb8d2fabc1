import type { Duration } from 'aws-cdk-lib';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { HandlerCode } from '../core/handler';
import { invalidProp } from '../core/validation';
import type { DurableFunction } from '../durable-function';
import type { SagaStateMachine } from '../saga-state-machine';
import type { SqsWorker } from '../sqs-worker';
import {
  bindFunction, BoundTarget, ExactLambdaInvoke, functionTimeout, scheduleTargetProps, ScheduledJobFunctionOptions, TargetBindContext,
  validateFunctionTarget,
} from './target-function';

/**
 * The kind of a ScheduledJobTarget.
 * @deprecated the factories of `ScheduledJobTarget` say it (`handler`, `sqsWorker`, ...); removed in 0.3.0
 */
export enum ScheduledJobTargetKind {
  /** A Lambda function the job creates with the library defaults (or adopts). */
  FUNCTION = 'function',
  /** The source queue of an SqsWorker. */
  SQS_WORKER = 'sqs-worker',
  /** A Step Functions state machine (a SagaStateMachine or any other), through StartExecution. */
  STATE_MACHINE = 'state-machine',
  /** A DurableFunction, invoked asynchronously through its alias. */
  DURABLE_FUNCTION = 'durable-function',
}

/** What a ScheduledJobTarget factory was given (not exported from the package). */
interface TargetGiven {
  readonly kind: ScheduledJobTargetKind;
  readonly handlerCode?: HandlerCode;
  readonly functionOptions?: ScheduledJobFunctionOptions;
  readonly worker?: SqsWorker;
  readonly targetStateMachine?: sfn.IStateMachine;
  readonly durable?: DurableFunction;
}

/**
 * What a ScheduledJob runs: a function (created with the library defaults), an SqsWorker (the
 * job sends a message to its queue, so the work gets the worker's retries, DLQ and idempotency)
 * or a state machine (StartExecution). Every target receives the job payload with the
 * occurrence's `scheduledTime` and `executionId`.
 */
export abstract class ScheduledJobTarget {
  /**
   * A Lambda function created with the library defaults from your code. Wrap the job with
   * `createScheduledJobHandler` (`@cdk-serverless-patterns/runtime/scheduled-job`) so it runs once
   * per occurrence and emits the success metric the missed-run alarm watches.
   */
  public static handler(handler: HandlerCode, options: ScheduledJobFunctionOptions = {}): ScheduledJobTarget {
    return new FunctionTarget(handler, options);
  }

  /** Sends one message per occurrence to the worker's source queue (standard queues only). */
  public static sqsWorker(worker: SqsWorker): ScheduledJobTarget {
    return new SqsWorkerTarget(worker);
  }

  /** Starts one execution of the saga per occurrence, with the payload as execution input. */
  public static saga(saga: SagaStateMachine): ScheduledJobTarget {
    return ScheduledJobTarget.stateMachine(saga.stateMachine);
  }

  /** Starts one execution of the state machine per occurrence, with the payload as execution input. */
  public static stateMachine(stateMachine: sfn.IStateMachine): ScheduledJobTarget {
    return new ExternalTarget({ kind: ScheduledJobTargetKind.STATE_MACHINE, targetStateMachine: stateMachine }, 'a state machine',
      (props) => new targets.StepFunctionsStartExecution(stateMachine, props));
  }

  /**
   * Starts one durable execution per occurrence, through the durable function's alias (never its
   * unqualified ARN), asynchronously, so it may run up to its execution timeout. An execution that
   * fails goes to the durable function's own on-failure destination; an occurrence Scheduler cannot
   * deliver goes to the job's dead-letter queue.
   */
  public static durableFunction(durable: DurableFunction): ScheduledJobTarget {
    return new ExternalTarget({ kind: ScheduledJobTargetKind.DURABLE_FUNCTION, durable }, 'a durable function',
      (props) => new ExactLambdaInvoke(durable.alias, props));
  }

  protected constructor() {}

  /**
   * The kind of target.
   * @deprecated the factory that made this target says it; removed in 0.3.0
   */
  public get kind(): ScheduledJobTargetKind {
    return this._given.kind;
  }

  /**
   * The code, for a function target.
   * @deprecated keep a reference to the code you passed to `handler()`; removed in 0.3.0
   */
  public get handlerCode(): HandlerCode | undefined {
    return this._given.handlerCode;
  }

  /**
   * The function settings, for a function target.
   * @deprecated keep a reference to the options you passed to `handler()`; removed in 0.3.0
   */
  public get functionOptions(): ScheduledJobFunctionOptions | undefined {
    return this._given.functionOptions;
  }

  /**
   * The worker, for an SqsWorker target.
   * @deprecated keep a reference to the worker you passed to `sqsWorker()`; removed in 0.3.0
   */
  public get worker(): SqsWorker | undefined {
    return this._given.worker;
  }

  /**
   * The state machine, for a state machine target.
   * @deprecated keep a reference to the state machine you passed to `stateMachine()`; removed in 0.3.0
   */
  public get targetStateMachine(): sfn.IStateMachine | undefined {
    return this._given.targetStateMachine;
  }

  /**
   * The durable function, for a durable function target.
   * @deprecated keep a reference to the durable function you passed to `durableFunction()`; removed in 0.3.0
   */
  public get durable(): DurableFunction | undefined {
    return this._given.durable;
  }

  /** @internal What the factory was given, for the deprecated accessors. */
  protected abstract readonly _given: TargetGiven;

  /** @internal Validates the target for `job` before anything is created. */
  public abstract _validate(job: Construct, allowOverlap: boolean): void;

  /** @internal The function timeout (validated), for a target that runs a function of the job; undefined otherwise. */
  public abstract _functionTimeout(job: Construct): Duration | undefined;

  /** @internal Creates what the target needs inside the job and returns what the schedule invokes. */
  public abstract _bind(job: Construct, context: TargetBindContext): BoundTarget;
}

/** A function of the job's own (created with the library defaults, or adopted). */
class FunctionTarget extends ScheduledJobTarget {
  protected readonly _given: TargetGiven;

  constructor(private readonly code: HandlerCode, private readonly options: ScheduledJobFunctionOptions) {
    super();
    this._given = { kind: ScheduledJobTargetKind.FUNCTION, handlerCode: code, functionOptions: options };
  }

  public _validate(job: Construct, allowOverlap: boolean): void {
    validateFunctionTarget(job, this.code, this.options, allowOverlap);
  }

  public _functionTimeout(job: Construct): Duration | undefined {
    return functionTimeout(job, this.code, this.options);
  }

  public _bind(job: Construct, context: TargetBindContext): BoundTarget {
    return bindFunction(job, this.code, this.options, context);
  }
}

/**
 * A target outside the job (a queue, a state machine, a durable function): the schedule invokes it
 * directly, and the job cannot keep its runs from overlapping, so `allowOverlap: false` is an error.
 */
class ExternalTarget extends ScheduledJobTarget {
  constructor(protected readonly _given: TargetGiven, private readonly description: string,
    private readonly scheduleTarget: (props: targets.ScheduleTargetBaseProps) => scheduler.IScheduleTarget) {
    super();
  }

  public _validate(job: Construct, allowOverlap: boolean): void {
    if (!allowOverlap) {
      invalidProp(job, 'allowOverlap', `is false, but the target is ${this.description}: the job cannot limit how its runs overlap there`,
        'drop allowOverlap, and limit concurrency on the worker (maxConcurrency) or in the state machine');
    }
  }

  public _functionTimeout(): Duration | undefined {
    return undefined;
  }

  public _bind(_job: Construct, context: TargetBindContext): BoundTarget {
    return { scheduleTarget: this.scheduleTarget(scheduleTargetProps(context)) };
  }
}

/** The source queue of an SqsWorker: one message per occurrence (standard queues with a DLQ only). */
class SqsWorkerTarget extends ExternalTarget {
  constructor(private readonly sqsWorker: SqsWorker) {
    super({ kind: ScheduledJobTargetKind.SQS_WORKER, worker: sqsWorker }, 'an SqsWorker',
      (props) => new targets.SqsSendMessage(sqsWorker.queue, props));
  }

  public _validate(job: Construct, allowOverlap: boolean): void {
    super._validate(job, allowOverlap);
    if (this.sqsWorker.queue.fifo) {
      invalidProp(job, 'target', 'is an SqsWorker with a FIFO queue, which EventBridge Scheduler can only send to with '
        + 'content-based deduplication and a message group id, and ScheduledJob sends no message group id',
      'schedule a standard-queue SqsWorker, or send to your FIFO queue from a function target');
    }
    if (!this.sqsWorker.deadLetterQueue) {
      invalidProp(job, 'target', 'is an SqsWorker without a dead-letter queue: a scheduled message that keeps failing '
        + 'would be lost when the queue retention ends', 'let SqsWorker create its queue (with its DLQ), or give your queue a redrive policy'
        + ' (an imported queue: also pass that dead-letter queue as the SqsWorker\'s deadLetterQueue)');
    }
  }
}
