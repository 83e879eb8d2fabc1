import type { ModelResource } from '../analysis/stack-model';
import type { GuardrailRule } from '../rules/ids';
import type { RuleViolation } from '../rules/rule';

/** A problem one rule found on one resource of a synthesized template. */
export interface Finding {
  readonly rule: GuardrailRule;
  /** The resource the finding is reported on. */
  readonly subject: ModelResource;
  /** `<construct path>: <what is wrong>`, as `describeViolation` words it without the fix. */
  readonly description: string;
  /** What to change. */
  readonly fix: string;
  /** True for a rule's "cannot tell" (reported at most as a warning). */
  readonly undetermined?: boolean;
}

/** The construct path of a model entry, as findings name it. */
export const pathOf = (r: ModelResource): string => r.path;

/**
 * A rule's violation on `subject` as a finding (none when the rule found nothing). `label` names
 * the place when it is narrower than the resource (e.g. one state of a state machine).
 */
export function findingOf(subject: ModelResource, violation: RuleViolation | undefined, undetermined = false, label = pathOf(subject)): Finding[] {
  if (!violation) return [];
  return [{
    rule: violation.rule,
    subject,
    description: `${label}: ${violation.message}`,
    fix: violation.fix,
    ...(undetermined ? { undetermined } : {}),
  }];
}
