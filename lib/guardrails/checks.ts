import type { GuardrailRule } from '../rules/ids';
import { describeViolation, RuleViolation } from '../rules/rule';
import type { ModelResource, StackModel } from './stack-model';
import { checkFunction } from './function-checks';
import { checkAlias, checkLogGroup, checkStateMachine } from './resource-checks';
import { checkEventSourceMapping, checkQueue } from './sqs-checks';

/** A problem one rule found on one resource. */
export interface Finding {
  readonly rule: GuardrailRule;
  readonly message: string;
  /** True for a rule's "cannot tell" (reported at most as a warning). */
  readonly undetermined?: boolean;
}

/** The resource path of a model entry, as findings name it. */
export const pathOf = (r: ModelResource): string => r.resource.node.path;

/** A rule's violation on `subject` as a finding (none when the rule found nothing). */
export function findingOf(subject: ModelResource, violation: RuleViolation | undefined, undetermined = false): Finding[] {
  if (!violation) return [];
  return [{ rule: violation.rule, message: describeViolation(pathOf(subject), violation), ...(undetermined ? { undetermined } : {}) }];
}

/**
 * The adapters of the library's own rules (`lib/rules`): each reads the facts a rule needs from a
 * resource (and what it references) and calls that rule. No rule is decided here.
 */
export function checkResource(model: StackModel, subject: ModelResource): Finding[] {
  switch (subject.type) {
    case 'AWS::Lambda::EventSourceMapping': return checkEventSourceMapping(model, subject);
    case 'AWS::SQS::Queue': return checkQueue(model, subject);
    case 'AWS::Lambda::Function': return checkFunction(model, subject);
    case 'AWS::Logs::LogGroup': return checkLogGroup(subject);
    case 'AWS::Lambda::Alias': return checkAlias(subject);
    case 'AWS::StepFunctions::StateMachine': return checkStateMachine(subject);
    default: return [];
  }
}
