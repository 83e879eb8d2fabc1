import { expressLoggingRule } from '../rules/express-logging';
import { logRetentionRule } from '../rules/lambda';
import { provisionedOnLatestRule } from '../rules/provisioned';
import { asList, concreteNumber, ModelResource } from '../analysis/stack-model';
import type { Finding } from './finding';
import { findingOf } from './finding';

/** A log group has a retention. */
export function checkLogGroup(logGroup: ModelResource): Finding[] {
  return findingOf(logGroup, logRetentionRule.check({
    neverExpires: logGroup.props.RetentionInDays === undefined,
    retentionDays: concreteNumber(logGroup.props.RetentionInDays),
  }));
}

/** Provisioned concurrency is not on an alias of $LATEST. */
export function checkAlias(alias: ModelResource): Finding[] {
  return findingOf(alias, provisionedOnLatestRule.check({
    provisioned: concreteNumber(alias.props.ProvisionedConcurrencyConfig?.ProvisionedConcurrentExecutions),
    functionVersion: typeof alias.props.FunctionVersion === 'string' ? alias.props.FunctionVersion : undefined,
  }));
}

/** An EXPRESS state machine logs. */
export function checkStateMachine(machine: ModelResource): Finding[] {
  const logging = machine.props.LoggingConfiguration;
  return findingOf(machine, expressLoggingRule.check({
    stateMachineType: machine.props.StateMachineType,
    level: logging?.Level,
    destinations: asList(logging?.Destinations).length,
  }));
}
