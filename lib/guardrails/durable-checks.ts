import { durableConfigRule, durableSyncTimeoutRule, durableUnqualifiedRule } from '../rules/durable';
import { asList, concreteNumber, type Json, type ModelResource, type StackModel } from '../analysis/stack-model';
import { findingOf, pathOf, type Finding } from './finding';

/** Where each resource type names the function it invokes. */
const INVOKERS: Array<{ type: string; targets: (props: Json) => Json[]; synchronous?: boolean }> = [
  { type: 'AWS::Lambda::Permission', targets: (p) => [p.FunctionName] },
  { type: 'AWS::Lambda::EventSourceMapping', targets: (p) => [p.FunctionName], synchronous: true },
  // A function URL names its alias in `Qualifier`, beside the unqualified ARN.
  { type: 'AWS::Lambda::Url', targets: (p) => (p.Qualifier && p.Qualifier !== '$LATEST' ? [] : [p.TargetFunctionArn]), synchronous: true },
  { type: 'AWS::ApiGatewayV2::Integration', targets: (p) => [p.IntegrationUri], synchronous: true },
  { type: 'AWS::ApiGateway::Method', targets: (p) => [p.Integration?.Uri], synchronous: true },
  { type: 'AWS::Events::Rule', targets: (p) => asList(p.Targets).map((t: Json) => t?.Arn) },
  { type: 'AWS::Scheduler::Schedule', targets: (p) => [p.Target?.Arn] },
  { type: 'AWS::SNS::Subscription', targets: (p) => [p.Endpoint] },
  { type: 'AWS::Pipes::Pipe', targets: (p) => [p.Target] },
  { type: 'AWS::StepFunctions::StateMachine', targets: (p) => [p.DefinitionString, p.Definition] },
];

/**
 * True when `value` uses `fn` itself anywhere: a `Ref`/`Fn::GetAtt` of the function that is not
 * followed, inside an `Fn::Join`, by a `:qualifier` string. Every occurrence counts (a state
 * machine definition may name the function many times).
 */
export function referencesUnqualified(model: StackModel, value: Json, fn: ModelResource): boolean {
  const isFn = (v: Json): boolean => {
    const refs = model.referenced(v);
    return refs.length === 1 && refs[0] === fn && (v?.Ref !== undefined || v?.['Fn::GetAtt'] !== undefined);
  };
  const walk = (v: Json): boolean => {
    if (Array.isArray(v)) return v.some(walk);
    if (!v || typeof v !== 'object') return false;
    if (isFn(v)) return true;
    const join = v['Fn::Join'];
    if (Array.isArray(join) && Array.isArray(join[1])) {
      const parts: Json[] = join[1];
      return parts.some((part, i) => {
        if (!isFn(part)) return walk(part);
        const next = parts[i + 1];
        return !(typeof next === 'string' && next.startsWith(':'));
      });
    }
    return Object.values(v).some(walk);
  };
  return walk(value);
}

/**
 * SPG-DURABLE-UNQUALIFIED, SPG-DURABLE-SYNC-TIMEOUT and SPG-DURABLE-CONFIG over every durable
 * function of the app (a function with `DurableConfig`), whoever wired its triggers: the library,
 * aws-cdk-lib's targets, or an L1 written by hand.
 */
export function checkDurableFunction(model: StackModel, subject: ModelResource): Finding[] {
  if (subject.props.DurableConfig === undefined) return [];
  const config = subject.props.DurableConfig as Json;
  const timeout = concreteNumber(config.ExecutionTimeout);
  const unqualified: string[] = [];
  const synchronous: string[] = [];
  for (const invoker of INVOKERS) {
    for (const resource of model.ofType(invoker.type)) {
      const targets = invoker.targets(resource.props).filter((t) => t !== undefined);
      if (targets.some((t) => referencesUnqualified(model, t, subject))) unqualified.push(pathOf(resource));
      if (invoker.synchronous && targets.some((t) => model.functionOf(t) === subject)) synchronous.push(pathOf(resource));
    }
  }
  return [
    ...findingOf(subject, durableConfigRule.check({ executionTimeoutSeconds: timeout, retentionDays: concreteNumber(config.RetentionPeriodInDays) })),
    ...findingOf(subject, durableUnqualifiedRule.check({ durable: true, unqualifiedCallers: unqualified })),
    ...findingOf(subject, durableSyncTimeoutRule.check({ executionTimeoutSeconds: timeout, synchronousCallers: synchronous })),
  ];
}
