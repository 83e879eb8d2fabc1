import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { createAlarms } from '../core/alarms';
import { customCountMetric } from '../core/metrics';
import { createLogGroup } from '../core/logs';
import { acknowledgeGrantPolicy, acknowledgeRule } from '../core/nag';
import { describeCost, estimateCost, SagaCostEstimate } from './cost';
import { COMPENSATION_FAILED_METRIC, METRIC_NAMESPACE, SagaDefinition } from './definition';
import type { SagaStateMachineProps } from './props';
import { leafSteps, modelOf, StepModel } from './step-model';
import { MAX_EXPRESS_TIMEOUT, SagaValidator, stateMachineTypeOf } from './validation';
import type { ExpectedLoad } from '../core/load';
import { synthNote } from '../core/notes';
import { rejectUnknownProps } from '../core/known-props';
import { SAGA_STATE_MACHINE_ALARMS, SAGA_STATE_MACHINE_PROPS, rejectUnknownStepProps } from './known-props';

/**
 * An orchestrated saga on Step Functions: runs the steps in order, keeping each result under
 * `$.results.<name>`; when a step fails (after its retries) it runs the compensations of the
 * completed steps in reverse order and ends in the `SagaFailed` Fail state, whose error and cause
 * name the failed step and its original error. A compensation that still fails after its retries
 * records the `CompensationFailed` metric and ends in the `CompensationFailed` Fail state, so a
 * stuck rollback never looks like a clean one.
 *
 * Steps can be Lambda functions, callbacks that wait for a task token, direct service calls
 * (`SagaTask`), or parallel groups of steps. At synth the saga reports its cost per 1,000
 * executions (an info annotation, `costEstimate`).
 *
 * Alarms: failed executions, timed-out executions, failed compensations.
 */
export class SagaStateMachine extends Construct {
  /** CloudWatch namespace of the `CompensationFailed` metric (dimension `StateMachineArn`). */
  public static readonly METRIC_NAMESPACE = METRIC_NAMESPACE;
  /** Name of the metric the state machine puts (value 1) when a compensation failed for good. */
  public static readonly COMPENSATION_FAILED_METRIC = COMPENSATION_FAILED_METRIC;

  /** The state machine. */
  public readonly stateMachine: sfn.StateMachine;
  /** The log group of the state machine. */
  public readonly logGroup: logs.LogGroup;
  /** The alarms of this saga (empty when `alarmsEnabled` is false). */
  public readonly alarms: cloudwatch.Alarm[];
  /** The execution timeout. */
  public readonly timeout: Duration;
  /** Cost per 1,000 executions, from the states of the happy path and of the worst failure path. */
  public readonly costEstimate: SagaCostEstimate;

  /** The expected traffic the cost report prices (undefined: not estimated). */
  public readonly expectedLoad?: ExpectedLoad;

  constructor(scope: Construct, id: string, props: SagaStateMachineProps) {
    super(scope, id);
    rejectUnknownProps(this, 'SagaStateMachine', props, SAGA_STATE_MACHINE_PROPS, { renamed: { type: { to: 'stateMachineType', since: '0.2.0' } } });
    rejectUnknownStepProps(this, props.steps, 'steps');
    this.expectedLoad = props.expectedLoad;
    const type = stateMachineTypeOf(this, props);
    const express = type === sfn.StateMachineType.EXPRESS;
    this.timeout = props.timeout ?? (express ? MAX_EXPRESS_TIMEOUT : Duration.hours(1));
    const steps = props.steps.map((step, index) => modelOf(step, `steps[${index}]`));
    new SagaValidator(this, express).validate(props, steps);

    this.logGroup = createLogGroup(this, 'LogGroup', { retention: props.logRetention, encryptionKey: props.logEncryptionKey });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(new SagaDefinition(this, steps, props.compensationRetry).build()),
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
    this.acknowledgeWildcardPermissions(steps);
    this.costEstimate = this.reportCost(steps, props);
    this.alarms = this.createAlarms(props);
  }

