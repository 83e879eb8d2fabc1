// Named exports only: a helper exported from a module file (serviceName) must not reach the package's
// TypeScript surface, which jsii's assembly (and every other language) does not have.
export { ServerlessFunction, ServerlessFunctionProps } from './serverless-function';
export { PatternFunctionProps } from './pattern-function';
