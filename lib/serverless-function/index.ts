export * from './serverless-function';
export { PatternFunctionProps } from './pattern-function';
