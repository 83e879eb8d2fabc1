import { GuardrailRule, GuardrailSeverity } from './ids';
import { defineRule, RuleViolation } from './rule';

/** What the S3 recursion rule judges: a function triggered by a bucket, and whether it may write there. */
export interface S3RecursionFacts {
  /**
   * Whether the function's role may write what triggers it (`s3:PutObject` for object-created
   * notifications, `s3:DeleteObject` for object-removed ones) to the bucket; undefined when the IAM
   * model cannot tell (see `lib/analysis/iam.ts`).
   */
  readonly writesTriggerBucket?: boolean;
  /** How the write is allowed, e.g. `'s3:PutObject'` or `'s3:*' through the managed policy AdministratorAccess`. */
  readonly grant?: string;
  /** What the IAM model could not read (with an undefined answer). */
  readonly unreadable?: string[];
  readonly function?: string;
  readonly bucket?: string;
  /** How the bucket's notifications reach the function, e.g. `origin bucket -> SNS topic -> c1 -> origin bucket`. */
  readonly route?: string;
  /** How to accept the finding when the writes cannot trigger the function. */
  readonly acknowledgeWith?: string;
}

/**
 * The S3 actions whose effects raise the notifications `events` name: object-created events are
 * raised by writes (`s3:PutObject`), object-removed events by deletes (`s3:DeleteObject`).
 */
export function triggeringActions(events: string[]): string[] {
  return [
    ...(events.some((e) => /ObjectCreated/.test(e)) ? ['s3:PutObject'] : []),
    ...(events.some((e) => /ObjectRemoved/.test(e)) ? ['s3:DeleteObject'] : []),
  ];
}

const LOOP = 'every object it writes there raises a notification that invokes it again, a runaway loop that runs (and bills) until stopped';

function fixOf(facts: S3RecursionFacts): string {
  return 'write to another bucket; or, if the writes land outside what triggers the function (another prefix), filter the trigger '
    + `so it never sees them and ${facts.acknowledgeWith ?? `acknowledge ${GuardrailRule.S3_RECURSIVE_TRIGGER} with that reason`}`;
}

function subject(facts: S3RecursionFacts): string {
  return `${facts.function ?? 'the function'} is triggered by S3 events of ${facts.bucket ?? 'a bucket'}`
    + `${facts.route ? ` (${facts.route})` : ''}`;
}

/**
 * A function triggered by S3 events of a bucket (directly, or through SNS, EventBridge and a
 * queue) must not be allowed to write to that bucket. The answer "may it write" comes from the one
 * IAM model (`IamModel.mayOnBucketObjects`): inline and customer managed policies, grants and AWS
 * managed policies (AdministratorAccess and PowerUserAccess are writes too).
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-s3.html
 */
export const s3RecursionRule = defineRule<S3RecursionFacts>({
  id: GuardrailRule.S3_RECURSIVE_TRIGGER,
  defaultSeverity: GuardrailSeverity.ERROR,
  summary: 'a function triggered by a bucket may not write to it',
  check: (facts) => {
    if (facts.writesTriggerBucket !== true) return undefined;
    return {
      rule: GuardrailRule.S3_RECURSIVE_TRIGGER,
      message: `${subject(facts)} and allowed to write to the same bucket${facts.grant ? ` (${facts.grant})` : ''}: ${LOOP}`,
      fix: fixOf(facts),
    };
  },
});

/**
 * The S3 recursion rule's "cannot tell": the IAM model could not read everything attached to the
 * role (an AWS managed policy it does not know, a customer managed policy outside the stack, an
 * imported role). Never an error and never silence: constructs and guardrails report it as a
 * warning under the same rule id.
 */
export function s3RecursionUndetermined(facts: S3RecursionFacts): RuleViolation | undefined {
  if (facts.writesTriggerBucket !== undefined || !facts.unreadable || facts.unreadable.length === 0) return undefined;
  return {
    rule: GuardrailRule.S3_RECURSIVE_TRIGGER,
    message: `${subject(facts)}, and whether it may write to that bucket cannot be told: ${facts.unreadable.join('; ')}. If it can, ${LOOP}`,
    fix: `make sure the role cannot write to the bucket, or ${fixOf(facts)}`,
  };
}
