import { App, Aspects, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ServerlessGuardrails, ServerlessGuardrailsProps } from '../lib';

/** A guardrail annotation: level, construct path and rule id (`[SPG-...]` at the start of the message). */
export interface GuardrailFinding {
  readonly level: 'error' | 'warning' | 'info';
  readonly path: string;
  readonly rule: string;
}

/** A stack in a fixed environment with `ServerlessGuardrails` applied to its app. */
export function guardedStack(props?: ServerlessGuardrailsProps): Stack {
  const app = new App();
  Aspects.of(app).add(new ServerlessGuardrails(props));
  return new Stack(app, 'UserStack', { env: { account: '123456789012', region: 'us-east-1' } });
}

/** Every annotation of the stack whose message starts with a rule id, sorted by path then rule. */
export function findingsOf(stack: Stack): GuardrailFinding[] {
  return messagesOf(stack).map(({ level, path, message }) => {
    const rule = /^\[(SPG-[A-Z0-9-]+)\]/.exec(message)?.[1];
    return rule ? { level, path, rule } : undefined;
  }).filter((f): f is GuardrailFinding => f !== undefined)
    .sort((a, b) => a.path.localeCompare(b.path) || a.rule.localeCompare(b.rule));
}

/** Every annotation of the stack with its message. */
export function messagesOf(stack: Stack): Array<{ level: 'error' | 'warning' | 'info'; path: string; message: string }> {
  const annotations = Annotations.fromStack(stack);
  const pick = (level: 'error' | 'warning' | 'info', found: Array<{ id: string; entry: { data?: unknown } }>) =>
    found.map((m) => ({ level, path: m.id, message: String(m.entry.data) }));
  return [
    ...pick('error', annotations.findError('*', Match.anyValue())),
    ...pick('warning', annotations.findWarning('*', Match.anyValue())),
    ...pick('info', annotations.findInfo('*', Match.anyValue())),
  ];
}

/** The message of the one annotation of `rule`. */
export function messageOf(stack: Stack, rule: string): string {
  const found = messagesOf(stack).filter((m) => m.message.startsWith(`[${rule}]`));
  if (found.length !== 1) throw new Error(`expected one ${rule} annotation, got ${found.length}`);
  return found[0].message;
}

/** A function as a careful user writes it with plain aws-cdk-lib: explicit log group with retention. */
export function userFunction(scope: Construct, id: string, props: Partial<lambda.FunctionProps> = {}): lambda.Function {
  return new lambda.Function(scope, id, {
    code: lambda.Code.fromInline('exports.handler = async () => ({});'),
    handler: 'index.handler',
    runtime: lambda.Runtime.NODEJS_22_X,
    timeout: Duration.seconds(10),
    logGroup: new logs.LogGroup(scope, `${id}Logs`, { retention: logs.RetentionDays.ONE_MONTH }),
    ...props,
  });
}
