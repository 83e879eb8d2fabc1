import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { createAlarms, PatternAlarmProps } from '../core/alarms';
import { Defaults } from '../core/defaults';
import type { ExpectedLoad } from '../core/load';
import { acknowledgeRule } from '../core/nag';
import { invalidProp, validateDurationRange, validateIntegerRange, validateUniqueNames, warn } from '../core/validation';

/**
 * Retry policy of a saga step's action or of the compensations.
 *
 * Retries wait `interval`, then `interval x backoffRate`, ... capped at `maxDelay`, each wait
 * randomised with full jitter so that many executions failing together do not retry in lockstep.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 */
export interface SagaRetry {
  /**
   * Error names to retry besides the transient ones (for actions: `Lambda.ServiceException`,
   * `Lambda.AWSLambdaException`, `Lambda.SdkClientException`, `Lambda.TooManyRequestsException`,
   * `Lambda.ClientExecutionTimeoutException`, `Sandbox.Timedout`, `States.Timeout`).
   * List business errors here only when a second attempt can succeed (e.g. `InventoryServiceUnavailable`).
   * Ignored for compensations, which retry every error.
   * @default - only the transient errors
   */
  readonly retryErrors?: string[];
  /**
   * Attempts after the first one (0 to 99999999; 0 turns retries off).
   * @default 3 for actions, 5 for compensations
   */
  readonly maxAttempts?: number;
  /**
   * Wait before the first retry (whole seconds, at least 1 second).
   * @default Duration.seconds(1) for actions, Duration.seconds(2) for compensations
   */
  readonly interval?: Duration;
  /**
   * Multiplier of the wait after each attempt (1 to 1000).
   * @default 2
   */
  readonly backoffRate?: number;
  /**
   * Longest wait between two attempts (whole seconds, at least 1 second).
   * @default Duration.seconds(30) for actions, Duration.minutes(1) for compensations
   */
  readonly maxDelay?: Duration;
  /**
   * Randomise each wait between 0 and the computed backoff (full jitter).
   * @default true
   */
  readonly jitter?: boolean;
}

/**
 * One step of a saga: an action and, when it changes something that must be undone if a later
 * step fails, a compensation.
 *
 * Both functions receive `{ step, idempotencyKey, input, results }` (compensations also
 * `failure`): `input` is the execution input, `results` holds each completed step's return value
 * under its name, and `idempotencyKey` is `<execution name>:<step name>` for the action and
 * `<execution name>:<step name>:compensation` for the compensation. Make handlers idempotent on
 * that key (Powertools idempotency with `eventKeyJmesPath: 'idempotencyKey'`): retries and
 * redrives deliver a call more than once.
 */
export interface SagaStep {
  /**
   * Name of the step: 1-64 letters, digits, '-' or '_' (at most 62 when the step has a
   * compensation: Step Functions allows 80 characters in the `Compensate <name> failed` state
   * name); unique in the saga. Names the action state, the result (`$.results.<name>`) and the
   * idempotency key.
   */
  readonly name: string;
  /** The function that does the step's work. Its return value is kept as `$.results.<name>`. */
  readonly action: lambda.IFunction;
  /**
   * The function that undoes the step's work; runs when a later step fails (after its retries).
   * @default - the step needs no undo (e.g. a read or a notification)
   */
  readonly compensation?: lambda.IFunction;
  /**
   * Run this step's own compensation when the step itself fails, because a failed attempt may
   * have done part of the work (e.g. a payment captured before a timeout). The compensation then
   * sees no `$.results.<name>` and must handle that. Requires `compensation`.
   * @default false
   */
  readonly compensatesOwnFailure?: boolean;
  /**
   * Retries of the action.
   * @default - transient Lambda errors and timeouts: 3 retries from 1 second, x2, up to 30 seconds, full jitter
   */
  readonly retry?: SagaRetry;
  /**
   * Time the state machine waits for the action before failing it with `States.Timeout`
   * (retried like a transient error).
   * @default - no task timeout; the function's own timeout bounds the call
   */
  readonly timeout?: Duration;
}

