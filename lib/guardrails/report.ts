import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { WARNING_ID_PREFIX } from '../core/validation';

/** Metadata type under which `ServerlessGuardrails.acknowledge` records an acknowledgement. */
export const GUARDRAIL_ACK_METADATA = `${WARNING_ID_PREFIX}:guardrail-acknowledged`;

/** The plugin name CDK's validation report shows (and prefixes its acknowledgement hint with). */
export const PLUGIN_NAME = 'ServerlessGuardrails';

/**
 * Records that `ruleId` findings on `scope` and below are accepted, and why, in the library's own
 * metadata; the plugin leaves those findings out itself. Not also as CDK's acknowledgement
 * (`Validations.acknowledge`): aws-cdk-lib 2.263-2.270 applies a plugin rule's acknowledgement to
 * the whole app, which would hide the same rule's findings on every other construct.
 */
export function recordAcknowledgement(scope: IConstruct, ruleId: string, reason: string): void {
  scope.node.addMetadata(GUARDRAIL_ACK_METADATA, { rule: ruleId, reason });
}

/**
 * The rule id an entry of CDK's acknowledged-rules metadata names: `Validations.acknowledge`
 * stores `SPG-X` as `Annotation::SPG-X` and the report's hint `ServerlessGuardrails::SPG-X` as is.
 */
function acknowledgedRuleId(key: string): string {
  return key.replace(/^[A-Za-z]+::/, '');
}

/**
 * The reason `ruleId` was acknowledged on `node` or one of its scopes, if it was: with
 * `ServerlessGuardrails.acknowledge` or with CDK's `Validations.of(scope).acknowledge({ id, reason })`.
 */
export function acknowledgementOf(node: IConstruct, ruleId: string): string | undefined {
  for (const scope of [...node.node.scopes].reverse()) {
    for (const entry of scope.node.metadata) {
      if (entry.type === GUARDRAIL_ACK_METADATA) {
        const data = entry.data as { rule?: string; reason?: string } | undefined;
        if (data?.rule === ruleId) return data.reason ?? '';
      } else if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY) {
        for (const [key, reason] of Object.entries((entry.data ?? {}) as Record<string, string>)) {
          if (acknowledgedRuleId(key) === ruleId) return reason;
        }
      }
    }
  }
  return undefined;
}
