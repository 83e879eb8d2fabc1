import { AspectPriority, Aspects, CfnResource, IAspect } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { GUARDRAIL_CHECKS } from './registry';
import { recordAcknowledgement, report } from './report';
import { DEFAULT_SEVERITIES, GuardrailRule, GuardrailSeverity } from '../rules/ids';
import { StackModel } from './stack-model';
import { rejectUnknownProps } from '../core/known-props';
import { SERVERLESS_GUARDRAILS_PROPS } from './known-props';

/** Properties of ServerlessGuardrails. */
export interface ServerlessGuardrailsProps {
  /**
   * Severity per rule, keyed by rule id (`GuardrailRule`, e.g. `'SPG-SQS-PARTIAL-BATCH'`).
   * Rules not listed keep their default severity (see `ServerlessGuardrails.defaultSeverity`).
   * @default - the default severity of each rule
   */
  readonly severities?: { [ruleId: string]: GuardrailSeverity };
}

/**
 * An aspect with the checks a senior reviewer makes on a serverless app, applied to every Lambda,
 * SQS, Step Functions and log group resource under the scope it is added to, whoever created it
 * (our constructs, aws-cdk-lib L2s, or raw L1s): it reads the L1 resources and follows `Ref` /
 * `Fn::GetAtt` between them within a stack. Each check calls the rule function of `lib/rules`
 * that the constructs enforce, so a construct and the guardrails never disagree.
 *
 * Resources are read through public API: the L1's typed attributes (e.g. `CfnQueue.visibilityTimeout`)
 * resolved with `Stack.resolve`. Raw overrides (`addPropertyOverride`, `addOverride`) are not
 * seen: set the typed attribute instead (`cfnQueue.visibilityTimeout = 20`).
 *
 * Each finding is an annotation on the offending resource that starts with the rule id
 * (`[SPG-SQS-VISIBILITY] ...`), names the resource path and ends with the fix.
 * Acknowledge a finding you accept with `ServerlessGuardrails.acknowledge(scope, ruleId, reason)`
 * (errors and warnings); warnings also honour
 * `Annotations.of(scope).acknowledgeWarning('cdk-serverless-patterns:<ruleId>', reason)`.
 *
 * References that leave the stack (another stack's resource, an imported ARN, a parameter) are
 * not followed: a rule that needs the other end does not fire.
 *
 * Like every CDK aspect, it does not reach into nested Stages (e.g. CDK Pipelines stages): add it
 * to each Stage as well (`ServerlessGuardrails.of(stage)`).
 *
 * @example
 * import { App } from 'aws-cdk-lib';
 * import { ServerlessGuardrails } from 'cdk-serverless-patterns';
 *
 * const app = new App();
 * ServerlessGuardrails.of(app); // or Aspects.of(app).add(new ServerlessGuardrails())
 */
export class ServerlessGuardrails implements IAspect {
  /**
   * Adds the guardrails to `scope` (usually the App) and returns them. They run with read-only
   * priority, after the aspects that change resources.
   */
  public static of(scope: IConstruct, props: ServerlessGuardrailsProps = {}): ServerlessGuardrails {
    const guardrails = new ServerlessGuardrails(props);
    Aspects.of(scope).add(guardrails, { priority: AspectPriority.READONLY });
    return guardrails;
  }

  /**
   * Accepts findings of `ruleId` on `scope` and everything below it, with the reason
   * (recorded in the construct metadata of the cloud assembly).
   *
   * @param scope the construct (or an ancestor of the resource) the finding is on
   * @param ruleId a `GuardrailRule` id, e.g. `'SPG-S3-RECURSION'`
   * @param reason why the finding does not apply here; required
   */
  public static acknowledge(scope: IConstruct, ruleId: string, reason: string): void {
    if (!reason || reason.trim().length === 0) {
      throw new Error(`${scope.node.path}: invalid argument 'reason': acknowledging ${ruleId} needs a reason. `
        + 'Fix: say why the finding does not apply, e.g. \'writes under out/, notification filtered to in/\'');
    }
    recordAcknowledgement(scope, ruleId, reason);
  }

  /**
   * `acknowledge` by the `GuardrailRule` constant, for Python, Java, .NET and Go, where a jsii
   * enum member is not its `SPG-...` string.
   *
   * @param scope the construct (or an ancestor of the resource) the finding is on
   * @param rule the rule, e.g. `GuardrailRule.S3_RECURSIVE_TRIGGER`
   * @param reason why the finding does not apply here; required
   */
  public static acknowledgeRule(scope: IConstruct, rule: GuardrailRule, reason: string): void {
    ServerlessGuardrails.acknowledge(scope, ServerlessGuardrails.ruleId(rule), reason);
  }

  /**
   * The `SPG-...` id of a rule: the key of `severities`, the id in findings and in
   * `Annotations.acknowledgeWarning('cdk-serverless-patterns:<id>', ...)`.
   */
  public static ruleId(rule: GuardrailRule): string {
    return rule;
  }

  /** The severity a rule has unless configured. */
  public static defaultSeverity(rule: GuardrailRule): GuardrailSeverity {
    return DEFAULT_SEVERITIES[rule];
  }

  private readonly severities: Record<string, GuardrailSeverity>;

  constructor(props: ServerlessGuardrailsProps = {}) {
    rejectUnknownProps({ node: { path: 'ServerlessGuardrails' } }, 'ServerlessGuardrails', props, SERVERLESS_GUARDRAILS_PROPS);
    const known = Object.values(GuardrailRule) as string[];
    const severities = props.severities ?? {};
    for (const [ruleId, severity] of Object.entries(severities)) {
      if (!known.includes(ruleId)) {
        throw new Error(`ServerlessGuardrails: invalid prop 'severities': unknown rule id '${ruleId}'. `
          + `Fix: use one of ${known.join(', ')}`);
      }
      if (!(Object.values(GuardrailSeverity) as string[]).includes(severity)) {
        throw new Error(`ServerlessGuardrails: invalid prop 'severities': '${severity}' for ${ruleId} is not a severity. `
          + 'Fix: use GuardrailSeverity.ERROR, WARNING, INFO or OFF');
      }
    }
    this.severities = { ...DEFAULT_SEVERITIES, ...severities };
  }

  public visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node)) return;
    let model = StackModel.of(node);
    // A resource added after the model was built (a second synth, another aspect): rebuild once.
    if (!model.entry(node)) model = StackModel.of(node, true);
    const subject = model.entry(node);
    if (!subject) return;
    for (const finding of GUARDRAIL_CHECKS.flatMap((check) => check(model, subject))) {
      const severity = this.severities[finding.rule];
      // A rule's "cannot tell" (e.g. an AWS managed policy the IAM model does not know) is never an error.
      const undetermined = finding.undetermined === true && severity === GuardrailSeverity.ERROR;
      report(node, finding.rule, undetermined ? GuardrailSeverity.WARNING : severity, finding.message);
    }
  }
}
