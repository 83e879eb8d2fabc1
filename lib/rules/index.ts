// The rule layer: every rule of the library once. Constructs enforce these on their props;
// ServerlessGuardrails checks the same functions over every resource of the app.
export * from './ids';
export * from './rule';
export * from './sqs';
export * from './state-machine';
