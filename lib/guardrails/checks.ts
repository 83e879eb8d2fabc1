import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { minimumVisibilityTimeout } from '../core/rules';
import { GuardrailRule } from '../rules/ids';
import { asList, concreteNumber, Json, ModelResource, StackModel } from './stack-model';

/** A problem one rule found on one resource. */
export interface Finding {
  readonly rule: GuardrailRule;
  readonly message: string;
}

/** Lambda's defaults when a template leaves a property out. */
const LAMBDA_DEFAULT_TIMEOUT_SECONDS = 3;
const SQS_DEFAULT_VISIBILITY_SECONDS = 30;
const LAMBDA_MAX_TIMEOUT_SECONDS = 900;

/** Principals whose invocations are asynchronous (event invokes with Lambda's retry queue). */
const ASYNC_PRINCIPALS: Record<string, string> = {
  's3.amazonaws.com': 'S3',
  'sns.amazonaws.com': 'SNS',
  'events.amazonaws.com': 'EventBridge',
};

const path = (r: ModelResource): string => r.resource.node.path;

/** Runs every check whose subject is `subject`; returns its findings. */
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

// ---------------------------------------------------------------------------------------------
// SQS event sources

/** True when a mapping reads from SQS: its ARN says so, or it has none of the stream/broker settings. */
function isSqsMapping(model: StackModel, esm: ModelResource): boolean {
  const arn = esm.props.EventSourceArn;
  const targets = model.referenced(arn);
  if (targets.length > 0) return targets.some((t) => t.type === 'AWS::SQS::Queue');
  if (JSON.stringify(arn ?? '').includes(':sqs:')) return true;
  if (arn === undefined) return false; // self-managed Kafka
  // Unknown ARN (imported, parameter): only SQS mappings have no position, topics or broker queues.
  const p = esm.props;
  return p.StartingPosition === undefined && p.Topics === undefined && p.Queues === undefined
    && p.SelfManagedEventSource === undefined && p.DocumentDBEventSourceConfig === undefined;
}

function sourceQueueOf(model: StackModel, esm: ModelResource): ModelResource | undefined {
  return model.referenced(esm.props.EventSourceArn).find((t) => t.type === 'AWS::SQS::Queue');
}

function checkEventSourceMapping(model: StackModel, esm: ModelResource): Finding[] {
  if (!isSqsMapping(model, esm)) return [];
  const findings: Finding[] = [];
  const types = asList(esm.props.FunctionResponseTypes);
  if (!types.includes('ReportBatchItemFailures')) {
    findings.push({
      rule: GuardrailRule.SQS_PARTIAL_BATCH_RESPONSE,
      message: `${path(esm)}: the SQS event source mapping does not report batch item failures, so one failed record `
        + 'makes the whole batch visible again and every record in it is processed again. '
        + 'Fix: set reportBatchItemFailures: true on the event source and return { batchItemFailures } from the handler '
        + '(SqsWorker does both).',
    });
  }

  const queue = sourceQueueOf(model, esm);
  const fn = model.functionOf(esm.props.FunctionName);
  const maxConcurrency = concreteNumber(esm.props.ScalingConfig?.MaximumConcurrency);
  const reserved = fn ? concreteNumber(fn.props.ReservedConcurrentExecutions) : undefined;
  if (fn && maxConcurrency !== undefined && reserved !== undefined && maxConcurrency > reserved) {
    findings.push({
      rule: GuardrailRule.SQS_MAX_CONCURRENCY,
      message: `${path(esm)}: maximum concurrency ${maxConcurrency} of the SQS event source exceeds the reserved concurrency `
        + `${reserved} of ${path(fn)}: the poller invokes beyond the reserve, gets throttled, and throttled batches count as `
        + `receives that push healthy messages toward the dead-letter queue. Fix: lower maxConcurrency to ${reserved} or `
        + `raise reservedConcurrentExecutions to ${maxConcurrency}.`,
    });
  }
  if (queue && fn) {
    const timeout = concreteNumber(fn.props.Timeout ?? LAMBDA_DEFAULT_TIMEOUT_SECONDS);
    const visibility = concreteNumber(queue.props.VisibilityTimeout ?? SQS_DEFAULT_VISIBILITY_SECONDS);
    const window = concreteNumber(esm.props.MaximumBatchingWindowInSeconds ?? 0);
    if (timeout !== undefined && visibility !== undefined && window !== undefined) {
      const minimum = minimumVisibilityTimeout(Duration.seconds(timeout), Duration.seconds(window)).toSeconds();
      if (visibility < minimum) {
        findings.push({
          rule: GuardrailRule.SQS_VISIBILITY_TIMEOUT,
          message: `${path(esm)}: queue ${path(queue)} has a visibility timeout of ${visibility} s, below 6 x the timeout of `
            + `${path(fn)} (${timeout} s) + batching window (${window} s) = ${minimum} s: messages still being processed `
            + `become visible again and are processed twice. Fix: set the queue's visibilityTimeout to at least `
            + `Duration.seconds(${minimum}), or lower the function timeout.`,
        });
      }
    }
  }
  return findings;
}

