import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges a rule-pack finding (cdk-nag `AwsSolutions-*`, `Serverless-*`, ...) on a construct
 * and its children, with the reason our design makes it a false positive.
 *
 * Writes the metadata entry aws-cdk-lib's `Validations.acknowledge` writes
 * (`Validations.ACKNOWLEDGED_RULES_METADATA_KEY`, `{ 'Annotation::<id>': reason }`), which cdk-nag 3
 * reads, so cdk-nag is not a runtime dependency. Written directly because `acknowledge` captures and
 * renders a stack trace per rule (about 40 us; 10 acknowledgements per SqsWorker made it a tenth of
 * the worker's own synth time); the trace only names our own frames, the path names the construct.
 * `acknowledge` also withdraws annotation warnings of that id: these ids are rule-pack findings,
 * never annotations, so there is nothing to withdraw. Use the plain rule id (e.g. `SQS4`'s full id
 * `AwsSolutions-SQS4`), not the `Pack::Id` form; a namespaced id goes through `acknowledge`.
 */
export function acknowledgeRule(scope: IConstruct, id: string, reason: string): void {
  if (hasNamespace(id)) {
    Validations.of(scope).acknowledge({ id, reason });
    return;
  }
  scope.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, {
    // Spaces become '-', as aws-cdk-lib normalizes rule ids.
    [`${ANNOTATION_NAMESPACE}::${id.replace(/ /g, '-')}`]: reason,
  });
}

/** The namespace aws-cdk-lib gives an id without one (its `normalizeValidationIdForAnnotations`). */
const ANNOTATION_NAMESPACE = 'Annotation';

/** True for `Pack::Id`: a `::` before any bracket (`AwsSolutions-IAM4[Policy::arn:...]` has none). */
function hasNamespace(id: string): boolean {
  return id.split('[')[0].includes('::');
}

/**
 * A resolved CloudFormation value as cdk-nag prints it inside a finding id: `Fn::GetAtt` as
 * `<LogicalId.Attr>`, `Ref` as `<LogicalId>`, `Fn::Join` joined, strings as they are. Lets a
 * construct acknowledge `AwsSolutions-IAM5[Resource::<...>]` for a resource it just created.
 */
export function nagResourceId(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as { [key: string]: unknown };
  if (Array.isArray(v['Fn::Join'])) {
    const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(nagResourceId).join(separator);
  }
  if (Array.isArray(v['Fn::GetAtt'])) return `<${(v['Fn::GetAtt'] as string[]).join('.')}>`;
  if (typeof v.Ref === 'string') return `<${v.Ref}>`;
  return JSON.stringify(value);
}

/** The compliance packs of cdk-nag whose rules the library acknowledges by name: `<pack>-<rule>`. */
const COMPLIANCE_PACKS = ['HIPAA.Security', 'NIST.800.53.R5'];

/**
 * Acknowledges one rule of cdk-nag's compliance packs (HIPAA Security and NIST 800-53 rev 5 share
 * rule names, e.g. `LambdaDLQ`) in both packs, with the same reason.
 */
export function acknowledgeComplianceRule(scope: IConstruct, rule: string, reason: string): void {
  for (const pack of COMPLIANCE_PACKS) acknowledgeRule(scope, `${pack}-${rule}`, reason);
}

/**
 * Acknowledges `IAMNoInlinePolicy` of the compliance packs on a role the construct created: its
 * own policy (DefaultPolicy, or a library function's inline FunctionPolicy) holds what aws-cdk-lib's
 * grant methods write for this construct's own resources.
 */
export function acknowledgeGrantPolicy(role: IConstruct): void {
  acknowledgeComplianceRule(role, 'IAMNoInlinePolicy',
    'the role\'s own policy (its DefaultPolicy, or the inline FunctionPolicy of a library function) holds the least-privilege '
    + 'statements aws-cdk-lib grant methods write for this construct; '
    + 'it is attached to this one role only and deployed and deleted with it, so a managed policy would change no permission');
}
