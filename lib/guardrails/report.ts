import { Annotations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { addAcknowledgeableInfo, addAcknowledgeableWarning } from '../core/annotations';
import { WARNING_ID_PREFIX } from '../core/validation';
import { GuardrailSeverity } from '../rules/ids';

/** Metadata type under which `ServerlessGuardrails.acknowledge` records an acknowledgement. */
export const GUARDRAIL_ACK_METADATA = `${WARNING_ID_PREFIX}:guardrail-acknowledged`;

/** Annotation id of a guardrail rule, as `warn()` builds ids: `cdk-serverless-patterns:<rule>`. */
export function annotationId(ruleId: string): string {
  return `${WARNING_ID_PREFIX}:${ruleId}`;
}

/** Records that `ruleId` findings on `scope` and below are accepted, and why. */
export function recordAcknowledgement(scope: IConstruct, ruleId: string, reason: string): void {
  scope.node.addMetadata(GUARDRAIL_ACK_METADATA, { rule: ruleId, reason });
  // Warnings are also acknowledged the CDK way, so `cdk synth --strict` and tooling agree.
  Annotations.of(scope).acknowledgeWarning(annotationId(ruleId), reason);
  Annotations.of(scope).acknowledgeInfo(annotationId(ruleId), reason);
}

/** The reason `ruleId` was acknowledged on `node` or one of its scopes, if it was. */
export function acknowledgementOf(node: IConstruct, ruleId: string): string | undefined {
  for (const scope of [...node.node.scopes].reverse()) {
    for (const entry of scope.node.metadata) {
      const data = entry.data as { rule?: string; reason?: string } | undefined;
      if (entry.type === GUARDRAIL_ACK_METADATA && data?.rule === ruleId) return data.reason ?? '';
    }
  }
  return undefined;
}

/**
 * Adds a finding to `node` at `severity`, unless acknowledged. The message starts with the rule id
 * and ends with the fix; warnings and infos carry the acknowledgeable id `cdk-serverless-patterns:<rule>`.
 */
export function report(node: IConstruct, ruleId: string, severity: GuardrailSeverity, message: string): void {
  if (severity === GuardrailSeverity.OFF || acknowledgementOf(node, ruleId) !== undefined) return;
  const text = `[${ruleId}] ${message}`;
  switch (severity) {
    case GuardrailSeverity.ERROR:
      Annotations.of(node).addError(text);
      break;
    case GuardrailSeverity.WARNING:
      addAcknowledgeableWarning(node, annotationId(ruleId), text);
      break;
    case GuardrailSeverity.INFO:
      addAcknowledgeableInfo(node, annotationId(ruleId), text);
      break;
  }
}
