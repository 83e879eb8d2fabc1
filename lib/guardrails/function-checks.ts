import { apiTimeoutRule, asyncOnFailureRule, functionLogGroupRule, RequestFront } from '../rules/lambda';
import { provisionedAboveReservedRule, provisionedBypassedRule } from '../rules/provisioned';
import type { Finding } from './finding';
import { findingOf, pathOf } from './finding';
import { checkS3Recursion } from './s3-checks';
import { LAMBDA_DEFAULT_TIMEOUT_SECONDS } from './sqs-checks';
import { concreteNumber, Json, ModelResource, StackModel } from '../analysis/stack-model';

/** Principals whose invocations are asynchronous (event invokes with Lambda's retry queue). */
const ASYNC_PRINCIPALS: Record<string, string> = {
  's3.amazonaws.com': 'S3',
  'sns.amazonaws.com': 'SNS',
  'events.amazonaws.com': 'EventBridge',
};

/** Every rule whose subject is a function. */
export function checkFunction(model: StackModel, fn: ModelResource): Finding[] {
  return [
    ...checkAsyncOnFailure(model, fn),
    ...checkFunctionLogGroup(model, fn),
    ...checkApiTimeout(model, fn),
    ...checkProvisionedAboveReserved(model, fn),
    ...checkProvisionedBypassed(model, fn),
    ...checkS3Recursion(model, fn),
  ];
}

/** Permissions of the stack granting `principal`-like services the right to invoke `fn`. */
export function invokersOf(model: StackModel, fn: ModelResource, principals: (p: string) => boolean): ModelResource[] {
  return model.ofType('AWS::Lambda::Permission').filter((perm) => {
    const principal = perm.props.Principal;
    return typeof principal === 'string' && principals(principal) && model.functionOf(perm.props.FunctionName) === fn;
  });
}

function asyncServiceOf(principal: string): string | undefined {
  return Object.entries(ASYNC_PRINCIPALS).find(([p]) => principal === p || principal.startsWith(`${p.split('.')[0]}.`))?.[1];
}

function checkAsyncOnFailure(model: StackModel, fn: ModelResource): Finding[] {
  const invokers = invokersOf(model, fn, (p) => asyncServiceOf(p) !== undefined);
  if (invokers.length === 0) return [];
  const services = [...new Set(invokers.map((p) => asyncServiceOf(p.props.Principal)))].join(', ');
  return findingOf(fn, asyncOnFailureRule.check({
    asyncInvokers: [`${services} (${invokers.map(pathOf).join(', ')})`],
    hasDeadLetterQueue: fn.props.DeadLetterConfig?.TargetArn !== undefined,
    hasOnFailureDestination: model.ofType('AWS::Lambda::EventInvokeConfig').some((config) =>
      model.functionOf(config.props.FunctionName) === fn && config.props.DestinationConfig?.OnFailure?.Destination !== undefined),
  }));
}

/** Explicit retention of a log group named by `name`, through a LogGroup or a LogRetention resource. */
function logGroupsNamed(model: StackModel, matches: (name: Json) => boolean): ModelResource[] {
  return [...model.ofType('AWS::Logs::LogGroup'), ...model.ofType('Custom::LogRetention')]
    .filter((lg) => lg.props.LogGroupName !== undefined && matches(lg.props.LogGroupName));
}

/**
 * CDK's own framework handlers (log retention, bucket notifications, custom resource providers,
 * singleton functions) live under a construct named after a UUID or `Custom::<provider>`: the
 * user cannot give them a log group, so the function log group rule leaves them alone.
 */
function isFrameworkFunction(fn: ModelResource): boolean {
  return fn.path.split('/').some((segment) => /[0-9a-f]{32}$/.test(segment) || segment.startsWith('Custom::'));
}

function checkFunctionLogGroup(model: StackModel, fn: ModelResource): Finding[] {
  if (isFrameworkFunction(fn)) return [];
  const literalName = typeof fn.props.FunctionName === 'string' ? fn.props.FunctionName : undefined;
  const defaultGroup = logGroupsNamed(model, (name) => {
    if (!JSON.stringify(name).includes('/aws/lambda/')) return false;
    if (literalName !== undefined && name === `/aws/lambda/${literalName}`) return true;
    return model.referenced(name).some((r) => r === fn);
  });
  return findingOf(fn, functionLogGroupRule.check({
    hasOwnLogGroup: fn.props.LoggingConfig?.LogGroup !== undefined,
    defaultLogGroupDeclared: defaultGroup.length > 0,
  }));
}

