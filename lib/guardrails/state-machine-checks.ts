import type { Json, ModelResource, StackModel } from '../analysis/stack-model';
import { callbackTimeoutRule } from '../rules/state-machine';
import type { Finding } from './finding';
import { findingOf } from './finding';

/** Stands in for a token inside the definition text (a Ref, a GetAtt): keeps a string literal a string. */
const TOKEN_PLACEHOLDER = '#{token}';

/**
 * The definition of a state machine as JSON, from its template properties: `Definition` (an
 * object) or `DefinitionString` (text, often an `Fn::Join` of literals and references). Undefined
 * when it cannot be read: an S3 location, a parameter, or a reference in a place that is not
 * inside a string (e.g. `"TimeoutSeconds": <Ref>`), so the JSON does not parse.
 */
export function readDefinition(props: Json): Json | undefined {
  const object = props?.Definition;
  if (object && typeof object === 'object') return object;
  const text = props?.DefinitionString as Json;
  let joined: string | undefined;
  if (typeof text === 'string') joined = text;
  else if (Array.isArray(text?.['Fn::Join']?.[1]) && typeof text['Fn::Join'][0] === 'string') {
    joined = (text['Fn::Join'][1] as Json[]).map((part) => typeof part === 'string' ? part : TOKEN_PLACEHOLDER).join(text['Fn::Join'][0]);
  }
  if (joined === undefined) return undefined;
  try {
    return JSON.parse(joined);
  } catch {
    return undefined;
  }
}

/** Every state of a definition with its name, Parallel branches and Map processors included. */
export function statesOf(definition: Json): Array<{ name: string; state: Json }> {
  const found: Array<{ name: string; state: Json }> = [];
  const walk = (machine: Json): void => {
    for (const [name, state] of Object.entries((machine?.States ?? {}) as Record<string, Json>)) {
      found.push({ name, state });
      for (const branch of (state?.Branches ?? []) as Json[]) walk(branch);
      if (state?.Iterator) walk(state.Iterator);
      if (state?.ItemProcessor) walk(state.ItemProcessor);
    }
  };
  walk(definition);
  return found;
}

const isSet = (state: Json, field: string) => state[field] !== undefined || state[`${field}Path`] !== undefined;

/** SPG-SFN-CALLBACK-TIMEOUT over any state machine of the app: one finding per callback task without a bound. */
export function checkStateMachineDefinition(_model: StackModel, subject: ModelResource): Finding[] {
  const definition = readDefinition(subject.props);
  if (definition === undefined) return []; // cannot tell
  return statesOf(definition).flatMap(({ name, state }) => {
    if (state?.Type !== 'Task' || typeof state.Resource !== 'string') return [];
    const violation = callbackTimeoutRule.check({
      waitsForTaskToken: state.Resource.endsWith('.waitForTaskToken'),
      hasTimeout: isSet(state, 'TimeoutSeconds'),
      hasHeartbeat: isSet(state, 'HeartbeatSeconds'),
    });
    return findingOf(subject, violation, false, `${subject.path} (state '${name}')`);
  });
}
