import { Duration, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { addAcknowledgeableWarning } from './annotations';

/** Prefix of every warning id this library emits, so users can acknowledge them by id. */
export const WARNING_ID_PREFIX = 'cdk-serverless-patterns';

/** Anything with a construct path: a construct, or the path a construct is about to get. */
export interface PathScope {
  readonly node: { readonly path: string };
}

/** The path a construct `id` under `scope` will have: lets checks run before it is created. */
export function pathOf(scope: IConstruct, id: string): PathScope {
  return { node: { path: scope.node.path ? `${scope.node.path}/${id}` : id } };
}

/**
 * Throws an error that names the construct path, the prop, the rule it broke and the fix.
 * Thrown from the constructor so the stack trace points at the user's instantiation.
 */
export function invalidProp(scope: PathScope, prop: string, rule: string, fix: string): never {
  throw new Error(invalidPropMessage(scope, prop, rule, fix));
}

/** The text of an `invalidProp` error: `<path>: invalid prop '<prop>': <rule>. Fix: <fix>`. */
export function invalidPropMessage(scope: PathScope, prop: string, rule: string, fix: string): string {
  return `${scope.node.path}: invalid prop '${prop}': ${rule}. Fix: ${fix}`;
}

/** `value` must be an integer in [min, max]; tokens are skipped (they resolve at deploy time). */
export function validateIntegerRange(
  scope: PathScope, prop: string, value: number | undefined, min: number, max: number, fix?: string,
): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    invalidProp(scope, prop, `must be an integer between ${min} and ${max} inclusive (given ${value})`,
      fix ?? `set ${prop} to a value between ${min} and ${max}`);
  }
}

/** `value` must lie in [min, max]; unresolved durations are skipped. */
export function validateDurationRange(
  scope: PathScope, prop: string, value: Duration | undefined, min: Duration, max: Duration, fix?: string,
): void {
  if (value === undefined || value.isUnresolved()) return;
  // Milliseconds: toSeconds() throws on sub-second values such as Duration.millis(500).
  const millis = value.toMilliseconds();
  if (millis < min.toMilliseconds() || millis > max.toMilliseconds()) {
    invalidProp(scope, prop,
      `must be between ${min.toHumanString()} and ${max.toHumanString()} (given ${value.toHumanString()})`,
      fix ?? `set ${prop} between ${min.toHumanString()} and ${max.toHumanString()}`);
  }
}

/** True when every argument is a concrete number (not a token, not undefined). */
export function areResolved(...values: Array<number | undefined>): boolean {
  return values.every((v) => v !== undefined && !Token.isUnresolved(v));
}

/**
 * Adds a warning users can acknowledge with
 * `Annotations.of(scope).acknowledgeWarning('<id>', reason)`.
 */
export function warn(scope: IConstruct, id: string, message: string): void {
  addAcknowledgeableWarning(scope, `${WARNING_ID_PREFIX}:${id}`, message);
}

/** Names must be unique, non-empty and usable inside construct ids and resource names. */
export function validateUniqueNames(scope: PathScope, prop: string, names: string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(name)) {
      invalidProp(scope, prop, `name '${name}' must be 1-64 letters, digits, '-' or '_', starting with a letter or digit`,
        'rename it, e.g. \'virus-scan\'');
    }
    if (seen.has(name)) {
      invalidProp(scope, prop, `name '${name}' is used more than once`, 'give every entry a unique name');
    }
    seen.add(name);
  }
}

/** Units a resource property takes a duration in. */
export type DurationUnit = 'millis' | 'seconds' | 'minutes' | 'hours' | 'days';

const CONVERT: Record<DurationUnit, (d: Duration) => number> = {
  millis: (d) => d.toMilliseconds(),
  seconds: (d) => d.toSeconds(),
  minutes: (d) => d.toMinutes(),
  hours: (d) => d.toHours(),
  days: (d) => d.toDays(),
};

/**
 * A token duration converts only to the unit it was made in (CloudFormation cannot multiply), so
 * a property written in `unit` needs the token in that unit: a clear error naming the prop, where
 * aws-cdk-lib would throw one naming neither prop nor construct.
 */
export function requireTokenUnit(scope: PathScope, prop: string, value: Duration | undefined, unit: DurationUnit, why: string): void {
  if (value === undefined || !value.isUnresolved()) return;
  try {
    CONVERT[unit](value);
  } catch {
    invalidProp(scope, prop, `is a token in a unit other than ${unit}, and ${why} is set in ${unit}: CloudFormation cannot convert a parameter`,
      `give it as Duration.${unit}(param.valueAsNumber)`);
  }
}

/**
 * An idempotency TTL: whole seconds (the runtime reads `IDEMPOTENCY_TTL_SECONDS`, an integer),
 * at least 1 second (0 or a fraction made the runtime fall back to its default silently), at most
 * `max` (the longest a record can be delivered again, given by the construct). Tokens are skipped;
 * a token must be in seconds.
 */
export function validateIdempotencyTtl(scope: PathScope, prop: string, ttl: Duration | undefined, max: Duration, why: string): void {
  if (ttl === undefined) return;
  requireTokenUnit(scope, prop, ttl, 'seconds', 'IDEMPOTENCY_TTL_SECONDS');
  if (ttl.isUnresolved()) return;
  const millis = ttl.toMilliseconds({ integral: false });
  if (millis < 1000 || millis > max.toMilliseconds()) {
    invalidProp(scope, prop, `must be between 1 second and ${max.toHumanString()} (given ${ttl.toHumanString()}): ${why}`,
      `set ${prop} to how long a delivery can be repeated, e.g. Duration.hours(1)`);
  }
  if (millis % 1000 !== 0) {
    invalidProp(scope, prop, `must be a whole number of seconds (given ${millis} milliseconds)`,
      `round ${prop} to whole seconds, e.g. Duration.seconds(${Math.round(millis / 1000)})`);
  }
}
