import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { serviceName, ServerlessFunction } from './serverless-function';
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
}

/** Props that configure a created function, so they conflict with `HandlerCode.fromFunction`. */
const FUNCTION_PROPS = ['timeout', 'memorySize', 'environment', 'logRetention', 'reservedConcurrency'] as const;

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
  validateDurationRange(scope, 'timeout', timeout, Duration.seconds(1), Defaults.maxLambdaTimeout,
    'Lambda functions run at most 15 minutes; split longer work into steps (SagaStateMachine) or batches');
  validateIntegerRange(scope, 'memorySize', props.memorySize, 128, 10240);

  const existing = props.handler.existingFunction;
  if (existing) {
    const conflicting = FUNCTION_PROPS.filter((name) => props[name] !== undefined);
    if (conflicting.length > 0) {
      invalidProp(scope, conflicting[0],
        'cannot be combined with HandlerCode.fromFunction(), which wires a function you configure yourself',
        `set ${conflicting.join(', ')} on your own function, or pass HandlerCode.fromCode() instead`);
    }
    return { function: existing, timeout: existing instanceof lambda.Function ? existing.timeout : undefined };
  }

  const fn = new ServerlessFunction(scope, id, {
    handler: props.handler,
    timeout,
    memorySize: props.memorySize,
    logRetention: props.logRetention,
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