/** Properties of a SagaStateMachine. */
export interface SagaStateMachineProps extends PatternAlarmProps {
  /** The steps, in order. At least one. */
  readonly steps: SagaStep[];
  /**
   * STANDARD (exactly-once steps, up to a year, execution history kept 90 days) or EXPRESS
   * (at-least-once when started asynchronously, at most 5 minutes, cheaper at high volume).
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-standard-vs-express.html
   * @default sfn.StateMachineType.STANDARD
   */
  readonly type?: sfn.StateMachineType;
  /**
   * Longest an execution may run. An execution that times out runs NO compensation: the
   * timed-out alarm fires for it. Express: at most 5 minutes.
   * @default - Duration.hours(1) for STANDARD, Duration.minutes(5) for EXPRESS
   */
  readonly timeout?: Duration;
  /**
   * Retries of every compensation. A compensation retries every error; when it still fails the
   * execution ends in the `CompensationFailed` state.
   * @default - 5 retries from 2 seconds, x2, up to 1 minute, full jitter
   */
  readonly compensationRetry?: SagaRetry;
  /**
   * What the state machine logs to its log group.
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html
   * @default sfn.LogLevel.ALL
   */
  readonly logLevel?: sfn.LogLevel;
  /**
   * Log state input and output (the order data) with each event.
   * @default - false for STANDARD (its execution history has the data), true for EXPRESS (logs are all there is)
   */
  readonly includeExecutionData?: boolean;
  /**
   * Retention of the state machine's log group.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Name of the state machine.
   * @default - generated by CloudFormation
   */
  readonly stateMachineName?: string;
  /**
   * Traffic this construct expects, for the synth-time cost report (ServerlessCostReport).
   * @default - no estimate for this construct
   */
  readonly expectedLoad?: ExpectedLoad;
}

/** Names of the states the construct adds around the steps; a step may not use them. */
const RESERVED_STATE_NAMES = ['Start', 'Succeeded', 'SagaFailed', 'CompensationFailed', 'RecordCompensationFailure'];
/** Ids of the other constructs the saga creates beside the step states (same scope): a step may not use them either. */
const RESERVED_CONSTRUCT_IDS = ['LogGroup', 'StateMachine', 'ExecutionsFailedAlarm', 'CompensationFailedAlarm', 'ExecutionsTimedOutAlarm'];

/** Step Functions limits state names to 80 characters. */
const MAX_STATE_NAME_LENGTH = 80;
/** The longest state name the saga derives from a step name (when the step has a compensation). */
const compensationFailedStateName = (step: string) => `Compensate ${step} failed`;

/** Errors the Lambda service or Step Functions raise for a call that may succeed when repeated. */
const TRANSIENT_LAMBDA_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'Lambda.ClientExecutionTimeoutException',
  'Sandbox.Timedout',
  sfn.Errors.TIMEOUT,
];

const MAX_EXPRESS_TIMEOUT = Duration.minutes(5);
const MAX_STANDARD_TIMEOUT = Duration.days(365);

/**
 * An orchestrated saga on Step Functions: runs the steps in order, keeping each result under
 * `$.results.<name>`; when a step fails (after its retries) it runs the compensations of the
 * completed steps in reverse order and ends in the `SagaFailed` Fail state, whose error and cause
 * name the failed step and its original error. A compensation that still fails after its retries
 * records the `CompensationFailed` metric and ends in the `CompensationFailed` Fail state, so a
 * stuck rollback never looks like a clean one.
 *
 * Alarms: failed executions, timed-out executions, failed compensations.
 */
export class SagaStateMachine extends Construct {
  /** CloudWatch namespace of the `CompensationFailed` metric (dimension `StateMachineArn`). */
  public static readonly METRIC_NAMESPACE = 'CdkServerlessPatterns/Saga';
  /** Name of the metric the state machine puts (value 1) when a compensation failed for good. */
  public static readonly COMPENSATION_FAILED_METRIC = 'CompensationFailed';

  /** The state machine. */
  public readonly stateMachine: sfn.StateMachine;
  /** The log group of the state machine. */
  public readonly logGroup: logs.LogGroup;
  /** The alarms of this saga (empty when `alarmsEnabled` is false). */
  public readonly alarms: cloudwatch.Alarm[];
  /** The execution timeout. */
  public readonly timeout: Duration;
  /** The expected traffic the cost report prices (undefined: not estimated). */
  public readonly expectedLoad?: ExpectedLoad;

