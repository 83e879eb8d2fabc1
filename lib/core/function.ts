import { Duration, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ServerlessFunction } from '../serverless-function';
import { Defaults } from './defaults';
import { HandlerCode } from './handler';
import { invalidProp, validateDurationRange, validateIntegerRange } from './validation';

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
}

/** What `createPatternFunction` needs beyond the user's props. */
export interface PatternFunctionSpec extends PatternFunctionProps {
  readonly code: HandlerCode;
  /** Timeout default of the pattern, and the user's value if any. */
  readonly timeout: Duration;
  readonly reservedConcurrency?: number;
  readonly description?: string;
  /** Variables the construct itself sets (table names, flags); user variables may not override them. */
  readonly patternEnvironment?: { [key: string]: string };
}

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
export function createPatternFunction(scope: Construct, id: string, spec: PatternFunctionSpec,
  userSetFunctionProps: string[]): PatternFunction {
  validateDurationRange(scope, 'timeout', spec.timeout, Duration.seconds(1), Defaults.maxLambdaTimeout,
    'Lambda functions run at most 15 minutes; split longer work into steps (SagaStateMachine) or batches');
  validateIntegerRange(scope, 'memorySize', spec.memorySize, 128, 10240);

  const existing = spec.code.existingFunction;
  if (existing) {
    if (userSetFunctionProps.length > 0) {
      invalidProp(scope, userSetFunctionProps[0],
        'cannot be combined with HandlerCode.fromFunction(), which wires a function you configure yourself',
        `set ${userSetFunctionProps.join(', ')} on your own function, or pass HandlerCode.fromCode() instead`);
    }
    const timeout = existing instanceof lambda.Function ? existing.timeout : undefined;
    return { function: existing, timeout };
  }

  const fn = new ServerlessFunction(scope, id, {
    handler: spec.code,
    timeout: spec.timeout,
    memorySize: spec.memorySize,
    logRetention: spec.logRetention,
    reservedConcurrency: spec.reservedConcurrency,
    description: spec.description,
    environment: {
      ...spec.environment,
      POWERTOOLS_SERVICE_NAME: spec.environment?.POWERTOOLS_SERVICE_NAME ?? serviceName(scope),
      ...spec.patternEnvironment,
    },
  });
  return { function: fn, createdFunction: fn, timeout: spec.timeout, logGroup: fn.logGroup };
}

/** Service name for structured logs: the construct path, made safe for a log field. */
function serviceName(scope: Construct): string {
  const path = scope.node.path;
  return Token.isUnresolved(path) ? scope.node.id : path.replace(/\//g, '-');
}

/** Names of the function-configuring props the user set, for the `fromFunction` conflict check. */
export function definedProps(props: object, names: string[]): string[] {
  return names.filter((n) => (props as Record<string, unknown>)[n] !== undefined);
}