function checkApiTimeout(model: StackModel, fn: ModelResource): Finding[] {
  const gateway = (label: string) => ({ kind: RequestFront.API_GATEWAY, label });
  const fronts = [
    ...invokersOf(model, fn, (p) => p.startsWith('apigateway.')).map((p) => gateway(`API Gateway (${pathOf(p)})`)),
    ...model.ofType('AWS::Lambda::Url').filter((u) => model.functionOf(u.props.TargetFunctionArn) === fn)
      .map((u) => ({ kind: RequestFront.FUNCTION_URL, label: `function URL (${pathOf(u)})` })),
    ...model.ofType('AWS::ApiGatewayV2::Integration').filter((i) => model.functionOf(i.props.IntegrationUri) === fn)
      .map((i) => gateway(`HTTP API integration (${pathOf(i)})`)),
    ...model.ofType('AWS::ApiGateway::Method').filter((m) => model.functionOf(m.props.Integration?.Uri) === fn)
      .map((m) => gateway(`REST API method (${pathOf(m)})`)),
  ];
  return findingOf(fn, apiTimeoutRule.check({
    timeoutSeconds: concreteNumber(fn.props.Timeout ?? LAMBDA_DEFAULT_TIMEOUT_SECONDS),
    fronts,
  }));
}

function provisionedOf(r: ModelResource): number | undefined {
  return concreteNumber(r.props.ProvisionedConcurrencyConfig?.ProvisionedConcurrentExecutions);
}

/** Aliases and versions of `fn` with (concrete) provisioned concurrency. */
function provisionedConfigsOf(model: StackModel, fn: ModelResource): ModelResource[] {
  return [...model.ofType('AWS::Lambda::Alias'), ...model.ofType('AWS::Lambda::Version')]
    .filter((r) => provisionedOf(r) !== undefined && model.functionOf(r.props.FunctionName) === fn);
}

function checkProvisionedAboveReserved(model: StackModel, fn: ModelResource): Finding[] {
  const configs = provisionedConfigsOf(model, fn);
  if (configs.length === 0) return [];
  return findingOf(fn, provisionedAboveReservedRule.check({
    provisioned: configs.reduce((sum, r) => sum + provisionedOf(r)!, 0),
    reserved: concreteNumber(fn.props.ReservedConcurrentExecutions),
    provisionedOn: configs.map((r) => `${pathOf(r)}: ${provisionedOf(r)}`),
  }));
}

/**
 * True when `value` names `fn` itself, not one of its aliases or versions: `Ref`/`Fn::GetAtt` of the
 * function not followed, inside an `Fn::Join`, by a `:qualifier` string.
 */
function isUnqualified(model: StackModel, value: Json, fn: ModelResource): boolean {
  const direct = (v: Json): boolean => model.referenced(v).length === 1 && model.referenced(v)[0] === fn;
  const join = value?.['Fn::Join'];
  if (Array.isArray(join) && Array.isArray(join[1])) {
    const parts: Json[] = join[1];
    const at = parts.findIndex((p) => direct(p));
    if (at < 0) return false;
    const next = parts[at + 1];
    return !(typeof next === 'string' && next.startsWith(':'));
  }
  return direct(value);
}

/** True when a function URL serves `fn` itself ($LATEST): no `Qualifier`, or `$LATEST`, beside an unqualified ARN. */
function isUnqualifiedUrl(model: StackModel, url: ModelResource, fn: ModelResource): boolean {
  const qualifier = url.props.Qualifier;
  return (qualifier === undefined || qualifier === '$LATEST') && isUnqualified(model, url.props.TargetFunctionArn, fn);
}

function checkProvisionedBypassed(model: StackModel, fn: ModelResource): Finding[] {
  const provisioned = provisionedConfigsOf(model, fn);
  if (provisioned.length === 0) return [];
  const callers = [
    ...model.ofType('AWS::Lambda::Permission').filter((p) => isUnqualified(model, p.props.FunctionName, fn)),
    ...model.ofType('AWS::Lambda::EventSourceMapping').filter((m) => isUnqualified(model, m.props.FunctionName, fn)),
    // A function URL names its alias or version in `Qualifier`, beside the unqualified function ARN.
    ...model.ofType('AWS::Lambda::Url').filter((u) => isUnqualifiedUrl(model, u, fn)),
    ...model.ofType('AWS::ApiGatewayV2::Integration').filter((i) => isUnqualified(model, i.props.IntegrationUri, fn)),
    ...model.ofType('AWS::ApiGateway::Method').filter((m) => isUnqualified(model, m.props.Integration?.Uri, fn)),
  ];
  return findingOf(fn, provisionedBypassedRule.check({
    provisionedOn: provisioned.map(pathOf),
    unqualifiedCallers: callers.map(pathOf),
  }));
}
