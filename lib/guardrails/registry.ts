import { checkResource } from './checks';
import { checkStreamMapping } from './stream-checks';
import type { Finding } from './checks';
import type { ModelResource, StackModel } from './stack-model';
import { checkSchedules } from './schedule-checks';
import { checkStateMachineDefinition } from './state-machine-checks';
import { checkVpcPlacement } from './vpc-checks';
import { checkDurableFunction } from './durable-checks';

/**
 * A guardrail check over one resource of a stack: reads the facts a rule of `lib/rules` needs
 * from the resource (and what it references), calls that rule, and returns its findings.
 */
export type GuardrailCheck = (model: StackModel, subject: ModelResource) => Finding[];

/**
 * Every guardrail check `ServerlessGuardrails` runs on each resource. A rule family (streams,
 * schedules, state machines, ...) adds its check here, in a file of its own.
 */
export const GUARDRAIL_CHECKS: GuardrailCheck[] = [
  checkResource,
  checkStreamMapping,
  checkSchedules,
  checkStateMachineDefinition,
  checkVpcPlacement,
  checkDurableFunction,
];
