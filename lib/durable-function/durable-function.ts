import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AsyncDestination } from '../async-function/destinations';
import { createFailureQueue } from '../async-function/redrive';
import { createAlarms, queueDepthAlarm, throttlesAlarm } from '../core/alarms';
import { customCountMetric } from '../core/metrics';
import { acknowledgeGrantPolicy, acknowledgeRule, nagResourceId } from '../core/nag';
import { invalidProp, validateDurationRange, validateIntegerRange } from '../core/validation';
import { rejectUnknownProps } from '../core/known-props';
import { DURABLE_FUNCTION_ALARMS, DURABLE_FUNCTION_PROPS } from './known-props';
import { durableConfigRule, durableSyncTimeoutRule } from '../rules/durable';
import { enforce } from '../rules/rule';
import { createPatternFunction } from '../serverless-function/pattern-function';
import type { ExpectedLoad } from '../core/load';
import type { DurableFunctionProps, DurableWorkload } from './props';
import { AWS_LIMITS, durationCode } from '../rules/limits';

/** The actions the durable execution SDK calls, on the function's versions (`<arn>:*`), as AWS documents them. */
const CHECKPOINT_ACTIONS = ['lambda:CheckpointDurableExecution', 'lambda:GetDurableExecutionState'];
/** What the checkpoint storage does with a customer managed key: encrypt new data (a data key) and decrypt stored data. */
const EXECUTION_DATA_KEY_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey'];

/**
 * A Lambda durable function: code that checkpoints each step and can wait (a timer or a callback)
 * for up to a year, replaying completed steps after each interruption. Always published behind an
 * alias that every trigger of the library invokes (Lambda requires a qualified ARN for durable
 * functions); asynchronous invocations with an on-failure destination; alarms on failed and
 * timed-out executions and on a saga's failed compensation; the checkpoint IAM and nothing more;
 * a customer managed key for the execution data when given.
 *
 * The durable saga of the runtime (`durableSaga` in `cdk-serverless-patterns/runtime/durable-saga`)
 * runs in it with the contract of `SagaStateMachine`.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/durable-functions.html
 */
export class DurableFunction extends Construct {
  /** Namespace of the CompensationFailed metric a durable saga puts (the same as SagaStateMachine's). */
  public static readonly METRIC_NAMESPACE = 'CdkServerlessPatterns/Saga';
  /** The metric a durable saga puts when a compensation keeps failing. */
  public static readonly COMPENSATION_FAILED_METRIC = 'CompensationFailed';

  /** The function (durable execution on); invoke it through `alias`, never directly. */
  public readonly function: lambda.Function;
  /** The alias every trigger invokes. */
  public readonly alias: lambda.Alias;
  /** Asynchronous invocation settings of the alias (retries, event age, destinations). */
  public readonly eventInvokeConfig: lambda.EventInvokeConfig;
  /** The created failure queue (absent when `onFailure` is given). */
  public readonly failureQueue?: sqs.IQueue;
  /** The alarms of this construct (empty when `alarmsEnabled` is false). */
  public readonly alarms: cloudwatch.Alarm[];
  /** Longest a durable execution may run. */
  public readonly executionTimeout: Duration;
  /** How long the history of a closed execution is kept. */
  public readonly retentionPeriod: Duration;
  /** The expected traffic the cost report prices (undefined: not estimated). */
  public readonly expectedLoad?: ExpectedLoad;
  /** What one execution does, for the cost report. */
  public readonly workload: DurableWorkload;

