import { Duration } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { serviceName, ServerlessFunction } from './serverless-function';
import { AWS_LIMITS } from '../rules/limits';
import { HandlerCode } from '../core/handler';
import { invalidProp, requireTokenUnit, validateDurationRange, validateIntegerRange } from '../core/validation';

/** Function settings shared by every construct that creates a Lambda function. */
export interface PatternFunctionProps {
  /**
   * Memory of the function, in MB (128 to 10240). CPU share grows with memory.
   * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Extra environment variables for the function.
   * @default - only the variables the construct sets itself
   */
  readonly environment?: { [key: string]: string };
  /**
   * Retention of the function's log group.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Lambda runtime of your handler, any language. The bundled handlers (`HandlerCode.bundled`)
   * and the runtime helpers are Node.js; a handler in another language keeps the contract the
   * README's "Handlers in any runtime" section lists (environment variables, partial batch response).
   * @see https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html
   * @default lambda.Runtime.NODEJS_24_X
   */
  readonly runtime?: lambda.Runtime;
  /**
   * Instruction set of the function.
   * @default lambda.Architecture.ARM_64 (Graviton, about 20% cheaper per GB-second)
   */
  readonly architecture?: lambda.Architecture;
  /**
   * VPC to place the function in. Only for functions that reach private resources; AWS services
   * are then reached through VPC endpoints or a NAT gateway (see the README's "VPC" section).
   * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html
   * @default - not in a VPC
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets of `vpc` the function's network interfaces are placed in (only with `vpc`).
   * @default - the VPC's private subnets with egress, as aws-cdk-lib chooses them
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Security groups of the function (only with `vpc`).
   * @default - a security group is created with all outbound traffic allowed
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * KMS key that encrypts the function's log group, and the construct's other log groups
   * (ProvisionedApi's access logs) too, so one key covers them all; with `HandlerCode.fromFunction`
   * ProvisionedApi still takes it, for its access logs only. A key created in this app gets the key-policy
   * statement CloudWatch Logs needs, limited to log groups of this account and region through the
   * `kms:EncryptionContext:aws:logs:arn` condition; an imported key must allow it already.
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
   * @default - log data encrypted by CloudWatch Logs with its own keys
   */
  readonly logEncryptionKey?: kms.IKey;
  /**
   * What Lambda does when it detects the function in a recursive loop (the same event passing
   * through the function and SQS, SNS, S3 or Lambda about 16 times): `TERMINATE` drops the event
   * (to the source queue's dead-letter queue or the on-failure destination, when there is one) and
   * the `RecursiveInvocationsDroppedAlarm` fires; `ALLOW` lets a loop you built on purpose run.
   * Set `ALLOW` only for a handler that re-sends to its own source and stops itself.
   * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-recursion.html
   * @default lambda.RecursiveLoop.TERMINATE
   */
  readonly recursiveLoop?: lambda.RecursiveLoop;
}

/** The user's props every function-creating construct has (a subset of its props interface). */
export interface PatternFunctionUserProps extends PatternFunctionProps {
  readonly handler: HandlerCode;
  readonly timeout?: Duration;
  readonly reservedConcurrency?: number;
}

/** What the construct itself decides about its function. */
export interface PatternFunctionOptions {
  /** Timeout when the user sets none. */
  readonly defaultTimeout: Duration;
  readonly description: string;
  /** Reserved concurrency when the user sets none (e.g. derived from autoscaling). */
  readonly defaultReservedConcurrency?: number;
  /** Variables the construct itself sets (table names, flags); user variables may not override them. */
  readonly patternEnvironment?: { [key: string]: string };
  /**
   * What the construct needs the adopted function's execution role for (completes "..., which <this>"),
   * when it does: a function imported without its role is then an error, not a grant that goes nowhere.
   */
  readonly executionRoleUse?: string;
}

/** Props that configure a created function, so they conflict with `HandlerCode.fromFunction`. */
const FUNCTION_PROPS = ['timeout', 'memorySize', 'environment', 'logRetention', 'reservedConcurrency', 'runtime',
  'architecture', 'vpc', 'vpcSubnets', 'securityGroups', 'logEncryptionKey', 'recursiveLoop'] as const;

