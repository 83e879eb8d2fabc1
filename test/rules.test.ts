import { readdirSync, readFileSync } from 'fs';
import * as ts from 'typescript';
import { join } from 'path';
import { CfnParameter, Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { roleAccessToBucketObjects } from '../lib/analysis/construct-access';
import { writeFacts } from '../lib/analysis/iam';
import {
  ALL_RULES, apiTimeoutRule, asyncOnFailureRule, DEFAULT_SEVERITIES, describeViolation, enforce, expressLoggingRule,
  functionLogGroupRule, GuardrailRule, logRetentionRule, provisionedAboveReservedRule, provisionedBypassedRule,
  provisionedOnLatestRule, RequestFront, Rule, s3RecursionRule, s3RecursionUndetermined, sqsMaxConcurrencyRule,
  sqsPartialBatchRule, sqsSourceRedriveRule, sqsVisibilityRule, triggeringActions,
} from '../lib/rules';
import { findingsOf, guardedStack, messageOf, userFunction } from './guardrails-support';
import { newStack } from './support/cdk';
import { RECURSION_TABLE } from './support/recursion-table';

const where = { node: { path: 'App/Thing' } };

describe('the rule registry', () => {
  test('every rule has a unique id of GuardrailRule, its default severity and a summary', () => {
    const ids = ALL_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of ALL_RULES) {
      expect(Object.values(GuardrailRule)).toContain(rule.id);
      expect(rule.defaultSeverity).toBe(DEFAULT_SEVERITIES[rule.id]);
      expect(rule.summary.length).toBeGreaterThan(10);
    }
  });

  test('every GuardrailRule id is decided by exactly one rule function of ALL_RULES', () => {
    for (const id of Object.values(GuardrailRule)) expect(ALL_RULES.filter((r) => r.id === id)).toHaveLength(1);
  });

  test('a rule returns no violation when its facts are unknown (undefined): tokens are never a false error', () => {
    for (const rule of ALL_RULES) expect(rule.check({})).toBeUndefined();
  });

  test('enforce throws the violation with path, prop and fix; describeViolation prefixes the resource path', () => {
    const violation = sqsVisibilityRule.check({ visibilityTimeoutSeconds: 10, functionTimeoutSeconds: 5 })!;
    expect(() => enforce(where, 'visibilityTimeout', violation)).toThrow(
      "App/Thing: invalid prop 'visibilityTimeout': the visibility timeout (10 s) is below 6 x the function timeout (5 s) + the batching "
      + 'window (0 s) = 30 s: messages still being processed become visible again and are processed twice. Fix: set the queue\'s '
      + 'visibilityTimeout to at least Duration.seconds(30), or lower the function timeout');
    expect(() => enforce(where, 'visibilityTimeout', undefined)).not.toThrow();
    expect(describeViolation('Stack/Queue', violation)).toMatch(/^Stack\/Queue: the visibility timeout \(10 s\).*Fix: set the queue's/);
  });
});

describe('SQS rules', () => {
  test('visibility >= 6 x timeout + window, at the boundary and below', () => {
    expect(sqsVisibilityRule.check({ visibilityTimeoutSeconds: 62, functionTimeoutSeconds: 10, batchingWindowSeconds: 2 })).toBeUndefined();
    const v = sqsVisibilityRule.check({ visibilityTimeoutSeconds: 61, functionTimeoutSeconds: 10, batchingWindowSeconds: 2, queue: 'Q', function: 'F' });
    expect(v?.rule).toBe(GuardrailRule.SQS_VISIBILITY_TIMEOUT);
    expect(v?.message).toContain('the visibility timeout of queue Q (61 s) is below 6 x the timeout of function F (10 s) + the batching window (2 s) = 62 s');
    expect(sqsVisibilityRule.check({ visibilityTimeoutSeconds: 5 })).toBeUndefined();
  });

  test('maxConcurrency <= reserved', () => {
    expect(sqsMaxConcurrencyRule.check({ maxConcurrency: 5, reservedConcurrency: 5 })).toBeUndefined();
    expect(sqsMaxConcurrencyRule.check({ maxConcurrency: 6, reservedConcurrency: 5 })?.fix).toBe('lower maxConcurrency to 5 or raise reservedConcurrency to 6');
    expect(sqsMaxConcurrencyRule.check({ maxConcurrency: 6 })).toBeUndefined();
  });

  test('a consumed queue has a redrive policy; an unseen one is not judged', () => {
    expect(sqsSourceRedriveRule.check({ hasRedrivePolicy: true })).toBeUndefined();
    expect(sqsSourceRedriveRule.check({ hasRedrivePolicy: false, consumers: ['M'] })?.message).toMatch(/^this queue feeds Lambda \(M\) but has no redrive policy/);
    expect(sqsSourceRedriveRule.check({ hasRedrivePolicy: undefined })).toBeUndefined();
  });

  test('partial batch responses', () => {
    expect(sqsPartialBatchRule.check({ reportBatchItemFailures: true })).toBeUndefined();
    expect(sqsPartialBatchRule.check({ reportBatchItemFailures: false })?.rule).toBe(GuardrailRule.SQS_PARTIAL_BATCH_RESPONSE);
  });
});

describe('function rules', () => {
  test('async invocations need an on-failure destination or a DLQ', () => {
    const invoked = { asyncInvokers: ['S3 (Perm)'] };
    expect(asyncOnFailureRule.check({ ...invoked, hasOnFailureDestination: false, hasDeadLetterQueue: false })?.message)
      .toMatch(/^invoked asynchronously by S3 \(Perm\) but has neither/);
    expect(asyncOnFailureRule.check({ ...invoked, hasOnFailureDestination: true, hasDeadLetterQueue: false })).toBeUndefined();
    expect(asyncOnFailureRule.check({ ...invoked, hasOnFailureDestination: false, hasDeadLetterQueue: true })).toBeUndefined();
    expect(asyncOnFailureRule.check({ asyncInvokers: [], hasOnFailureDestination: false, hasDeadLetterQueue: false })).toBeUndefined();
  });

  test('log retention and the function log group', () => {
    expect(logRetentionRule.check({ neverExpires: true })?.fix).toBe('set retention (e.g. logs.RetentionDays.ONE_MONTH)');
    expect(logRetentionRule.check({ neverExpires: false, retentionDays: 30 })).toBeUndefined();
    expect(functionLogGroupRule.check({ hasOwnLogGroup: false, defaultLogGroupDeclared: false })?.rule).toBe(GuardrailRule.FUNCTION_LOG_GROUP);
    expect(functionLogGroupRule.check({ hasOwnLogGroup: true })).toBeUndefined();
    expect(functionLogGroupRule.check({ hasOwnLogGroup: false, defaultLogGroupDeclared: true })).toBeUndefined();
  });

  test('API timeout: 29 s behind API Gateway, below 15 minutes behind a function URL', () => {
    const gateway = [{ kind: RequestFront.API_GATEWAY }];
    const url = [{ kind: RequestFront.FUNCTION_URL }];
    expect(apiTimeoutRule.check({ timeoutSeconds: 29, fronts: gateway })).toBeUndefined();
    expect(apiTimeoutRule.check({ timeoutSeconds: 30, fronts: gateway })?.message).toMatch(/^the timeout \(30 s\) is longer than the 29 seconds API Gateway waits/);
    expect(apiTimeoutRule.check({ timeoutSeconds: 899, fronts: url })).toBeUndefined();
    expect(apiTimeoutRule.check({ timeoutSeconds: 900, fronts: url })?.message).toContain('through a function URL');
    expect(apiTimeoutRule.check({ timeoutSeconds: 900, fronts: [] })).toBeUndefined();
    expect(apiTimeoutRule.check({ timeoutSeconds: 60, fronts: gateway, alternative: 'use X' })?.fix).toMatch(/; or use X$/);
  });

  test('provisioned concurrency: at most reserved, never on $LATEST, never bypassed', () => {
    expect(provisionedAboveReservedRule.check({ provisioned: 8, reserved: 8 })).toBeUndefined();
    expect(provisionedAboveReservedRule.check({ provisioned: 9, reserved: 8, provisionedOn: ['Live: 9'] })?.message)
      .toMatch(/^provisioned concurrency 9 \(Live: 9\) exceeds the function's reserved concurrency 8/);
    expect(provisionedAboveReservedRule.check({ provisioned: 9 })).toBeUndefined();
    expect(provisionedOnLatestRule.check({ provisioned: 2, functionVersion: '$LATEST' })?.rule).toBe(GuardrailRule.PROVISIONED_ON_LATEST);
    expect(provisionedOnLatestRule.check({ provisioned: 2, functionVersion: '3' })).toBeUndefined();
    expect(provisionedBypassedRule.check({ provisionedOn: ['Live'], unqualifiedCallers: ['Api'] })?.message).toContain('but Api invokes the unqualified function');
    expect(provisionedBypassedRule.check({ provisionedOn: ['Live'], unqualifiedCallers: [] })).toBeUndefined();
  });

  test('EXPRESS state machines log', () => {
    expect(expressLoggingRule.check({ stateMachineType: 'EXPRESS' })?.rule).toBe(GuardrailRule.EXPRESS_STATE_MACHINE_LOGGING);
    expect(expressLoggingRule.check({ stateMachineType: 'EXPRESS', level: 'OFF', destinations: 1 })).toBeDefined();
    expect(expressLoggingRule.check({ stateMachineType: 'EXPRESS', level: 'ERROR', destinations: 1 })).toBeUndefined();
    expect(expressLoggingRule.check({ stateMachineType: 'STANDARD' })).toBeUndefined();
  });
});

describe('S3 recursion rule', () => {
  test('writes to the triggering bucket are a violation; "cannot tell" is a separate undetermined finding', () => {
    expect(s3RecursionRule.check({ writesTriggerBucket: true, grant: "'s3:*'", bucket: 'B' })?.message)
      .toBe("the function is triggered by S3 events of B and allowed to write to the same bucket ('s3:*'): every object it writes "
        + 'there raises a notification that invokes it again, a runaway loop that runs (and bills) until stopped');
    expect(s3RecursionRule.check({ writesTriggerBucket: false })).toBeUndefined();
    expect(s3RecursionRule.check({ writesTriggerBucket: undefined, unreadable: ['AWS managed policy X'] })).toBeUndefined();
    expect(s3RecursionUndetermined({ writesTriggerBucket: undefined, unreadable: ['AWS managed policy X'] })?.message)
      .toContain('cannot be told: AWS managed policy X');
    expect(s3RecursionUndetermined({ writesTriggerBucket: false, unreadable: [] })).toBeUndefined();
  });

  test('object-created events are raised by writes, object-removed events by deletes', () => {
    expect(triggeringActions([s3.EventType.OBJECT_CREATED])).toEqual(['s3:PutObject']);
    expect(triggeringActions(['s3:ObjectRemoved:Delete'])).toEqual(['s3:DeleteObject']);
    expect(triggeringActions(['s3:ObjectCreated:Put', 's3:ObjectRemoved:*'])).toEqual(['s3:PutObject', 's3:DeleteObject']);
  });

  test.each(RECURSION_TABLE)('issue 12 table, through the IAM model: %s is a violation', (_name, grant) => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Uploads');
    const fn = userFunction(stack, 'Worker');
    grant(stack, bucket, fn.role!, fn);
    const facts = writeFacts(roleAccessToBucketObjects(fn.role!, bucket, ['s3:PutObject']));
    expect(facts.writesTriggerBucket).toBe(true);
    expect(s3RecursionRule.check(facts)?.rule).toBe(GuardrailRule.S3_RECURSIVE_TRIGGER);
  });
});

/** Wraps every rule's `check` so a test sees which rules were asked and what they answered. */
function spyOnRules(): Map<GuardrailRule, Array<ReturnType<Rule<unknown>['check']>>> {
  const answers = new Map<GuardrailRule, Array<ReturnType<Rule<unknown>['check']>>>();
  for (const rule of ALL_RULES) {
    const original = rule.check.bind(rule);
    jest.spyOn(rule, 'check').mockImplementation((facts: unknown) => {
      const answer = original(facts);
      answers.set(rule.id, [...(answers.get(rule.id) ?? []), answer]);
      return answer;
    });
  }
  return answers;
}

describe('one rule, one place', () => {
  afterEach(() => jest.restoreAllMocks());

  test('every finding the guardrails report is a violation returned by the rule function of ALL_RULES with that id', () => {
    const answers = spyOnRules();
    const stack = guardedStack();
    // One resource breaking each rule the guardrails check.
    const fn = userFunction(stack, 'Consumer', { timeout: Duration.minutes(15), reservedConcurrentExecutions: 2 });
    fn.addEventSource(new SqsEventSource(new sqs.Queue(stack, 'Jobs'), { reportBatchItemFailures: false, maxConcurrency: 5 }));
    new lambda.Alias(stack, 'Live', { aliasName: 'live', version: fn.currentVersion, provisionedConcurrentExecutions: 3 });
    new HttpApi(stack, 'Api', { defaultIntegration: new HttpLambdaIntegration('Int', fn) });
    const bucket = new s3.Bucket(stack, 'Images');
    bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(fn));
    bucket.grantWrite(fn);
    new logs.LogGroup(stack, 'Forever', { retention: logs.RetentionDays.INFINITE });
    new lambda.Function(stack, 'Plain', {
      code: lambda.Code.fromInline('exports.handler = async () => ({});'), handler: 'index.handler', runtime: lambda.Runtime.NODEJS_22_X,
    });
    new lambda.CfnAlias(stack, 'Latest', {
      functionName: fn.functionName, functionVersion: '$LATEST', name: 'latest',
      provisionedConcurrencyConfig: { provisionedConcurrentExecutions: 1 },
    });
    new sfn.StateMachine(stack, 'Quiet', {
      stateMachineType: sfn.StateMachineType.EXPRESS, definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'P')),
    });

    const reported = new Set(findingsOf(stack).map((f) => f.rule));
    expect([...reported].sort()).toEqual([
      GuardrailRule.SQS_VISIBILITY_TIMEOUT, GuardrailRule.SQS_PARTIAL_BATCH_RESPONSE, GuardrailRule.SQS_MAX_CONCURRENCY,
      GuardrailRule.SQS_SOURCE_REDRIVE, GuardrailRule.ASYNC_ON_FAILURE, GuardrailRule.LOG_RETENTION, GuardrailRule.FUNCTION_LOG_GROUP,
      GuardrailRule.API_TIMEOUT, GuardrailRule.PROVISIONED_ON_LATEST, GuardrailRule.PROVISIONED_BYPASSED,
      GuardrailRule.PROVISIONED_ABOVE_RESERVED, GuardrailRule.S3_RECURSIVE_TRIGGER, GuardrailRule.EXPRESS_STATE_MACHINE_LOGGING,
    ].sort());
    for (const id of reported) {
      expect(ALL_RULES.map((r) => r.id)).toContain(id);
      expect((answers.get(id as GuardrailRule) ?? []).filter((a) => a !== undefined).length).toBeGreaterThan(0);
    }
  });

  test('no file outside lib/rules names a rule id: adapters and constructs only call rule functions', () => {
    // ServerlessGuardrails validates configured severities against the enum; it decides nothing.
    const allowed = [join(LIB, 'guardrails', 'serverless-guardrails.ts')];
    const offenders = libFiles(LIB)
      .filter((f) => !f.startsWith(join(LIB, 'rules')) && !allowed.includes(f))
      .filter((f) => /GuardrailRule\.[A-Z_]+/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });

  test('no code in lib/ writes a rule id as a string: ids come from the enum (in lib/rules) or a rule object (rule.id)', () => {
    const offenders = libFiles(LIB).filter((f) => f !== join(LIB, 'rules', 'ids.ts'))
      .flatMap((f) => literalRuleIds(f, readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });

  test('the literal-id scan finds an id in a string, a template and a property key, and ignores comments', () => {
    const source = [
      "const propOf = { 'SPG-STREAM-RETRIES': 'maxRetryAttempts' };",
      'const text = `rule SPG-ASYNC-ON-FAILURE flags ${x}`;',
      "if (id === 'SPG-SQS-VISIBILITY') warn();",
      '// SPG-STREAM-BISECT in a comment names the rule for a reader',
      "const budget = 'SPG-CONCURRENCY-BUDGET';",
      "const unknown = 'SPG-NOT-A-RULE';",
    ].join('\n');
    expect(literalRuleIds('x.ts', source)).toEqual([
      'x.ts: SPG-STREAM-RETRIES', 'x.ts: SPG-ASYNC-ON-FAILURE', 'x.ts: SPG-SQS-VISIBILITY', 'x.ts: SPG-CONCURRENCY-BUDGET',
    ]);
  });
});

describe('IAM model', () => {
  test('a role whose statements name another bucket, or only read, may not write', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Uploads');
    const fn = userFunction(stack, 'Worker');
    bucket.grantRead(fn);
    new s3.Bucket(stack, 'Other').grantWrite(fn);
    expect(roleAccessToBucketObjects(fn.role!, bucket, ['s3:PutObject']).access).toBe('not-allowed');
  });

  test('PowerUserAccess allows every S3 action (NotAction iam, organizations, account)', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Uploads');
    const fn = userFunction(stack, 'Worker');
    fn.role!.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('PowerUserAccess'));
    const answer = roleAccessToBucketObjects(fn.role!, bucket, ['s3:PutObject']);
    expect(answer.access).toBe('allowed');
    expect(answer.via).toContain('through the managed policy PowerUserAccess');
  });

  test('an imported role cannot be read: cannot tell', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Uploads');
    const role = iam.Role.fromRoleArn(stack, 'Imported', 'arn:aws:iam::123456789012:role/worker');
    const answer = roleAccessToBucketObjects(role, bucket, ['s3:PutObject']);
    expect(answer.access).toBe('unknown');
    expect(answer.unknown[0]).toContain('the role worker is not defined in this stack');
  });

  test('a customer managed policy outside the stack cannot be read: cannot tell', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Uploads');
    const fn = userFunction(stack, 'Worker');
    fn.role!.addManagedPolicy(iam.ManagedPolicy.fromManagedPolicyArn(stack, 'Theirs', 'arn:aws:iam::123456789012:policy/theirs'));
    const answer = roleAccessToBucketObjects(fn.role!, bucket, ['s3:PutObject']);
    expect(answer).toEqual({ access: 'unknown', unknown: ['managed policy arn:aws:iam::123456789012:policy/theirs'] });
  });
});