  /** Lets the grantee start executions. */
  public grantStartExecution(grantee: iam.IGrantable): iam.Grant {
    return this.stateMachine.grantStartExecution(grantee);
  }

  /** Lets the grantee start synchronous executions (EXPRESS state machines only). */
  public grantStartSyncExecution(grantee: iam.IGrantable): iam.Grant {
    return this.stateMachine.grantStartSyncExecution(grantee);
  }

  /**
   * Lets the grantee (the worker of a callback step) complete task tokens of this state machine:
   * exactly `states:SendTaskSuccess`, `states:SendTaskFailure` and `states:SendTaskHeartbeat` on it.
   */
  public grantTaskResponse(grantee: iam.IGrantable): iam.Grant {
    return this.stateMachine.grantTaskResponse(grantee);
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
    return customCountMetric(SagaStateMachine.METRIC_NAMESPACE, SagaStateMachine.COMPENSATION_FAILED_METRIC,
      { StateMachineArn: this.stateMachine.stateMachineArn }, props);
  }

  private createAlarms(props: SagaStateMachineProps): cloudwatch.Alarm[] {
    return createAlarms(this, props, {
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
    }, { value: props.alarms, known: SAGA_STATE_MACHINE_ALARMS, type: 'SagaStateMachineAlarms' });
  }

  /** The cost per 1,000 executions, reported as an info annotation. */
  private reportCost(steps: StepModel[], props: SagaStateMachineProps): SagaCostEstimate {
    const callbacks = leafSteps(steps).filter((s) => [s.action, s.compensation].some((t) => t?._callbackWait() !== undefined));
    const estimate = estimateCost(steps.map(function toCost(s: StepModel): Parameters<typeof estimateCost>[0][number] {
      return { hasCompensation: !!s.compensation, compensatesOwnFailure: s.compensatesOwnFailure, branches: s.branches?.map(toCost) };
    }), callbacks.length === 0, props.costAssumptions);
    // A stable id, so the note can be acknowledged like the library's warnings.
    synthNote(this, 'SagaStateMachine.costEstimate', describeCost(estimate, props.costAssumptions,
      `callback steps wait for a task token: ${callbacks.map((s) => s.name).join(', ')}`));
    return estimate;
  }

  /**
   * The role's two wildcards are by design: Step Functions invokes `<function ARN>:*` (versions
   * and aliases), and cloudwatch:PutMetricData has no resource-level permissions. Acknowledged
   * per finding (cdk-nag reports IAM5 once per wildcard resource), so any other wildcard still shows.
   */
  private acknowledgeWildcardPermissions(steps: StepModel[]): void {
    const stack = Stack.of(this);
    const flatten = (node: unknown): string => {
      if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/}/g, '>');
      const ref = node as { [key: string]: any };
      if (ref['Fn::Join']) return (ref['Fn::Join'][1] as unknown[]).map(flatten).join(ref['Fn::Join'][0]);
      if (ref['Fn::GetAtt']) return `<${flatten(ref['Fn::GetAtt'][0])}.${flatten(ref['Fn::GetAtt'][1])}>`;
      if (ref.Ref) return `<${flatten(ref.Ref)}>`;
      return JSON.stringify(node);
    };
    const functions = new Set(leafSteps(steps).flatMap((s) => [s.action?.function, s.compensation?.function]).filter((fn) => fn !== undefined));
    for (const fn of functions) {
      acknowledgeRule(this.stateMachine, `AwsSolutions-IAM5[Resource::${flatten(stack.resolve(fn.functionArn))}:*]`,
        'Step Functions invokes the saga step function by ARN with any version or alias suffix (<function ARN>:*)');
    }
    acknowledgeGrantPolicy(this.stateMachine.role);
    acknowledgeRule(this.stateMachine, 'AwsSolutions-IAM5[Resource::*]',
      'cloudwatch:PutMetricData (RecordCompensationFailure) supports no resource-level permissions; the statement is limited to the saga namespace by the cloudwatch:namespace condition');
  }
}
