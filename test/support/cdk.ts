import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';

/** A fresh app and stack in a fixed environment, so templates and snapshots are stable. */
export function newStack(id = 'TestStack'): Stack {
  const app = new App();
  return new Stack(app, id, { env: { account: '123456789012', region: 'us-east-1' } });
}

/** Template of a stack. */
export function template(stack: Stack): Template {
  return Template.fromStack(stack);
}

/** Warnings emitted under a stack, as `addWarningV2` stores them (`message [ack: id]`). */
export function warningsOf(stack: Stack): string[] {
  return Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map((w) => String(w.entry.data));
}

/** Info messages emitted under a stack. */
export function infosOf(stack: Stack): string[] {
  return Annotations.fromStack(stack).findInfo('*', Match.anyValue()).map((w) => String(w.entry.data));
}

/**
 * Template as JSON with asset hashes replaced, so a snapshot only changes when the wiring does
 * (a handler source edit changes the hash, not the template's meaning).
 */
export function snapshotTemplate(stack: Stack): unknown {
  const json = JSON.stringify(Template.fromStack(stack).toJSON());
  return JSON.parse(json
    .replace(/[0-9a-f]{64}(\.zip)?/g, '[ASSET-HASH]')
    // fn.currentVersion's logical id embeds a hash of the code and configuration.
    .replace(/CurrentVersion([0-9A-F]{8})[0-9a-f]{32}/g, 'CurrentVersion$1[VERSION-HASH]'));
}

/** Name of the inline policy that holds a library function's grants (lib/serverless-function/function-role.ts). */
export const FUNCTION_POLICY = 'FunctionPolicy';

/**
 * Every identity statement of the template: `AWS::IAM::Policy` documents (other roles' DefaultPolicy)
 * and the roles' inline `Policies` (where the library's functions keep their grants).
 */
export function identityStatements(t: Template): any[] {
  const policies = Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
  const inline = Object.values(t.findResources('AWS::IAM::Role'))
    .flatMap((r) => (r.Properties.Policies ?? []).flatMap((p: any) => p.PolicyDocument.Statement));
  return [...policies, ...inline];
}

/** The inline grant policies of the library's function roles: the role's logical id and its statements. */
export function functionPolicies(t: Template): { roleId: string; statements: any[] }[] {
  return Object.entries(t.findResources('AWS::IAM::Role')).flatMap(([roleId, r]) =>
    (r.Properties.Policies ?? []).filter((p: any) => p.PolicyName === FUNCTION_POLICY).map((p: any) => ({ roleId, statements: p.PolicyDocument.Statement })));
}

/** Asserts that some function role's inline grant policy matches `props` (e.g. `{ PolicyDocument: { Statement: ... } }`). */
export function hasFunctionPolicy(t: Template, props: { [key: string]: unknown }): void {
  t.hasResourceProperties('AWS::IAM::Role', { Policies: Match.arrayWith([Match.objectLike({ PolicyName: FUNCTION_POLICY, ...props })]) });
}
