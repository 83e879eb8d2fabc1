import type { IConstruct } from 'constructs';
import type { PathScope } from '../core/validation';
import { invalidProp, invalidPropMessage, warn } from '../core/validation';
import { GuardrailRule, GuardrailSeverity } from './ids';

/**
 * What one rule found: the rule, what is wrong (with the values that make it wrong) and the fix.
 * The same violation becomes a synth error in a construct and a guardrail annotation in the app.
 */
export interface RuleViolation {
  readonly rule: GuardrailRule;
  /** What is wrong and why it matters, without the resource path (the caller adds it). */
  readonly message: string;
  /** What to change, naming props or values. */
  readonly fix: string;
}

/**
 * One rule of the library, written once: a pure function over a small model of the resources it
 * judges (`F`, plain numbers and flags, never constructs), with its id and default severity.
 * Constructs call `check` on their own props and throw (`enforce`); `ServerlessGuardrails` calls
 * it on facts read from any resource of the app and annotates.
 */
export interface Rule<F> {
  readonly id: GuardrailRule;
  readonly defaultSeverity: GuardrailSeverity;
  /** One line: what the rule asks for (shown in docs and tests). */
  readonly summary: string;
  /** The violation, or undefined when the facts comply or cannot be judged (unknown values). */
  check(facts: F): RuleViolation | undefined;
}

/** Declares a rule; `check` must treat `undefined` facts as "cannot tell" and return no violation. */
export function defineRule<F>(rule: Rule<F>): Rule<F> {
  return rule;
}

/**
 * A construct's side of a rule: throws the violation as an error that names the construct path
 * and the prop the user set (or left at a default that breaks the rule).
 */
export function enforce(scope: PathScope, prop: string, violation: RuleViolation | undefined): void {
  if (violation) invalidProp(scope, prop, violation.message, violation.fix);
}

/** A guardrail's side of a rule: the annotation text, `<resource path>: <message>. Fix: <fix>`. */
export function describeViolation(path: string, violation: RuleViolation): string {
  return `${path}: ${violation.message}. Fix: ${violation.fix}`;
}

/**
 * A construct's side of a warning-severity rule (or of a rule's "cannot tell"): a warning on the
 * construct, acknowledgeable as `cdk-serverless-patterns:<rule id>`.
 */
export function advise(scope: IConstruct, prop: string, violation: RuleViolation | undefined): void {
  if (violation) warn(scope, violation.rule, `invalid prop '${prop}': ${violation.message}. Fix: ${violation.fix}`);
}

/** The error `enforce` would throw, as text: for construct validations that collect errors (`node.addValidation`). */
export function violationError(scope: PathScope, prop: string, violation: RuleViolation): string {
  return invalidPropMessage(scope, prop, violation.message, violation.fix);
}
