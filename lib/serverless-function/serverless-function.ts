import { AspectPriority, Aspects, CfnResource, Duration, Stack, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { StackModel } from '../analysis/stack-model';
import { vpcEgressFactsOf } from '../analysis/vpc-placement';
import { Defaults } from '../core/defaults';
import { entryProblem } from '../core/entry-bundling';
import { HandlerCode } from '../core/handler';
import { configureLogGroup, createLogGroup } from '../core/logs';
import { acknowledgeComplianceRule, acknowledgeGrantPolicy, acknowledgeRule, nagResourceId } from '../core/nag';
import { invalidProp, PathScope, pathOf, requireTokenUnit, validateDurationRange, validateIntegerRange } from '../core/validation';
import { asyncOnFailureRule, logRetentionRule } from '../rules/lambda';
import { AWS_LIMITS } from '../rules/limits';
import { advise } from '../rules/rule';
import { vpcEgressRule } from '../rules/vpc';
import { inlineGrantPolicy, inlineVpcAccess } from './function-role';
import { PatternFunctionProps } from './pattern-function';
import { rejectUnknownProps } from '../core/known-props';
import { SERVERLESS_FUNCTION_PROPS } from './known-props';

/** Properties of a ServerlessFunction. */
export interface ServerlessFunctionProps extends PatternFunctionProps {
  /** The code: `HandlerCode.fromEntry`, `fromCode`, `fromAsset` or `bundled` (not `fromFunction`). */
  readonly handler: HandlerCode;
  /**
   * Function timeout (1 second to 15 minutes). Set it for the work the function does.
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;
  /**
   * Reserved concurrency.
   * @default - unreserved
   */
  readonly reservedConcurrency?: number;
  /**
   * Description of the function.
   * @default - no description
   */
  readonly description?: string;
}

/**
 * A Lambda function with this library's defaults: ARM64, the newest Node.js LTS runtime, X-Ray
 * tracing, JSON logs to its own log group with explicit retention, 512 MB, a deliberate timeout,
 * and `POWERTOOLS_SERVICE_NAME` set. Every construct of the library creates its functions with
 * it; use it for functions you hand to them (saga steps, destinations).
 */
export class ServerlessFunction extends lambda.Function {
  private readonly ownLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ServerlessFunctionProps) {
    rejectUnknownProps(pathOf(scope, id), 'ServerlessFunction', props, SERVERLESS_FUNCTION_PROPS);
    validateProps(pathOf(scope, id), props);
    super(scope, id, functionProps(scope, id, props));
    this.ownLogGroup = this.createOwnLogGroup(props);
    // RetentionDays.INFINITE is a choice made explicitly: a warning, as in ServerlessGuardrails.
    advise(this, 'logRetention', logRetentionRule.check({
      neverExpires: (props.logRetention ?? Defaults.logRetention) === logs.RetentionDays.INFINITE,
    }));
    if (props.vpc) this.adviseVpcEgress();
    // cdk-nag findings every function of this library has by design (listed in the README's Guardrails section).
    inlineGrantPolicy(this);
    if (props.vpc) this.inlineVpcAccess(props);
    acknowledgeRule(this, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'AWSLambdaBasicExecutionRole is the AWS-managed minimum for Lambda logging (logs:CreateLogGroup, CreateLogStream, '
      + 'PutLogEvents); the function writes to its own log group with retention');
    acknowledgeRule(this, 'AwsSolutions-IAM5[Resource::*]',
      'X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) and, in a VPC, ec2:DescribeNetworkInterfaces and '
      + 'ec2:DescribeSubnets support only Resource "*"; '
      + 'test/iam.test.ts fails on any other "*" resource');
    acknowledgeRule(this, 'Serverless-LambdaStarPermissions',
      'the role\'s inline policy holds the X-Ray statement, whose actions support only Resource "*", and the grants of this '
      + 'library, which name their resources (wildcards only inside a resource the construct owns, each acknowledged by '
      + 'its AwsSolutions-IAM5 id); test/iam.test.ts fails on any other "*" resource');
    acknowledgeRule(this, 'Serverless-LambdaDLQ',
      'a ServerlessFunction is a building block invoked synchronously (saga steps, APIs); asynchronous use goes through '
      + `AsyncFunction, which adds an on-failure destination, and ServerlessGuardrails rule ${asyncOnFailureRule.id} flags `
      + 'any async trigger without one');
    acknowledgeComplianceRule(this, 'LambdaDLQ',
      'a function DLQ receives failed asynchronous invocations only: the library\'s async functions (AsyncFunction, '
      + 'ScheduledJob) have an on-failure destination instead, and its queue and stream workers are invoked synchronously '
      + 'by event source mappings whose failures go to the source queue\'s DLQ or the mapping\'s on-failure destination');
    acknowledgeGrantPolicy(this);
  }

  /** ENI permissions inline instead of AWSLambdaVPCAccessExecutionRole, and the "*" and ARN wildcards EC2 requires acknowledged. */
  private inlineVpcAccess(props: ServerlessFunctionProps): void {
    inlineVpcAccess(this, props.vpc!.selectSubnets(props.vpcSubnets).subnetIds);
    const networkInterfaces = Stack.of(this).formatArn({ service: 'ec2', resource: 'network-interface', resourceName: '*' });
    acknowledgeRule(this, `AwsSolutions-IAM5[Resource::${nagResourceId(Stack.of(this).resolve(networkInterfaces))}]`,
      'Lambda creates and names the function\'s network interfaces itself, so no interface ID is known in advance; '
      + 'the statement is limited to network interfaces of this account and region (Lambda\'s VPC guide asks for every ID there)');
  }

  /** The function's log group (its own child, with the retention set). */
  public get logGroup(): logs.ILogGroup {
    return this.ownLogGroup;
  }

  /**
   * At synth, once the app has added its endpoints and routes: a warning when the function's subnets
   * have neither a NAT route nor endpoints for the services its runtime calls (a VPC of this app only).
   */
  private adviseVpcEgress(): void {
    Aspects.of(this).add({
      visit: (node) => {
        if (node !== this) return;
        const model = StackModel.of(this, true);
        const entry = model.entry(this.node.defaultChild as CfnResource);
        if (entry) advise(this, 'vpcSubnets', vpcEgressRule.check(vpcEgressFactsOf(model, entry)));
      },
    }, { priority: AspectPriority.READONLY });
  }

  /**
   * The log group is this function's child (not a sibling in the caller's scope, where its id
   * could clash with the caller's own constructs).
   */
  private createOwnLogGroup(props: ServerlessFunctionProps): logs.LogGroup {
    const options = { retention: props.logRetention, encryptionKey: props.logEncryptionKey };
    const managed = this.node.tryFindChild('LogGroup');
    // The @aws-cdk/aws-lambda:useCdkManagedLogGroup flag (set by `cdk init`) already made the
    // default group /aws/lambda/<name> as this child: keep it, with our retention and key.
    if (managed instanceof logs.LogGroup) return configureLogGroup(managed, options);
    const logGroup = createLogGroup(this, 'LogGroup', options);
    const cfn = this.node.defaultChild as lambda.CfnFunction;
    cfn.loggingConfig = { ...(cfn.loggingConfig as lambda.CfnFunction.LoggingConfigProperty), logGroup: logGroup.logGroupName };
    return logGroup;
  }
}

