/**
 * A small evaluator of EventBridge event patterns and SNS subscription filter policies, for the
 * subset of rules this library synthesizes: exact values (string, number, boolean, null),
 * `prefix`, `suffix`, `equals-ignore-case`, `anything-but` (values, `prefix` or `suffix`),
 * `numeric`, `exists` and `wildcard`, nested objects, and arrays in the event (a field matches if
 * any element does; a nested pattern must match one element as a whole).
 *
 * Written for the tests because no maintained npm package implements these rules (see
 * docs/fan-out-pipeline.md). Anything outside the subset (`$or`, `cidr`, ...) throws, so a test
 * never passes by silently ignoring a rule.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-subscription-filter-policies.html
 */

type Json = unknown;
type Pattern = { [key: string]: Json };

const ABSENT = Symbol('absent');

function isPlainObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function wildcardMatch(pattern: string, value: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return regex.test(value);
}

function numericMatch(ops: Json[], value: number): boolean {
  if (ops.length % 2 !== 0) throw new Error(`numeric rule needs operator/value pairs (given ${JSON.stringify(ops)})`);
  for (let i = 0; i < ops.length; i += 2) {
    const op = ops[i];
    const bound = ops[i + 1] as number;
    const ok = op === '=' ? value === bound
      : op === '<' ? value < bound
        : op === '<=' ? value <= bound
          : op === '>' ? value > bound
            : op === '>=' ? value >= bound
              : (() => { throw new Error(`unsupported numeric operator ${String(op)}`); })();
    if (!ok) return false;
  }
  return true;
}

function anythingBut(spec: Json, value: Json): boolean {
  if (isPlainObject(spec)) {
    const [op, arg] = Object.entries(spec)[0] ?? [];
    const args = ([] as Json[]).concat(arg);
    if (typeof value !== 'string') return false;
    if (op === 'prefix') return args.every((p) => !value.startsWith(p as string));
    if (op === 'suffix') return args.every((s) => !value.endsWith(s as string));
    throw new Error(`unsupported anything-but operator ${String(op)}`);
  }
  return !([] as Json[]).concat(spec).some((v) => v === value);
}

/** One rule of a leaf array against one scalar value (or ABSENT). */
function matchRule(rule: Json, value: Json | typeof ABSENT): boolean {
  if (!isPlainObject(rule)) return value !== ABSENT && rule === value;
  const keys = Object.keys(rule);
  if (keys.length !== 1) throw new Error(`a matching rule has exactly one operator (given ${JSON.stringify(rule)})`);
  const [op] = keys;
  const arg = rule[op];
  // `exists` works on leaf nodes only: an object (an intermediate node) does not count as present.
  if (op === 'exists') return arg === true ? value !== ABSENT && !isPlainObject(value) : value === ABSENT;
  if (value === ABSENT) return false;
  switch (op) {
    case 'prefix':
      if (isPlainObject(arg)) return typeof value === 'string' && value.toLowerCase().startsWith(String(arg['equals-ignore-case']).toLowerCase());
      return typeof value === 'string' && value.startsWith(arg as string);
    case 'suffix':
      if (isPlainObject(arg)) return typeof value === 'string' && value.toLowerCase().endsWith(String(arg['equals-ignore-case']).toLowerCase());
      return typeof value === 'string' && value.endsWith(arg as string);
    case 'equals-ignore-case': return typeof value === 'string' && value.toLowerCase() === String(arg).toLowerCase();
    case 'anything-but': return anythingBut(arg, value);
    case 'numeric': return typeof value === 'number' && numericMatch(arg as Json[], value);
    case 'wildcard': return typeof value === 'string' && wildcardMatch(arg as string, value);
    default: throw new Error(`unsupported matching operator '${op}'`);
  }
}

function matchLeaf(rules: Json[], value: Json | typeof ABSENT): boolean {
  if (rules.length === 0) throw new Error('an empty rule array matches nothing and is rejected by AWS');
  if (Array.isArray(value)) {
    if (value.length === 0) return rules.some((r) => matchRule(r, ABSENT));
    return value.some((element) => rules.some((r) => matchRule(r, element)));
  }
  return rules.some((r) => matchRule(r, value));
}

function matchObject(pattern: Pattern, value: Json): boolean {
  return Object.entries(pattern).every(([key, sub]) => {
    if (key.startsWith('$')) throw new Error(`unsupported pattern key '${key}'`);
    const field = isPlainObject(value) && key in value ? value[key] : ABSENT;
    if (Array.isArray(sub)) return matchLeaf(sub, field);
    if (!isPlainObject(sub)) throw new Error(`pattern field '${key}' must be an array or an object (given ${JSON.stringify(sub)})`);
    if (field === ABSENT) return matchObject(sub, undefined);
    if (Array.isArray(field)) return field.some((element) => matchObject(sub, element));
    return matchObject(sub, field);
  });
}

/** EventBridge: does the event (an object) match the event pattern? */
export function matchesEventPattern(pattern: Pattern, event: Json): boolean {
  return matchObject(pattern, event);
}

/** An SNS message as published: a body and optional message attributes. */
export interface SnsMessage {
  readonly body: string;
  readonly attributes?: { [name: string]: { Type: 'String' | 'Number' | 'String.Array'; Value: string } };
}

/** The filter settings of an AWS::SNS::Subscription as synthesized. */
export interface SnsSubscriptionFilter {
  readonly FilterPolicy?: Pattern;
  readonly FilterPolicyScope?: 'MessageAttributes' | 'MessageBody';
}

/** SNS: would a subscription with these filter settings receive the message? */
export function matchesSnsSubscription(subscription: SnsSubscriptionFilter, message: SnsMessage): boolean {
  const policy = subscription.FilterPolicy;
  if (!policy) return true;
  if (subscription.FilterPolicyScope === 'MessageBody') {
    let body: Json;
    try {
      body = JSON.parse(message.body);
    } catch {
      return false; // payload filtering needs a JSON body
    }
    return matchObject(policy, body);
  }
  // SNS: a message without any attribute matches no attribute policy, not even `exists: false`.
  if (Object.keys(message.attributes ?? {}).length === 0) return false;
  const attributes: Record<string, Json> = {};
  for (const [name, attribute] of Object.entries(message.attributes ?? {})) {
    if (attribute.Type === 'Number') attributes[name] = Number(attribute.Value);
    else if (attribute.Type === 'String.Array') attributes[name] = JSON.parse(attribute.Value);
    else attributes[name] = attribute.Value;
  }
  return Object.entries(policy).every(([name, rules]) => {
    if (!Array.isArray(rules)) throw new Error(`attribute policy '${name}' must be an array (nested keys need FilterPolicyScope MessageBody)`);
    return matchLeaf(rules, name in attributes ? attributes[name] : ABSENT);
  });
}
