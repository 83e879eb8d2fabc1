import type { KnownProps } from '../core/known-props';
import type { PatternFunctionProps } from './pattern-function';
import type { ServerlessFunctionProps } from './serverless-function';

/** The keys of `PatternFunctionProps`, which every construct that creates a function extends. */
export const PATTERN_FUNCTION_PROPS: KnownProps<PatternFunctionProps> = {
  memorySize: true, environment: true, logRetention: true, runtime: true, architecture: true, vpc: true,
  vpcSubnets: true, securityGroups: true, logEncryptionKey: true, recursiveLoop: true,
};

/** The keys of `ServerlessFunctionProps`. */
export const SERVERLESS_FUNCTION_PROPS: KnownProps<ServerlessFunctionProps> = {
  ...PATTERN_FUNCTION_PROPS, handler: true, timeout: true, reservedConcurrency: true, description: true,
};