/** Validates before anything is created, so a bad prop leaves no half-built construct behind. */
function validateProps(where: PathScope, props: ServerlessFunctionProps): void {
  if (props.handler.existingFunction) {
    invalidProp(where, 'handler', 'is an existing function (HandlerCode.fromFunction()); ServerlessFunction creates one',
      'pass HandlerCode.fromCode(), fromAsset() or bundled(), or use your function directly');
  }
  validateDurationRange(where, 'timeout', props.timeout, Duration.seconds(AWS_LIMITS.lambdaTimeout.min), Duration.seconds(AWS_LIMITS.lambdaTimeout.max),
    `Lambda functions run at most ${Duration.seconds(AWS_LIMITS.lambdaTimeout.max).toHumanString()}; split longer work into steps `
      + '(SagaStateMachine) or batches');
  validateIntegerRange(where, 'memorySize', props.memorySize, AWS_LIMITS.lambdaMemory.min, AWS_LIMITS.lambdaMemory.max);
  requireTokenUnit(where, 'timeout', props.timeout, 'seconds', 'the function\'s Timeout');
  const runtime = props.runtime;
  if (runtime && props.handler.bundledName && runtime.family !== lambda.RuntimeFamily.NODEJS) {
    invalidProp(where, 'runtime', `is ${runtime.name}, but the handler is the bundled Node.js handler '${props.handler.bundledName}'`,
      'leave runtime unset for bundled handlers, or pass your own code with HandlerCode.fromCode()/fromAsset()');
  }
  if (props.handler.entry !== undefined) validateEntry(where, props.handler, runtime);
  const layer = props.environment?.IDEMPOTENCY_PERSISTENCE_LAYER;
  if (props.handler.bundledName && layer === 'sdk') {
    // Powertools' SDK layer is in a bundle only when the handler imports runtime/idempotency/sdk;
    // the bundled handlers do not, so every idempotent call would fail at run time.
    invalidProp(where, 'environment', `sets IDEMPOTENCY_PERSISTENCE_LAYER=sdk, and the bundled handler '${props.handler.bundledName}' `
      + 'ships only the default signed-HTTP idempotency layer', 'remove IDEMPOTENCY_PERSISTENCE_LAYER, or bundle a handler of your own '
      + 'that imports @cdk-serverless-patterns/runtime/idempotency/sdk and pass it with HandlerCode.fromAsset()');
  }
  if (!props.vpc) {
    const vpcOnly = (['vpcSubnets', 'securityGroups'] as const).filter((name) => props[name] !== undefined);
    if (vpcOnly.length > 0) {
      invalidProp(where, vpcOnly[0], 'places the function in a VPC, and no vpc is given', `set vpc, or remove ${vpcOnly.join(', ')}`);
    }
  }
}