/** The function a construct wires, and what it knows about it. */
export interface PatternFunction {
  readonly function: lambda.IFunction;
  /** Set when the construct created the function. */
  readonly createdFunction?: lambda.Function;
  /** Known timeout: the one set, or the given `lambda.Function`'s. */
  readonly timeout?: Duration;
  readonly logGroup?: logs.ILogGroup;
}

/**
 * Creates the construct's function with the library defaults (ARM64, Node.js LTS, X-Ray active,
 * JSON logs to a log group with explicit retention), or adopts the one the user passed.
 */
export function createPatternFunction(scope: Construct, id: string, props: PatternFunctionUserProps,
  options: PatternFunctionOptions): PatternFunction {
  const timeout = props.timeout ?? options.defaultTimeout;
  validateDurationRange(scope, 'timeout', timeout, Duration.seconds(AWS_LIMITS.lambdaTimeout.min), Duration.seconds(AWS_LIMITS.lambdaTimeout.max),
    `Lambda functions run at most ${Duration.seconds(AWS_LIMITS.lambdaTimeout.max).toHumanString()}; split longer work into steps `
      + '(SagaStateMachine) or batches');
  validateIntegerRange(scope, 'memorySize', props.memorySize, AWS_LIMITS.lambdaMemory.min, AWS_LIMITS.lambdaMemory.max);
  requireTokenUnit(scope, 'timeout', props.timeout, 'seconds', 'the function\'s Timeout');

  const existing = props.handler.existingFunction;
  if (existing) {
    const conflicting = FUNCTION_PROPS.filter((name) => props[name] !== undefined);
    if (conflicting.length > 0) {
      invalidProp(scope, conflicting[0],
        'cannot be combined with HandlerCode.fromFunction(), which wires a function you configure yourself',
        `set ${conflicting.join(', ')} on your own function, or pass HandlerCode.fromCode() instead`);
    }
    if (options.executionRoleUse) requireExecutionRole(scope, existing, options.executionRoleUse);
    return { function: existing, timeout: existing instanceof lambda.Function ? existing.timeout : undefined };
  }

  rejectReservedVariables(scope, props.environment, options.patternEnvironment);
  const fn = new ServerlessFunction(scope, id, {
    handler: props.handler,
    timeout,
    memorySize: props.memorySize,
    logRetention: props.logRetention,
    runtime: props.runtime,
    architecture: props.architecture,
    vpc: props.vpc,
    vpcSubnets: props.vpcSubnets,
    securityGroups: props.securityGroups,
    logEncryptionKey: props.logEncryptionKey,
    recursiveLoop: props.recursiveLoop,
    reservedConcurrency: props.reservedConcurrency ?? options.defaultReservedConcurrency,
    description: options.description,
    environment: {
      ...props.environment,
      POWERTOOLS_SERVICE_NAME: props.environment?.POWERTOOLS_SERVICE_NAME ?? serviceName(scope),
      ...options.patternEnvironment,
    },
  });
  return { function: fn, createdFunction: fn, timeout, logGroup: fn.logGroup };
}

/**
 * An adopted function's execution role, which the construct grants to: a function imported without
 * it (`fromFunctionArn`) is an error naming the import that works, not a grant that goes nowhere.
 * @param use completes "..., which <use>"
 */
export function requireExecutionRole(scope: Construct, fn: lambda.IFunction, use: string): void {
  if (fn.role) return;
  invalidProp(scope, 'handler', `the function given to HandlerCode.fromFunction() was imported without its execution role, which ${use}`,
    'import it with lambda.Function.fromFunctionAttributes({ functionArn, role: iam.Role.fromRoleArn(...) }) '
    + '(an alias or version: import its function that way and pass it as the lambda of Version.fromVersionAttributes)');
}

/** A user variable the construct sets itself would be overwritten silently: reject it by name. */
function rejectReservedVariables(scope: Construct, environment: { [key: string]: string } | undefined,
  patternEnvironment: { [key: string]: string } | undefined): void {
  const reserved = Object.keys(patternEnvironment ?? {});
  const clashes = Object.keys(environment ?? {}).filter((name) => reserved.includes(name));
  if (clashes.length > 0) {
    invalidProp(scope, 'environment',
      `sets ${clashes.join(', ')}, which this construct sets itself and would overwrite`,
      `remove ${clashes.join(', ')} from environment, and configure it through the construct's props instead`);
  }
}