  constructor(scope: Construct, id: string, props: DurableFunctionProps) {
    super(scope, id);
    rejectUnknownProps(this, 'DurableFunction', props, DURABLE_FUNCTION_PROPS);
    this.expectedLoad = props.expectedLoad;
    this.workload = props.workload ?? {};
    this.executionTimeout = props.executionTimeout ?? Duration.hours(1);
    this.retentionPeriod = props.retentionPeriod ?? Duration.days(AWS_LIMITS.durableRetention.default);
    if (props.handler.existingFunction) {
      invalidProp(this, 'handler', 'cannot be HandlerCode.fromFunction(): durable execution can only be turned on when a function is created',
        'pass the durable handler code (HandlerCode.fromEntry, fromAsset or fromCode) and let DurableFunction create the function');
    }
    this.validateProps(props);

    const created = createPatternFunction(this, 'Function', props, {
      defaultTimeout: Duration.minutes(5),
      description: `Durable function ${this.node.path}`,
    });
    this.function = created.createdFunction!;
    this.configureDurableExecution(props);

    this.alias = new lambda.Alias(this, 'Alias', { aliasName: props.aliasName ?? 'live', version: this.function.currentVersion });

    let onFailure = props.onFailure;
    if (!onFailure) {
      const failureQueue = createFailureQueue(this, false).failureQueue;
      acknowledgeRule(failureQueue, 'AwsSolutions-SQS3',
        'this is the last stop of failed executions (the alias\'s on-failure destination), behind an alarm; nothing consumes it');
      acknowledgeRule(failureQueue, 'Serverless-SQSRedrivePolicy',
        'this is the failure queue: records of failed executions stay 14 days for inspection, behind an alarm');
      this.failureQueue = failureQueue;
      onFailure = AsyncDestination.toQueue(failureQueue);
    }
    this.eventInvokeConfig = new lambda.EventInvokeConfig(this, 'EventInvokeConfig', {
      function: this.function,
      qualifier: this.alias.aliasName,
      retryAttempts: props.retryAttempts ?? 0,
      maxEventAge: props.maxEventAge ?? Duration.hours(1),
      onFailure: onFailure._bind().destination,
      onSuccess: props.onSuccess?._bind().destination,
    });
    acknowledgeRule(this.function, 'Serverless-LambdaDLQ',
      'asynchronous invocations go through the alias, whose event invoke config has an on-failure destination');
    this.alarms = this.createDurableAlarms(props);
  }