  constructor(scope: Construct, id: string, props: SagaStateMachineProps) {
    super(scope, id);
    this.expectedLoad = props.expectedLoad;
    const type = props.type ?? sfn.StateMachineType.STANDARD;
    const express = type === sfn.StateMachineType.EXPRESS;
    this.timeout = props.timeout ?? (express ? MAX_EXPRESS_TIMEOUT : Duration.hours(1));
    this.validate(props, express);

    const definition = this.buildDefinition(props);

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? Defaults.logRetention,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      stateMachineType: type,
      stateMachineName: props.stateMachineName,
      timeout: this.timeout,
      tracingEnabled: true,
      logs: {
        destination: this.logGroup,
        level: props.logLevel ?? sfn.LogLevel.ALL,
        includeExecutionData: props.includeExecutionData ?? express,
      },
    });
    this.stateMachine.addToRolePolicy(new iam.PolicyStatement({
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': SagaStateMachine.METRIC_NAMESPACE } },
    }));
    this.acknowledgeWildcardPermissions(props.steps);

    this.alarms = createAlarms(this, props, {
      ExecutionsFailedAlarm: {
        metric: this.metricFailed(),
        threshold: 1,
        description: 'saga executions failed: a step failed and was rolled back (SagaFailed), or a compensation failed (see the CompensationFailed alarm)',
      },
      CompensationFailedAlarm: {
        metric: this.metricCompensationFailed(),
        threshold: 1,
        description: 'a compensation failed after its retries: the saga is only partly rolled back. '
          + 'Find executions that ended in CompensationFailed, fix the cause and undo the remaining steps by hand or redrive',
      },
      ExecutionsTimedOutAlarm: {
        metric: this.metricTimedOut(),
        threshold: 1,
        description: 'saga executions timed out: NO compensation ran for them; undo their completed steps by hand',
      },
    });
  }

  /** Lets the grantee start executions. */
  public grantStartExecution(grantee: iam.IGrantable): iam.Grant {
    return this.stateMachine.grantStartExecution(grantee);
  }

  /** Lets the grantee start synchronous executions (EXPRESS state machines only). */
  public grantStartSyncExecution(grantee: iam.IGrantable): iam.Grant {
    return this.stateMachine.grantStartSyncExecution(grantee);
  }

  /** Failed executions (sum over 1 minute). */
  public metricFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricFailed({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(1), ...props });
  }

  /** Timed-out executions (sum over 1 minute). */
  public metricTimedOut(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricTimedOut({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(1), ...props });
  }

  /**
   * Executions that ended in `CompensationFailed` (sum over 1 minute). The state machine puts this
   * metric itself (`RecordCompensationFailure` state) just before the `CompensationFailed` state.
   */
  public metricCompensationFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: SagaStateMachine.METRIC_NAMESPACE,
      metricName: SagaStateMachine.COMPENSATION_FAILED_METRIC,
      dimensionsMap: { StateMachineArn: this.stateMachine.stateMachineArn },
      statistic: cloudwatch.Stats.SUM,
      period: Duration.minutes(1),
      ...props,
    });
  }

  /**
   * The role's two wildcards are by design: Step Functions invokes `<function ARN>:*` (versions
   * and aliases), and cloudwatch:PutMetricData has no resource-level permissions. Acknowledged
   * per finding (cdk-nag reports IAM5 once per wildcard resource), so any other wildcard still shows.
   */
  private acknowledgeWildcardPermissions(steps: SagaStep[]): void {
    const stack = Stack.of(this);
    const flatten = (node: unknown): string => {
      if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/}/g, '>');
      const ref = node as { [key: string]: any };
      if (ref['Fn::Join']) return (ref['Fn::Join'][1] as unknown[]).map(flatten).join(ref['Fn::Join'][0]);
      if (ref['Fn::GetAtt']) return `<${flatten(ref['Fn::GetAtt'][0])}.${flatten(ref['Fn::GetAtt'][1])}>`;
      if (ref.Ref) return `<${flatten(ref.Ref)}>`;
      return JSON.stringify(node);
    };
    const functions = new Set(steps.flatMap((s) => s.compensation ? [s.action, s.compensation] : [s.action]));
    for (const fn of functions) {
      acknowledgeRule(this.stateMachine, `AwsSolutions-IAM5[Resource::${flatten(stack.resolve(fn.functionArn))}:*]`,
        'Step Functions invokes the saga step function by ARN with any version or alias suffix (<function ARN>:*)');
    }
    acknowledgeRule(this.stateMachine, 'AwsSolutions-IAM5[Resource::*]',
      'cloudwatch:PutMetricData (RecordCompensationFailure) supports no resource-level permissions; the statement is limited to the saga namespace by the cloudwatch:namespace condition');
  }

  private validate(props: SagaStateMachineProps, express: boolean): void {
    if (props.steps.length === 0) {
      invalidProp(this, 'steps', 'must contain at least one step (given 0)',
        'add the steps in order, e.g. { name: \'reserve-inventory\', action, compensation }');
    }
    validateUniqueNames(this, 'steps', props.steps.map((s) => s.name));
    for (const [index, step] of props.steps.entries()) {
      const prop = `steps[${index}]`;
      if (RESERVED_STATE_NAMES.includes(step.name)) {
        invalidProp(this, `${prop}.name`, `'${step.name}' is the name of a state the saga adds (reserved: ${RESERVED_STATE_NAMES.join(', ')})`,
          `rename the step, e.g. '${step.name.toLowerCase()}-step'`);
      }
      if (RESERVED_CONSTRUCT_IDS.includes(step.name)) {
        invalidProp(this, `${prop}.name`,
          `'${step.name}' is the id of a construct the saga creates beside the step states (reserved: ${RESERVED_CONSTRUCT_IDS.join(', ')})`,
          `rename the step, e.g. '${step.name.toLowerCase()}-step'`);
      }
      const longest = step.compensation ? compensationFailedStateName(step.name) : `${step.name} failed`;
      if (longest.length > MAX_STATE_NAME_LENGTH) {
        invalidProp(this, `${prop}.name`,
          `'${step.name}' is too long: the saga names a state '${longest}' (${longest.length} characters), `
          + `and Step Functions allows ${MAX_STATE_NAME_LENGTH}`,
          `shorten the name of a step with a compensation to ${MAX_STATE_NAME_LENGTH - compensationFailedStateName('').length} characters or fewer`);
      }
      if (step.retry?.retryErrors?.includes(sfn.Errors.ALL)) {
        invalidProp(this, `${prop}.retry.retryErrors`,
          `must not contain ${sfn.Errors.ALL}: it would retry business errors too (and Step Functions allows it only alone in a retrier)`,
          'list the error names a second attempt can fix, e.g. [\'InventoryServiceUnavailable\']');
      }
      if (step.compensatesOwnFailure && !step.compensation) {
        invalidProp(this, `${prop}.compensatesOwnFailure`,
          `step '${step.name}' says it compensates its own failure but has no compensation`,
          'give the step a compensation, or drop compensatesOwnFailure');
      }
      this.validateRetry(`${prop}.retry`, step.retry);
      this.validateSeconds(`${prop}.timeout`, step.timeout, MAX_STANDARD_TIMEOUT);
    }
    this.validateRetry('compensationRetry', props.compensationRetry);

    const max = express ? MAX_EXPRESS_TIMEOUT : MAX_STANDARD_TIMEOUT;
    this.validateWholeSeconds('timeout', props.timeout);
    if (props.timeout && !props.timeout.isUnresolved()
      && (props.timeout.toSeconds() > max.toSeconds() || props.timeout.toSeconds() < 1)) {
      invalidProp(this, 'timeout', express
        ? `an EXPRESS state machine runs at most 5 minutes (given ${props.timeout.toHumanString()})`
        : `must be between 1 second and 365 days (given ${props.timeout.toHumanString()})`,
      express ? 'lower timeout to Duration.minutes(5) or less, or use sfn.StateMachineType.STANDARD'
        : 'set timeout between 1 second and 365 days');
    }

    const last = props.steps[props.steps.length - 1];
    if (last.compensation && !last.compensatesOwnFailure) {
      warn(this, 'SagaStateMachine.lastStepCompensationNeverRuns',
        `the compensation of the last step '${last.name}' never runs: no step after it can fail. `
        + 'Drop it, or set compensatesOwnFailure if a failed attempt can leave partial work.');
    }
  }

  private validateRetry(prop: string, retry: SagaRetry | undefined): void {
    if (!retry) return;
    validateIntegerRange(this, `${prop}.maxAttempts`, retry.maxAttempts, 0, 99999999);
    if (retry.backoffRate !== undefined && !Token.isUnresolved(retry.backoffRate)
      && (retry.backoffRate < 1 || retry.backoffRate > 1000)) {
      invalidProp(this, `${prop}.backoffRate`, `must be between 1 and 1000 (given ${retry.backoffRate})`,
        'set backoffRate to 1 (constant waits) or more, e.g. 2');
    }
    this.validateSeconds(`${prop}.interval`, retry.interval, Duration.seconds(99999999));
    this.validateSeconds(`${prop}.maxDelay`, retry.maxDelay, Duration.seconds(99999999));
  }

  /** Step Functions takes whole seconds here: at least 1, at most `max`. Tokens are skipped. */
  private validateSeconds(prop: string, value: Duration | undefined, max: Duration): void {
    this.validateWholeSeconds(prop, value);
    validateDurationRange(this, prop, value, Duration.seconds(1), max);
  }

  /** Step Functions (and CDK's rendering, which throws otherwise) take whole seconds. Tokens are skipped. */
  private validateWholeSeconds(prop: string, value: Duration | undefined): void {
    if (!value || value.isUnresolved()) return;
    const millis = value.toMilliseconds();
    if (!Number.isInteger(millis / 1000)) {
      invalidProp(this, prop, `must be whole seconds (given ${value.toHumanString()})`,
        `use Duration.seconds(${Math.max(1, Math.round(millis / 1000))})`);
    }
  }

  /**
   * Start -> step 1 -> ... -> step n -> Succeeded. Step k's Catch leads to "<k> failed" (which
   * writes `$.failure`), then into ONE shared chain of compensations in reverse order
   * (Compensate n -> ... -> Compensate 1 -> SagaFailed), entered at the last completed step
   * that has a compensation. The chain is linear in the number of steps.
   */
  private buildDefinition(props: SagaStateMachineProps): sfn.IChainable {
    const steps = props.steps;
    const sagaFailed = new sfn.Fail(this, 'SagaFailed', {
      errorPath: '$.failure.error',
      causePath: '$.failure.cause',
    });
    const compensationFailed = new sfn.Fail(this, 'CompensationFailed', {
      error: 'SagaCompensationFailed',
      causePath: '$.compensationFailure.cause',
    });
    // A plain Task state rather than tasks.CallAwsService: that one grants its action on its
    // resources without conditions, and PutMetricData has no resource-level permissions. The
    // grant (in the constructor) is limited to this namespace with the cloudwatch:namespace key.
    const recordCompensationFailure = new sfn.CustomState(this, 'RecordCompensationFailure', {
      stateJson: {
        Type: 'Task',
        Resource: `arn:${Stack.of(this).partition}:states:::aws-sdk:cloudwatch:putMetricData`,
        Parameters: {
          Namespace: SagaStateMachine.METRIC_NAMESPACE,
          MetricData: [{
            MetricName: SagaStateMachine.COMPENSATION_FAILED_METRIC,
            Unit: 'Count',
            Value: 1,
            Dimensions: [{ 'Name': 'StateMachineArn', 'Value.$': sfn.JsonPath.stateMachineId }],
          }],
        },
        ResultPath: null,
      },
    });
    // The metric is how the alarm sees the failure; if even that call fails the execution still
    // ends in CompensationFailed (and counts as failed).
    recordCompensationFailure.addRetry({
      errors: [sfn.Errors.ALL], interval: Duration.seconds(1), maxAttempts: 3, backoffRate: 2, jitterStrategy: sfn.JitterType.FULL,
    });
    recordCompensationFailure.addCatch(compensationFailed, { errors: [sfn.Errors.ALL], resultPath: '$.metricFailure' });
    recordCompensationFailure.next(compensationFailed);

    // Compensation tasks, in step order; null where the step has none.
    const compensations = steps.map((step, index) => step.compensation
      ? this.compensationTask(step, index, steps, props.compensationRetry, recordCompensationFailure)
      : undefined);
    // Chain them in reverse: each compensation continues with the previous step's (or SagaFailed).
    const entryAtOrBelow = (index: number): sfn.IChainable => {
      for (let i = index; i >= 0; i--) if (compensations[i]) return compensations[i]!;
      return sagaFailed;
    };
    compensations.forEach((task, index) => task?.next(entryAtOrBelow(index - 1)));

    const start = new sfn.Pass(this, 'Start', {
      comment: 'Keeps the execution input under $.input and each step result under $.results.<step>',
      parameters: { 'input.$': '$', 'results': {} },
    });
    let chain: sfn.Chain = sfn.Chain.start(start);
    steps.forEach((step, index) => {
      const action = this.actionTask(step);
      const lastCompensated = step.compensatesOwnFailure ? index : index - 1;
      const compensated = steps.slice(0, lastCompensated + 1).filter((s) => s.compensation).map((s) => s.name).reverse();
      const failed = new sfn.Pass(this, `${step.name} failed`, {
        comment: `Names the failed step and its error, then runs the compensations: ${compensated.join(', ') || 'none'}`,
        parameters: {
          'step': step.name,
          'originalError.$': '$.failure.Error',
          // The whole caught object: `Cause` is not guaranteed (e.g. some timeouts), and a missing
          // field referenced here would fail the execution before any compensation ran.
          'caught.$': '$.failure',
          'error.$': `States.Format('${step.name} failed: {}', $.failure.Error)`,
          'cause.$': `States.Format('step ${step.name} failed: {}. ${compensated.length
            ? `Compensated in reverse order: ${compensated.join(', ')}` : 'Nothing to compensate'}.', States.JsonToString($.failure))`,
        },
        resultPath: '$.failure',
      });
      failed.next(entryAtOrBelow(lastCompensated));
      action.addCatch(failed, { errors: [sfn.Errors.ALL], resultPath: '$.failure' });
      chain = chain.next(action);
    });
    return chain.next(new sfn.Succeed(this, 'Succeeded', { comment: 'Every step completed' }));
  }

  private actionTask(step: SagaStep): tasks.LambdaInvoke {
    const task = new tasks.LambdaInvoke(this, step.name, {
      comment: `Action of saga step ${step.name}`,
      lambdaFunction: step.action,
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      payload: sfn.TaskInput.fromObject({
        step: step.name,
        idempotencyKey: sfn.JsonPath.format(`{}:${step.name}`, sfn.JsonPath.executionName),
        input: sfn.JsonPath.objectAt('$.input'),
        results: sfn.JsonPath.objectAt('$.results'),
      }),
      // Bracket notation: Step Functions requires it for field names with characters outside
      // JSONPath's member-name-shorthand, such as '-' (and names starting with a digit).
      resultPath: `$.results['${step.name}']`,
      taskTimeout: step.timeout ? sfn.Timeout.duration(step.timeout) : undefined,
    });
    const retry = step.retry ?? {};
    task.addRetry({
      errors: [...TRANSIENT_LAMBDA_ERRORS, ...retry.retryErrors ?? []],
      interval: retry.interval ?? Duration.seconds(1),
      maxAttempts: retry.maxAttempts ?? 3,
      backoffRate: retry.backoffRate ?? 2,
      maxDelay: retry.maxDelay ?? Duration.seconds(30),
      jitterStrategy: retry.jitter === false ? sfn.JitterType.NONE : sfn.JitterType.FULL,
    });
    return task;
  }

  private compensationTask(step: SagaStep, index: number, steps: SagaStep[], retryProps: SagaRetry | undefined,
    onFailure: sfn.IChainable): tasks.LambdaInvoke {
    const task = new tasks.LambdaInvoke(this, `Compensate ${step.name}`, {
      comment: `Compensation of saga step ${step.name}`,
      lambdaFunction: step.compensation!,
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      payload: sfn.TaskInput.fromObject({
        step: step.name,
        idempotencyKey: sfn.JsonPath.format(`{}:${step.name}:compensation`, sfn.JsonPath.executionName),
        input: sfn.JsonPath.objectAt('$.input'),
        results: sfn.JsonPath.objectAt('$.results'),
        failure: sfn.JsonPath.objectAt('$.failure'),
      }),
      resultPath: sfn.JsonPath.DISCARD,
    });
    const retry = retryProps ?? {};
    task.addRetry({
      errors: [sfn.Errors.ALL],
      interval: retry.interval ?? Duration.seconds(2),
      maxAttempts: retry.maxAttempts ?? 5,
      backoffRate: retry.backoffRate ?? 2,
      maxDelay: retry.maxDelay ?? Duration.minutes(1),
      jitterStrategy: retry.jitter === false ? sfn.JitterType.NONE : sfn.JitterType.FULL,
    });
    const pending = steps.slice(0, index).filter((s) => s.compensation).map((s) => s.name).reverse();
    const failed = new sfn.Pass(this, compensationFailedStateName(step.name), {
      comment: 'Names the compensation that failed, the original failure and what is left undone',
      parameters: {
        'step': step.name,
        'error.$': '$.compensationFailure.Error',
        'caught.$': '$.compensationFailure',
        'cause.$': `States.Format('compensation of step ${step.name} failed after retries: {}. Original failure: {}. `
          + `Not compensated: ${[step.name, ...pending].join(', ')}.', `
          + 'States.JsonToString($.compensationFailure), $.failure.error)',
      },
      resultPath: '$.compensationFailure',
    });
    failed.next(onFailure);
    task.addCatch(failed, { errors: [sfn.Errors.ALL], resultPath: '$.compensationFailure' });
    return task;
  }
}
