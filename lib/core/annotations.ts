import { Annotations } from 'aws-cdk-lib';
import { Construct, type IConstruct } from 'constructs';

/**
 * Adds a warning that `Annotations.of(c).acknowledgeWarning(id, reason)` on `scope` or any scope
 * above it silences, on every aws-cdk-lib the peer range admits (see `isAcknowledged`).
 */
export function addAcknowledgeableWarning(scope: IConstruct, id: string, message: string): void {
  if (!isAcknowledged(scope, id)) Annotations.of(scope).addWarningV2(id, message);
}

/** Adds an info that `acknowledgeInfo(id, reason)` on `scope` or above silences (see `isAcknowledged`). */
export function addAcknowledgeableInfo(scope: IConstruct, id: string, message: string): void {
  if (!isAcknowledged(scope, id)) Annotations.of(scope).addInfoV2(id, message);
}

/** Id of the short-lived child `isAcknowledged` asks through; distinctive, so it meets no user's id. */
const PROBE_ID = 'cdk-serverless-patterns:acknowledgement-probe';

/**
 * Whether `id` was acknowledged (acknowledgeWarning or acknowledgeInfo: one list) on `scope` or a
 * scope above it. The library adds most findings at synth, after the user acknowledged them.
 * aws-cdk-lib 2.263.0-2.270.x then look for the acknowledgement on the scopes above the construct
 * only, not on the construct itself (2.271.0 fixed it), so an acknowledgement on the function a
 * warning names was ignored there. A child of `scope` has `scope` among the scopes above it on
 * every version: it is asked instead, and removed at once (it holds nothing and adds no resource).
 */
function isAcknowledged(scope: IConstruct, id: string): boolean {
  if (scope.node.locked || scope.node.tryFindChild(PROBE_ID)) return false;
  const probe = new Construct(scope, PROBE_ID);
  try {
    Annotations.of(probe).addInfoV2(id, 'acknowledged?');
    return probe.node.metadata.length === 0;
  } finally {
    scope.node.tryRemoveChild(PROBE_ID);
  }
}
