import { flattenIntrinsics, iamGlob } from './arn';
import { AWS_MANAGED_POLICIES, ManagedPolicyGrant } from './managed-policies';
import type { Json } from './resource-props';
import { asList, ModelResource, StackModel } from './stack-model';

/** What the IAM model can say about one permission. */
export enum Access {
  /** A statement (or a known managed policy) allows it. */
  ALLOWED = 'allowed',
  /** Nothing the model sees allows it, and the model sees everything attached. */
  NOT_ALLOWED = 'not-allowed',
  /** Nothing it sees allows it, but something attached cannot be read (an unknown managed policy, an imported role). */
  UNKNOWN = 'unknown',
}

/** The answer to "may role R do action A on bucket B?". */
export interface AccessAnswer {
  readonly access: Access;
  /** How it is allowed, e.g. `'s3:PutObject'` or `'s3:*' through the managed policy AmazonS3FullAccess`. */
  readonly via?: string;
  /** What could not be read (with UNKNOWN): managed policy names or ARNs, or why the role is opaque. */
  readonly unknown: string[];
}

/** The role asked about: a role of the stack, or one known only by its literal name (imported). */
export interface RoleTarget {
  readonly resource?: ModelResource;
  readonly name?: string;
}

/** The bucket asked about: a bucket of the stack, one known by its literal name, or both. */
export interface BucketTarget {
  readonly resource?: ModelResource;
  readonly name?: string;
}

interface Statement {
  readonly Effect?: string;
  readonly Action?: Json;
  readonly NotAction?: Json;
  readonly Resource?: Json;
  readonly NotResource?: Json;
}

/** Placeholders for values known only at deploy time: they equal only themselves. */
const BUCKET_MARK = '\u0001';
const OPAQUE = '\u0002';

/**
 * One model of a stack's IAM, shared by every rule that asks "can X write to Y" (the S3 recursion
 * rule in FanOutPipeline, AsyncFunction and ServerlessGuardrails). It reads the identity policies
 * of a role in the stack: inline policies, `AWS::IAM::Policy` / `AWS::IAM::RolePolicy` /
 * customer managed `AWS::IAM::ManagedPolicy` resources attached to it (grants end up there), and
 * AWS managed policies by their documented actions (`AWS_MANAGED_POLICIES`). Conditions are
 * ignored (a conditional allow still counts as allowed); permission boundaries and SCPs are not
 * seen. Anything it cannot read makes the answer UNKNOWN, never NOT_ALLOWED.
 */
export class IamModel {
  constructor(private readonly model: StackModel) {}

  /** The execution role of a function of the stack (its `Role` property), if it is in the stack. */
  public roleOf(fn: ModelResource): RoleTarget {
    const resource = this.model.referenced(fn.props.Role).find((r) => r.type === 'AWS::IAM::Role');
    if (resource) return { resource };
    const arn = fn.props.Role;
    const name = typeof arn === 'string' ? arn.split('/').pop() : undefined;
    return { name };
  }

  /** May `role` do `action` (an S3 object action such as `s3:PutObject`) on objects of `bucket`? */
  public mayOnBucketObjects(role: RoleTarget, action: string, bucket: BucketTarget): AccessAnswer {
    const unknown: string[] = [];
    if (!role.resource) unknown.push(`the role ${role.name ?? '(imported)'} is not defined in this stack, so its own policies cannot be read`);
    for (const statement of this.statementsOf(role, unknown)) {
      const allowedAction = allowingAction(statement.statement, action);
      if (allowedAction === undefined || !this.coversObjects(statement.statement, bucket)) continue;
      const via = statement.managedPolicy ? `'${allowedAction}' through the managed policy ${statement.managedPolicy}` : `'${allowedAction}'`;
      return { access: Access.ALLOWED, via, unknown: [] };
    }
    return { access: unknown.length > 0 ? Access.UNKNOWN : Access.NOT_ALLOWED, unknown };
  }

  /** The first of `actions` the role may do on objects of the bucket; else UNKNOWN if any answer is. */
  public mayDoAnyOnBucketObjects(role: RoleTarget, actions: string[], bucket: BucketTarget): AccessAnswer {
    const answers = actions.map((action) => this.mayOnBucketObjects(role, action, bucket));
    return answers.find((a) => a.access === Access.ALLOWED)
      ?? answers.find((a) => a.access === Access.UNKNOWN)
      ?? { access: Access.NOT_ALLOWED, unknown: [] };
  }