/** A `fromEntry` file must exist and be bundleable here, for a Node.js function. */
function validateEntry(where: PathScope, handler: HandlerCode, runtime: lambda.Runtime | undefined): void {
  if (runtime && runtime.family !== lambda.RuntimeFamily.NODEJS) {
    invalidProp(where, 'runtime', `is ${runtime.name}, but the handler is HandlerCode.fromEntry('${handler.entry}'), which bundles for Node.js`,
      'leave runtime unset, or pass your own code with HandlerCode.fromCode()/fromAsset()');
  }
  const problem = entryProblem(handler.entry!, handler.entryOptions ?? {});
  if (problem) invalidProp(where, 'handler', problem.rule, problem.fix);
}

function functionProps(scope: Construct, id: string, props: ServerlessFunctionProps): lambda.FunctionProps {
  const runtime = props.runtime ?? Defaults.runtime;
  const architecture = props.architecture ?? Defaults.architecture;
  return {
    // fromEntry bundles for this runtime and architecture (the asset itself is made when the function binds the code).
    code: props.handler.createCode(scope, runtime, architecture)!,
    handler: props.handler.handler!,
    runtime,
    architecture,
    vpc: props.vpc,
    vpcSubnets: props.vpcSubnets,
    securityGroups: props.securityGroups,
    timeout: props.timeout ?? Defaults.timeouts.sagaStep,
    memorySize: props.memorySize ?? Defaults.memorySize,
    tracing: lambda.Tracing.ACTIVE,
    // Written out (Lambda's own default) so the template shows it and a drift back is visible.
    recursiveLoop: props.recursiveLoop ?? lambda.RecursiveLoop.TERMINATE,
    loggingFormat: lambda.LoggingFormat.JSON,
    reservedConcurrentExecutions: props.reservedConcurrency,
    description: props.description,
    environment: {
      ...props.environment,
      POWERTOOLS_SERVICE_NAME: props.environment?.POWERTOOLS_SERVICE_NAME ?? serviceName(scope, id),
    },
  };
}

/**
 * Service name for structured logs: the construct path (and the id of the function about to be
 * created under it), made safe for a log field; the id when the path is a token.
 */
export function serviceName(scope: IConstruct, id?: string): string {
  const path = scope.node.path;
  if (Token.isUnresolved(path)) return id ?? scope.node.id;
  return [path, id].filter((p): p is string => p !== undefined && p.length > 0).join('/').replace(/\//g, '-');
}