function checkQueue(model: StackModel, queue: ModelResource): Finding[] {
  const consumers = model.ofType('AWS::Lambda::EventSourceMapping')
    .filter((esm) => sourceQueueOf(model, esm) === queue);
  if (consumers.length === 0 || queue.props.RedrivePolicy !== undefined) return [];
  return [{
    rule: GuardrailRule.SQS_SOURCE_REDRIVE,
    message: `${path(queue)}: this queue feeds Lambda (${consumers.map(path).join(', ')}) but has no redrive policy: a `
      + 'record that always fails is retried until the retention period ends and is then lost, blocking its batch '
      + 'each time. Fix: give the queue a deadLetterQueue ({ queue: dlq, maxReceiveCount: 5 }), or use SqsWorker.',
  }];
}

// ---------------------------------------------------------------------------------------------
// Functions

function checkFunction(model: StackModel, fn: ModelResource): Finding[] {
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
function invokersOf(model: StackModel, fn: ModelResource, principals: (p: string) => boolean): ModelResource[] {
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
  if (fn.props.DeadLetterConfig?.TargetArn !== undefined) return [];
  const hasOnFailure = model.ofType('AWS::Lambda::EventInvokeConfig').some((config) =>
    model.functionOf(config.props.FunctionName) === fn
    && config.props.DestinationConfig?.OnFailure?.Destination !== undefined);
  if (hasOnFailure) return [];
  const services = [...new Set(invokers.map((p) => asyncServiceOf(p.props.Principal)))].join(', ');
  return [{
    rule: GuardrailRule.ASYNC_ON_FAILURE,
    message: `${path(fn)}: invoked asynchronously by ${services} (${invokers.map(path).join(', ')}) but has neither an `
      + 'on-failure destination nor a dead-letter queue: after Lambda\'s retries an event that still fails is dropped '
      + 'without a trace. Fix: set onFailure (e.g. new SqsDestination(queue)) on the function or alias, or a '
      + 'deadLetterQueue; AsyncFunction does this by default.',
  }];
}

/** Explicit retention of a log group named by `name`, through a LogGroup or a LogRetention resource. */
function logGroupsNamed(model: StackModel, matches: (name: Json) => boolean): ModelResource[] {
  return [...model.ofType('AWS::Logs::LogGroup'), ...model.ofType('Custom::LogRetention')]
    .filter((lg) => lg.props.LogGroupName !== undefined && matches(lg.props.LogGroupName));
}

/**
 * CDK's own framework handlers (log retention, bucket notifications, custom resource providers,
 * singleton functions) are raw `CfnResource`s or singletons named after a UUID: the user cannot
 * give them a log group, so the function log group rule leaves them alone.
 */
function isFrameworkFunction(fn: ModelResource): boolean {
  return !(fn.resource instanceof lambda.CfnFunction) || /[0-9a-f]{32}$/.test(fn.resource.node.scope?.node.id ?? '');
}

function checkFunctionLogGroup(model: StackModel, fn: ModelResource): Finding[] {
  if (isFrameworkFunction(fn)) return [];
  if (fn.props.LoggingConfig?.LogGroup !== undefined) return []; // its own group: checked as a LogGroup
  const literalName = typeof fn.props.FunctionName === 'string' ? fn.props.FunctionName : undefined;
  const defaultGroup = logGroupsNamed(model, (name) => {
    const text = JSON.stringify(name);
    if (!text.includes('/aws/lambda/')) return false;
    if (literalName !== undefined && name === `/aws/lambda/${literalName}`) return true;
    return model.referenced(name).some((r) => r === fn);
  });
  if (defaultGroup.length > 0) return []; // the default group is declared: its retention is checked there
  return [{
    rule: GuardrailRule.FUNCTION_LOG_GROUP,
    message: `${path(fn)}: the function logs to Lambda's default log group /aws/lambda/<function name>, which Lambda `
      + 'creates with retention "never expire": logs are stored and billed forever. Fix: pass a logGroup '
      + '(new logs.LogGroup(this, \'Logs\', { retention: logs.RetentionDays.ONE_MONTH })) to the function.',
  }];
}

function checkApiTimeout(model: StackModel, fn: ModelResource): Finding[] {
  const timeout = concreteNumber(fn.props.Timeout ?? LAMBDA_DEFAULT_TIMEOUT_SECONDS);
  if (timeout === undefined || timeout < LAMBDA_MAX_TIMEOUT_SECONDS) return [];
  const fronts = [
    ...invokersOf(model, fn, (p) => p.startsWith('apigateway.')).map((p) => `API Gateway (${path(p)})`),
    ...model.ofType('AWS::Lambda::Url').filter((u) => model.functionOf(u.props.TargetFunctionArn) === fn)
      .map((u) => `function URL (${path(u)})`),
    ...model.ofType('AWS::ApiGatewayV2::Integration').filter((i) => model.functionOf(i.props.IntegrationUri) === fn)
      .map((i) => `HTTP API integration (${path(i)})`),
    ...model.ofType('AWS::ApiGateway::Method').filter((m) => model.functionOf(m.props.Integration?.Uri) === fn)
      .map((m) => `REST API method (${path(m)})`),
  ];
  if (fronts.length === 0) return [];
  return [{
    rule: GuardrailRule.API_TIMEOUT,
    message: `${path(fn)}: timeout is 15 minutes but the function answers requests through ${[...new Set(fronts)].join(', ')}: `
      + 'API Gateway gives up after 29 s while the function keeps running (and billing), clients retry and the work '
      + 'runs twice. Fix: set the timeout to what a request needs (at most 29 s behind API Gateway) and hand long work '
      + 'to a queue or state machine (SqsWorker, AsyncFunction, SagaStateMachine).',
  }];
}

function provisionedOf(r: ModelResource): number | undefined {
  return concreteNumber(r.props.ProvisionedConcurrencyConfig?.ProvisionedConcurrentExecutions);
}

function checkProvisionedAboveReserved(model: StackModel, fn: ModelResource): Finding[] {
  const reserved = concreteNumber(fn.props.ReservedConcurrentExecutions);
  if (reserved === undefined) return [];
  const configs = [...model.ofType('AWS::Lambda::Alias'), ...model.ofType('AWS::Lambda::Version')]
    .filter((r) => provisionedOf(r) !== undefined && model.functionOf(r.props.FunctionName) === fn);
  const total = configs.reduce((sum, r) => sum + provisionedOf(r)!, 0);
  if (total <= reserved) return [];
  return [{
    rule: GuardrailRule.PROVISIONED_ABOVE_RESERVED,
    message: `${path(fn)}: provisioned concurrency ${total} (${configs.map((r) => `${path(r)}: ${provisionedOf(r)}`).join(', ')}) `
      + `exceeds the function's reserved concurrency ${reserved}: Lambda rejects the deployment, and the reserve could `
      + `not serve the provisioned environments anyway. Fix: lower provisioned concurrency to at most ${reserved} or `
      + `raise reservedConcurrentExecutions to at least ${total}.`,
  }];
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
  const provisioned = [...model.ofType('AWS::Lambda::Alias'), ...model.ofType('AWS::Lambda::Version')]
    .filter((r) => provisionedOf(r) !== undefined && model.functionOf(r.props.FunctionName) === fn);
  if (provisioned.length === 0) return [];
  const callers = [
    ...model.ofType('AWS::Lambda::Permission').filter((p) => isUnqualified(model, p.props.FunctionName, fn)),
    ...model.ofType('AWS::Lambda::EventSourceMapping').filter((m) => isUnqualified(model, m.props.FunctionName, fn)),
    // A function URL names its alias or version in `Qualifier`, beside the unqualified function ARN.
    ...model.ofType('AWS::Lambda::Url').filter((u) => isUnqualifiedUrl(model, u, fn)),
    ...model.ofType('AWS::ApiGatewayV2::Integration').filter((i) => isUnqualified(model, i.props.IntegrationUri, fn)),
    ...model.ofType('AWS::ApiGateway::Method').filter((m) => isUnqualified(model, m.props.Integration?.Uri, fn)),
  ];
  if (callers.length === 0) return [];
  return [{
    rule: GuardrailRule.PROVISIONED_BYPASSED,
    message: `${path(fn)}: provisioned concurrency is configured on ${provisioned.map(path).join(', ')}, but `
      + `${callers.map(path).join(', ')} invoke${callers.length === 1 ? 's' : ''} the unqualified function ($LATEST), which never `
      + 'uses it: those requests cold-start while the provisioned environments idle and are billed. Fix: point the '
      + 'trigger at the alias (e.g. new HttpLambdaIntegration(\'Api\', alias), alias.addEventSource(...)).',
  }];
}

// ---------------------------------------------------------------------------------------------
// S3 triggers on a bucket the function writes to

/** (bucket, function) pairs of S3 event notifications declared in the stack. */
function s3Triggers(model: StackModel): Array<{ bucket: ModelResource; fn: ModelResource; events: string[] }> {
  const pairs: Array<{ bucket: ModelResource; fn: ModelResource; events: string[] }> = [];
  for (const custom of model.ofType('Custom::S3BucketNotifications')) {
    const bucket = model.referenced(custom.props.BucketName).find((r) => r.type === 'AWS::S3::Bucket');
    for (const config of asList(custom.props.NotificationConfiguration?.LambdaFunctionConfigurations)) {
      const fn = model.functionOf(config.LambdaFunctionArn);
      if (bucket && fn) pairs.push({ bucket, fn, events: asList(config.Events) });
    }
  }
  for (const bucket of model.ofType('AWS::S3::Bucket')) {
    for (const config of asList(bucket.props.NotificationConfiguration?.LambdaConfigurations)) {
      const fn = model.functionOf(config.Function);
      if (fn) pairs.push({ bucket, fn, events: asList(config.Event) });
    }
  }
  return pairs;
}

/** Policy statements of the function's execution role, when the role is in the stack. */
function roleStatements(model: StackModel, fn: ModelResource): Json[] {
  const role = model.referenced(fn.props.Role).find((r) => r.type === 'AWS::IAM::Role');
  if (!role) return [];
  const documents: Json[] = asList(role.props.Policies).map((p: Json) => p.PolicyDocument);
  for (const policy of [...model.ofType('AWS::IAM::Policy'), ...model.ofType('AWS::IAM::ManagedPolicy')]) {
    if (model.referenced(policy.props.Roles).includes(role)) documents.push(policy.props.PolicyDocument);
  }
  return documents.flatMap((d) => asList(d?.Statement));
}

function actionMatches(pattern: Json, action: string): boolean {
  if (typeof pattern !== 'string') return false;
  const regex = new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.?+^$()[\]{}|\\]/g, '\\$&')).join('.*')}$`, 'i');
  return regex.test(action);
}

/** True when one statement allows `action` on `bucket` (by reference, or by `*`). */
function allowsOnBucket(model: StackModel, statement: Json, action: string, bucket: ModelResource): boolean {
  if (statement?.Effect !== 'Allow') return false;
  if (!asList(statement.Action).some((a) => actionMatches(a, action))) return false;
  const literalName = typeof bucket.props.BucketName === 'string' ? bucket.props.BucketName : undefined;
  // `arn:aws:s3:::images/*` or `:::images*` names bucket `images`; `:::images-thumbnails/*` does not.
  const literalArn = literalName !== undefined
    ? new RegExp(`:::${literalName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([/*"]|$)`) : undefined;
  return asList(statement.Resource).some((res) => res === '*'
    || model.referenced(res).includes(bucket)
    || (literalArn !== undefined && literalArn.test(JSON.stringify(res))));
}

function checkS3Recursion(model: StackModel, fn: ModelResource): Finding[] {
  const buckets = s3Triggers(model).filter((t) => t.fn === fn).filter(({ bucket, events }) => {
    const statements = roleStatements(model, fn);
    const created = events.some((e) => /ObjectCreated/.test(e));
    const removed = events.some((e) => /ObjectRemoved/.test(e));
    return statements.some((s) => (created && allowsOnBucket(model, s, 's3:PutObject', bucket))
      || (removed && allowsOnBucket(model, s, 's3:DeleteObject', bucket)));
  }).map((t) => t.bucket);
  if (buckets.length === 0) return [];
  return [{
    rule: GuardrailRule.S3_RECURSIVE_TRIGGER,
    message: `${path(fn)}: triggered by S3 events of ${[...new Set(buckets.map(path))].join(', ')} and allowed to write `
      + 'to the same bucket: each object it writes triggers it again, a recursive loop that runs (and bills) until '
      + 'stopped. Fix: write to another bucket, or filter the notification to a prefix the function never writes to '
      + 'and acknowledge this rule with that reason.',
  }];
}

// ---------------------------------------------------------------------------------------------
// Other resources

function checkLogGroup(logGroup: ModelResource): Finding[] {
  if (logGroup.props.RetentionInDays !== undefined) return [];
  return [{
    rule: GuardrailRule.LOG_RETENTION,
    message: `${path(logGroup)}: the log group has no retention, so logs never expire and are billed forever. `
      + 'Fix: set retention (e.g. logs.RetentionDays.ONE_MONTH).',
  }];
}

function checkAlias(alias: ModelResource): Finding[] {
  if (provisionedOf(alias) === undefined || alias.props.FunctionVersion !== '$LATEST') return [];
  return [{
    rule: GuardrailRule.PROVISIONED_ON_LATEST,
    message: `${path(alias)}: provisioned concurrency on an alias of $LATEST: Lambda only provisions published `
      + 'versions and rejects the deployment. Fix: point the alias at a version (fn.currentVersion) and configure '
      + 'provisioned concurrency there.',
  }];
}

function checkStateMachine(machine: ModelResource): Finding[] {
  if (machine.props.StateMachineType !== 'EXPRESS') return [];
  const logging = machine.props.LoggingConfiguration;
  if (logging && logging.Level !== undefined && logging.Level !== 'OFF' && asList(logging.Destinations).length > 0) return [];
  return [{
    rule: GuardrailRule.EXPRESS_STATE_MACHINE_LOGGING,
    message: `${path(machine)}: EXPRESS state machine without logging: Step Functions keeps no execution history for `
      + 'EXPRESS workflows, so a failed execution leaves no trace. Fix: set logs: { destination: logGroup, level: '
      + 'sfn.LogLevel.ERROR } (with a retention on the log group).',
  }];
}
