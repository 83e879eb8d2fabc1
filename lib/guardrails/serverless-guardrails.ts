import {
  IAspect, IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, PolicyViolation, Stage, Validations,
} from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { StackModel } from '../analysis/stack-model';
import { rejectUnknownProps } from '../core/known-props';
import { DEFAULT_SEVERITIES, GuardrailRule, GuardrailSeverity } from '../rules/ids';
import { readTemplates } from './assembly';
import { checkResource } from './checks';
import type { Finding } from './finding';
import { SERVERLESS_GUARDRAILS_PROPS } from './known-props';
import { acknowledgementOf, PLUGIN_NAME, recordAcknowledgement } from './report';

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
 * The checks a senior reviewer makes on a serverless app, as a CDK policy validation plugin (the
 * way cdk-nag 3 runs): after synthesis it reads every template of the cloud assembly and judges
 * each Lambda, SQS, Step Functions, Scheduler and log group resource, whoever created it (our
 * constructs, aws-cdk-lib L2s, raw L1s) and whatever changed it afterwards (`addPropertyOverride`,
 * escape hatches through `node.defaultChild`, aspects). It follows `Ref` / `Fn::GetAtt` between
 * resources within a template. Each check calls the rule function of `lib/rules` that the
 * constructs enforce, so a construct and the guardrails never disagree.
 *
 * Findings appear in CDK's validation report with the rule id (`SPG-SQS-VISIBILITY`), the
 * construct path, what is wrong and the fix. An error fails `cdk synth` (and `app.synth()`);
 * warnings and infos are printed. Acknowledge a finding you accept on the construct (or an
 * ancestor) with `ServerlessGuardrails.acknowledge(scope, ruleId, reason)` or CDK's own
 * `Validations.of(scope).acknowledge({ id: 'SPG-SQS-VISIBILITY', reason })`.
 *
 * A value known only at deploy time (a `CfnParameter`, an import, another stack's resource) is
 * "cannot tell": a rule that needs it does not fire.
 *
 * Registered on the App, the guardrails judge the stacks of nested Stages (e.g. CDK Pipelines
 * stages) too.
 *
 * @example
 * import { App } from 'aws-cdk-lib';
 * import { ServerlessGuardrails } from 'cdk-serverless-patterns';
 *
 * const app = new App();
 * ServerlessGuardrails.of(app); // or Validations.of(app).addPlugins(new ServerlessGuardrails())
 */
export class ServerlessGuardrails implements IPolicyValidationPlugin, IAspect {
  /**
   * Registers the guardrails as a validation plugin of the Stage (usually the App) holding `scope`
   * and returns them. Given a construct below a Stage (e.g. a Stack), only resources under it are judged.
   */
  public static of(scope: IConstruct, props: ServerlessGuardrailsProps = {}): ServerlessGuardrails {
    const guardrails = new ServerlessGuardrails(props);
    guardrails.register(scope);
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

  /** The plugin name in CDK's validation report. */
  public readonly name = PLUGIN_NAME;
  /** The ids of the rules the guardrails evaluate. */
  public readonly ruleIds?: string[] = Object.values(GuardrailRule);

  private readonly severities: Record<string, GuardrailSeverity>;
  /** The path of the construct the guardrails were registered for; undefined until registered (then: all). */
  private scopePath?: string;

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

  /**
   * Judges the templates of the cloud assembly (called by CDK during synthesis). Findings on
   * acknowledged constructs and of rules set to OFF are left out.
   */
  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const violations: PolicyViolation[] = [];
    for (const { templatePath, template, constructOf } of readTemplates(context.templatePaths, context.appConstruct)) {
      const model = StackModel.fromTemplate(template, (logicalId) => constructOf(logicalId)?.node.path);
      for (const subject of model.all()) {
        if (!this.inScope(subject.path)) continue;
        for (const finding of checkResource(model, subject)) {
          const severity = this.severityOf(finding);
          const construct = constructOf(subject.logicalId);
          if (severity === GuardrailSeverity.OFF || (construct && acknowledgementOf(construct, finding.rule) !== undefined)) continue;
          violations.push({
            ruleName: finding.rule,
            description: finding.description,
            fix: finding.fix,
            severity,
            violatingResources: [{ resourceLogicalId: subject.logicalId, templatePath, locations: ['Properties'] }],
          });
        }
      }
    }
    return { success: !violations.some((v) => v.severity === GuardrailSeverity.ERROR), violations };
  }

  /**
   * Registers the guardrails on the Stage of the first construct visited, as `of(scope)` does.
   * @deprecated add the guardrails with `ServerlessGuardrails.of(app)` (or
   * `Validations.of(app).addPlugins(...)`) instead of `Aspects.of(app).add(...)`
   */
  public visit(node: IConstruct): void {
    if (this.scopePath === undefined) this.register(node);
  }

  private register(scope: IConstruct): void {
    const stage = Stage.isStage(scope) ? scope : Stage.of(scope);
    if (!stage) {
      throw new Error(`${scope.node.path}: ServerlessGuardrails must be added to an App or a construct inside one. `
        + 'Fix: call ServerlessGuardrails.of(app)');
    }
    this.scopePath = scope === stage ? '' : scope.node.path;
    Validations.of(stage).addPlugins(this);
  }

  private inScope(path: string): boolean {
    return !this.scopePath || path === this.scopePath || path.startsWith(`${this.scopePath}/`);
  }

  /** A rule's "cannot tell" (e.g. an AWS managed policy the IAM model does not know) is never an error. */
  private severityOf(finding: Finding): GuardrailSeverity {
    const severity = this.severities[finding.rule];
    return finding.undetermined === true && severity === GuardrailSeverity.ERROR ? GuardrailSeverity.WARNING : severity;
  }
}
