import type { ModelResource, StackModel } from '../analysis/stack-model';
import { checkDurableFunction } from './durable-checks';
import type { Finding } from './finding';
import { checkFunction } from './function-checks';
import { checkAlias, checkLogGroup, checkStateMachine } from './resource-checks';
import { checkScheduledRule, checkSchedule } from './schedule-checks';
import { checkEventSourceMapping, checkQueue } from './sqs-checks';
import { checkStateMachineDefinition } from './state-machine-checks';
import { checkStreamMapping } from './stream-checks';
import { checkVpcPlacement } from './vpc-checks';

/**
 * A guardrail check over one resource of a synthesized template: reads the facts a rule of
 * `lib/rules` needs from the resource (and what it references) and calls that rule. No rule is
 * decided here.
 */
export type GuardrailCheck = (model: StackModel, subject: ModelResource) => Finding[];

/**
 * The one dispatch of the guardrails: the checks of each CloudFormation resource type. A rule
 * family (streams, schedules, state machines, ...) adds its check here, in a file of its own.
 */
const CHECKS_BY_TYPE: Record<string, GuardrailCheck[]> = {
  'AWS::Lambda::EventSourceMapping': [checkEventSourceMapping, checkStreamMapping],
  'AWS::SQS::Queue': [checkQueue],
  'AWS::Lambda::Function': [checkFunction, checkVpcPlacement, checkDurableFunction],
  'AWS::Logs::LogGroup': [(_model, subject) => checkLogGroup(subject)],
  'AWS::Lambda::Alias': [(_model, subject) => checkAlias(subject)],
  'AWS::StepFunctions::StateMachine': [(_model, subject) => checkStateMachine(subject), checkStateMachineDefinition],
  'AWS::Scheduler::Schedule': [(_model, subject) => checkSchedule(subject)],
  'AWS::Events::Rule': [checkScheduledRule],
};

/** Every finding of every check on one resource of `model`. */
export function checkResource(model: StackModel, subject: ModelResource): Finding[] {
  return (CHECKS_BY_TYPE[subject.type] ?? []).flatMap((check) => check(model, subject));
}