describe('guardrails read the synthesized template', () => {
  test('a raw property override (addPropertyOverride) is judged: the visibility-timeout violation is found', () => {
    const stack = guardedStack();
    const fn = userFunction(stack, 'Consumer', { timeout: Duration.seconds(10) });
    const queue = new sqs.Queue(stack, 'Jobs', {
      visibilityTimeout: Duration.seconds(60), deadLetterQueue: { queue: new sqs.Queue(stack, 'Dlq'), maxReceiveCount: 5 },
    });
    fn.addEventSource(new SqsEventSource(queue, { reportBatchItemFailures: true }));
    (queue.node.defaultChild as sqs.CfnQueue).addPropertyOverride('VisibilityTimeout', 20);
    expect(findingsOf(stack)).toEqual([{ level: 'error', path: '/UserStack/Consumer/SqsEventSource:UserStackJobs51C9D9C0/Resource', rule: 'SPG-SQS-VISIBILITY' }]);
    expect(messageOf(stack, 'SPG-SQS-VISIBILITY')).toBe('[SPG-SQS-VISIBILITY] UserStack/Consumer/SqsEventSource:UserStackJobs51C9D9C0/Resource: '
      + 'the visibility timeout of queue UserStack/Jobs/Resource (20 s) is below 6 x the timeout of function UserStack/Consumer/Resource (10 s) '
      + '+ the batching window (0 s) = 60 s: messages still being processed become visible again and are processed twice. '
      + 'Fix: set the queue\'s visibilityTimeout to at least Duration.seconds(60), or lower the function timeout');
  });

  test('a token the model cannot resolve to a number is unknown: no finding, no crash', () => {
    const stack = guardedStack();
    const fn = userFunction(stack, 'Consumer', { timeout: Duration.seconds(10) });
    const seconds = new CfnParameter(stack, 'Visibility', { type: 'Number' });
    const queue = new sqs.Queue(stack, 'Jobs', {
      visibilityTimeout: Duration.seconds(seconds.valueAsNumber), deadLetterQueue: { queue: new sqs.Queue(stack, 'Dlq'), maxReceiveCount: 5 },
    });
    fn.addEventSource(new SqsEventSource(queue, { reportBatchItemFailures: true }));
    expect(findingsOf(stack)).toEqual([]);
  });
});

const LIB = join(__dirname, '..', 'lib');

function libFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? libFiles(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [join(dir, e.name)] : []);
}

/** `<file>: <id>` for every GuardrailRule id written inside a string or template literal of the source (comments are not code). */
function literalRuleIds(file: string, text: string): string[] {
  const ids = Object.values(GuardrailRule) as string[];
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteralLike(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
      for (const m of node.text.matchAll(/SPG-[A-Z0-9-]*[A-Z0-9]/g)) if (ids.includes(m[0])) found.push(`${file}: ${m[0]}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}
