import { vpcEgressFactsOf } from '../analysis/vpc-placement';
import { vpcEgressRule } from '../rules/vpc';
import type { ModelResource, StackModel } from '../analysis/stack-model';
import type { Finding } from './finding';
import { findingOf } from './finding';

/**
 * Guardrail over VPC placement: a function in a VPC of this app whose subnets have neither a NAT
 * route nor endpoints for the services the library's runtime in it calls (imported VPCs: unknown, silent).
 */
export function checkVpcPlacement(model: StackModel, subject: ModelResource): Finding[] {
  return findingOf(subject, vpcEgressRule.check(vpcEgressFactsOf(model, subject)));
}