  /**
   * Lets the grantee invoke the function through its alias: `lambda:InvokeFunction` on exactly the
   * alias ARN (a principal that takes no identity policy gets the alias's resource policy).
   */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    const grant = iam.Grant.addToPrincipal({ grantee, actions: ['lambda:InvokeFunction'], resourceArns: [this.alias.functionArn] });
    return grant.success ? grant : this.alias.grantInvoke(grantee);
  }

  /**
   * Wires an event source mapping (SQS, Kinesis, DynamoDB Streams) to the alias. A mapping invokes
   * synchronously and waits for the whole execution, at most 15 minutes: a longer
   * `executionTimeout` is a synth error.
   * @see https://docs.aws.amazon.com/lambda/latest/dg/durable-invoking-esm.html
   */
  public addEventSource(source: lambda.IEventSource): void {
    if (!this.executionTimeout.isUnresolved()) {
      enforce(this, 'executionTimeout', durableSyncTimeoutRule.check({
        executionTimeoutSeconds: this.executionTimeout.toSeconds(),
        synchronousCallers: [`an event source mapping (${source.constructor.name})`],
      }));
    }
    this.alias.addEventSource(source);
  }

  /** Durable executions that ended FAILED (sum over 1 minute). */
  public metricExecutionsFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.durableMetric('DurableExecutionFailed', props);
  }

  /** Durable executions stopped by their execution timeout (sum over 1 minute). */
  public metricExecutionsTimedOut(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.durableMetric('DurableExecutionTimedOut', props);
  }

  /** Durable executions started (sum over 1 minute). */
  public metricExecutionsStarted(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.durableMetric('DurableExecutionStarted', props);
  }

  /** Durable executions that succeeded (sum over 1 minute). */
  public metricExecutionsSucceeded(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.durableMetric('DurableExecutionSucceeded', props);
  }

  /** Durable operations of the executions (sum over 5 minutes): what Lambda bills per operation. */
  public metricOperations(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.durableMetric('DurableExecutionOperations', { period: Duration.minutes(5), ...props });
  }

  /** Durable sagas whose compensation kept failing (the runtime's `CompensationFailed` metric, sum over 1 minute). */
  public metricCompensationFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return customCountMetric(DurableFunction.METRIC_NAMESPACE, DurableFunction.COMPENSATION_FAILED_METRIC,
      { FunctionName: this.function.functionName }, props);
  }

  /**
   * A durable execution metric of Lambda (namespace AWS/Lambda, dimension FunctionName).
   * @see https://docs.aws.amazon.com/lambda/latest/dg/durable-monitoring.html
   */
  private durableMetric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.function.metric(metricName, { statistic: cloudwatch.Stats.SUM, period: Duration.minutes(1), ...props });
  }

  private validateProps(props: DurableFunctionProps): void {
    validateDurationRange(this, 'maxEventAge', props.maxEventAge, Duration.seconds(AWS_LIMITS.asyncMaxEventAge.min),
      Duration.seconds(AWS_LIMITS.asyncMaxEventAge.max), `set maxEventAge between ${durationCode(AWS_LIMITS.asyncMaxEventAge.min, 'seconds')} and `
      + `${durationCode(AWS_LIMITS.asyncMaxEventAge.max, 'hours')} (Lambda's limits)`);
    validateIntegerRange(this, 'retryAttempts', props.retryAttempts, AWS_LIMITS.asyncRetryAttempts.min, AWS_LIMITS.asyncRetryAttempts.max,
      'set retryAttempts to 0, 1 or 2 (Lambda\'s limits)');
    const timeout = this.executionTimeout.isUnresolved() ? undefined : this.executionTimeout.toMilliseconds() / 1000;
    const days = this.retentionPeriod.isUnresolved() ? undefined : this.retentionPeriod.toHours() / 24;
    enforce(this, 'executionTimeout', durableConfigRule.check({ executionTimeoutSeconds: timeout }));
    enforce(this, 'retentionPeriod', durableConfigRule.check({ retentionDays: days }));
  }

  /**
   * DurableConfig on the L1, and the checkpoint grant written here: aws-cdk-lib's `durableConfig`
   * has no KMS key, and attaches the managed policy AWSLambdaBasicDurableExecutionRolePolicy
   * rather than the two actions on this function's versions.
   * @see https://docs.aws.amazon.com/lambda/latest/dg/durable-security.html
   */
  private configureDurableExecution(props: DurableFunctionProps): void {
    const cfn = this.function.node.defaultChild as lambda.CfnFunction;
    cfn.durableConfig = {
      executionTimeout: this.executionTimeout.toSeconds(),
      retentionPeriodInDays: this.retentionPeriod.toDays(),
      kmsKeyArn: props.executionDataKey?.keyArn,
    };
    // Executions are sub-resources of a version (`<arn>:<version>/durable-execution/...`): an
    // unqualified ARN never matches them, aliases do not apply. A policy of its own: in the role's
    // inline policy the function's ARN would make the role depend on the function it serves.
    const checkpoint = new iam.Policy(this, 'CheckpointPolicy', {
      roles: [this.function.role!],
      statements: [new iam.PolicyStatement({ actions: CHECKPOINT_ACTIONS, resources: [`${this.function.functionArn}:*`] })],
    });
    acknowledgeRule(checkpoint, `AwsSolutions-IAM5[Resource::${nagResourceId(Stack.of(this).resolve(this.function.functionArn))}:*]`,
      'the checkpoint actions authorize against durable execution ARNs, sub-resources of the function\'s versions: '
      + '<function arn>:* is the form AWS documents, limited to this function');
    acknowledgeGrantPolicy(checkpoint);
    if (props.executionDataKey) {
      // Lambda encrypts and decrypts the execution data on the function's behalf when its code
      // checkpoints and reads state: only those two actions, only through Lambda in this Region
      // (the role's credentials cannot decrypt anything else under the key directly).
      iam.Grant.addToPrincipal({
        grantee: this.function,
        actions: EXECUTION_DATA_KEY_ACTIONS,
        resourceArns: [props.executionDataKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `lambda.${Stack.of(this).region}.amazonaws.com` } },
      });
    }
  }

  private createDurableAlarms(props: DurableFunctionProps): cloudwatch.Alarm[] {
    return createAlarms(this, props, {
      ExecutionsFailedAlarm: {
        metric: this.metricExecutionsFailed(),
        threshold: 1,
        description: 'durable executions failed (a saga that rolled back ends here too); see the execution history and the failure queue',
      },
      ExecutionsTimedOutAlarm: {
        metric: this.metricExecutionsTimedOut(),
        threshold: 1,
        description: 'durable executions hit their execution timeout: a timed-out saga runs NO compensation; undo its completed steps by hand',
      },
      CompensationFailedAlarm: {
        metric: this.metricCompensationFailed(),
        threshold: 1,
        description: 'a durable saga\'s compensation kept failing after its retries: the execution is stuck half rolled back (SagaCompensationFailed)',
      },
      ...(this.failureQueue ? {
        FailureQueueAlarm: queueDepthAlarm(this.failureQueue,
          'asynchronous invocations whose execution failed (or expired in the queue) wait in the failure queue'),
      } : {}),
      ThrottlesAlarm: throttlesAlarm(this.function, 'function throttled: durable invocations and replays wait; raise reserved concurrency'),
    }, { value: props.alarms, known: DURABLE_FUNCTION_ALARMS, type: 'DurableFunctionAlarms' });
  }
}