  private statementsOf(role: RoleTarget, unknown: string[]): Array<{ statement: Statement; managedPolicy?: string }> {
    const statements: Array<{ statement: Statement; managedPolicy?: string }> = [];
    const addDocument = (document: Json) => {
      for (const statement of asList(document?.Statement)) statements.push({ statement });
    };
    if (role.resource) {
      for (const policy of asList(role.resource.props.Policies)) addDocument(policy?.PolicyDocument);
      for (const arn of asList(role.resource.props.ManagedPolicyArns)) this.addManagedPolicy(arn, statements, unknown);
    }
    for (const policy of [...this.model.ofType('AWS::IAM::Policy'), ...this.model.ofType('AWS::IAM::ManagedPolicy')]) {
      if (this.namesRole(policy.props.Roles, role)) addDocument(policy.props.PolicyDocument);
    }
    for (const policy of this.model.ofType('AWS::IAM::RolePolicy')) {
      if (this.namesRole(policy.props.RoleName, role)) addDocument(policy.props.PolicyDocument);
    }
    return statements;
  }

  private addManagedPolicy(arn: Json, statements: Array<{ statement: Statement; managedPolicy?: string }>, unknown: string[]): void {
    const inStack = this.model.referenced(arn).find((r) => r.type === 'AWS::IAM::ManagedPolicy');
    if (inStack) {
      for (const statement of asList(inStack.props.PolicyDocument?.Statement)) statements.push({ statement });
      return;
    }
    const flat = flattenIntrinsics(arn, (v) => (v?.Ref === 'AWS::Partition' ? 'aws' : OPAQUE));
    const awsManaged = /^arn:aws[a-z-]*:iam::aws:policy\/(.+)$/.exec(flat);
    const grants: ManagedPolicyGrant[] | undefined = awsManaged ? AWS_MANAGED_POLICIES[awsManaged[1]] : undefined;
    if (!grants) {
      unknown.push(awsManaged ? `AWS managed policy ${awsManaged[1]}` : `managed policy ${flat.includes(OPAQUE) ? JSON.stringify(arn) : flat}`);
      return;
    }
    const name = awsManaged![1].split('/').pop()!;
    for (const grant of grants) {
      statements.push({
        statement: { Effect: 'Allow', Action: grant.actions, NotAction: grant.notActions, Resource: '*' },
        managedPolicy: name,
      });
    }
  }

  /** True when a `Roles` / `RoleName` value names the role (by reference, or by its literal name). */
  private namesRole(value: Json, role: RoleTarget): boolean {
    if (role.resource && this.model.referenced(value).includes(role.resource)) return true;
    const literal = role.resource && typeof role.resource.props.RoleName === 'string' ? role.resource.props.RoleName : role.name;
    return literal !== undefined && asList(value).includes(literal);
  }

  /** True when a statement's resources cover objects of the bucket (a key prefix counts). */
  private coversObjects(statement: Statement, bucket: BucketTarget): boolean {
    const targets = [bucket.name, bucket.resource ? `${BUCKET_MARK}${bucket.resource.logicalId}` : undefined]
      .filter((n): n is string => n !== undefined)
      .map((name) => `arn:aws:s3:::${name}/`);
    const covers = (resource: Json) => {
      const flat = this.flattenResource(resource, bucket);
      return targets.some((t) => flat.startsWith(t) || iamGlob(flat, `${t}${OPAQUE}key`));
    };
    if (statement.NotResource !== undefined) return !asList(statement.NotResource).some(covers);
    return asList(statement.Resource).some(covers);
  }

  private flattenResource(resource: Json, bucket: BucketTarget): string {
    return flattenIntrinsics(resource, (v) => {
      if (v?.Ref === 'AWS::Partition') return 'aws';
      const target = this.model.referenced(v)[0];
      if (target && target === bucket.resource) return v.Ref !== undefined ? `${BUCKET_MARK}${target.logicalId}` : `arn:aws:s3:::${BUCKET_MARK}${target.logicalId}`;
      return OPAQUE;
    });
  }
}

/** The action pattern of a statement that allows `action`, if it allows it. */
function allowingAction(statement: Statement, action: string): string | undefined {
  if (statement.Effect !== 'Allow') return undefined;
  if (statement.NotAction !== undefined) {
    const excluded = asList(statement.NotAction).some((a) => typeof a === 'string' && iamGlob(a, action));
    return excluded ? undefined : `NotAction ${JSON.stringify(asList(statement.NotAction))}`;
  }
  return asList(statement.Action).find((a): a is string => typeof a === 'string' && iamGlob(a, action));
}

/**
 * An answer as the facts of a "may it write" rule (`S3RecursionFacts`): true, false, or
 * undefined (cannot tell) with what could not be read.
 */
export function writeFacts(answer: AccessAnswer): { writesTriggerBucket?: boolean; grant?: string; unreadable: string[] } {
  const writes = answer.access === Access.ALLOWED ? true : answer.access === Access.NOT_ALLOWED ? false : undefined;
  return { writesTriggerBucket: writes, grant: answer.via, unreadable: answer.unknown };
}
