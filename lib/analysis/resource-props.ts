import { CfnResource, Stack } from 'aws-cdk-lib';

/** A resolved CloudFormation value (JSON after token resolution). */
export type Json = any;

/**
 * Properties whose values are free-form JSON in CloudFormation (policy documents, filter and
 * redrive policies, event patterns, environment variables, ...): their keys are kept as given.
 */
const VERBATIM = new Set([
  'PolicyDocument', 'AssumeRolePolicyDocument', 'RedrivePolicy', 'RedriveAllowPolicy', 'FilterPolicy',
  'DeliveryPolicy', 'EventPattern', 'Definition', 'DefinitionSubstitutions', 'DefinitionString', 'Variables',
  'Pattern', 'Tags', 'Metadata', 'Input', 'InputTemplate', 'Parameters',
]);

/** A `lowerCamel` key of a typed L1 attribute (never an intrinsic such as `Ref` or `Fn::Join`). */
const CAMEL_KEY = /^[a-z][A-Za-z0-9]*$/;

/**
 * A resource's properties in CloudFormation shape, read through public API only:
 *
 * - a generated L1 (`CfnQueue`, `CfnFunction`, ...): its typed public attributes (the getters the
 *   class declares, e.g. `CfnQueue.visibilityTimeout`), resolved with `stack.resolve` and keyed the
 *   CloudFormation way (`visibilityTimeout` -> `VisibilityTimeout`, nested structs too; free-form
 *   JSON values such as policy documents are kept as given);
 * - a raw `CfnResource` (custom resources such as `Custom::S3BucketNotifications`), which has no
 *   typed attributes: the CloudFormation properties it was created with (`cfnProperties`, the
 *   documented accessor of `CfnResource`), resolved.
 *
 * Raw overrides (`addPropertyOverride`, `addOverride`) are not part of either and are not seen.
 * This is the construct-side read (a construct validating its own props while the tree is built);
 * `ServerlessGuardrails` and `ConcurrencyBudget` read the template as synthesis renders it instead.
 */
export function resolveProperties(stack: Stack, resource: CfnResource): Json {
  const attributes = typedAttributes(resource);
  if (attributes.length === 0) {
    const raw = (resource as unknown as { readonly cfnProperties: Json }).cfnProperties;
    return stack.resolve(raw) ?? {};
  }
  const props: Json = {};
  for (const name of attributes) {
    const value = stack.resolve((resource as unknown as Record<string, unknown>)[name]);
    if (value === undefined) continue;
    const key = cloudFormationKey(name);
    props[key] = VERBATIM.has(key) ? value : cloudFormationCase(value);
  }
  return props;
}

/** Names of the typed property getters an L1 class declares (attributes and references left out). */
function typedAttributes(resource: CfnResource): string[] {
  const names: string[] = [];
  let proto = Object.getPrototypeOf(resource);
  while (proto && proto !== CfnResource.prototype && proto !== Object.prototype) {
    for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(proto))) {
      if (!descriptor.get || name === 'cfnProperties' || name === 'tagsRaw' || /^attr[A-Z]/.test(name) || /Ref$/.test(name)) continue;
      if (!names.includes(name)) names.push(name);
    }
    proto = Object.getPrototypeOf(proto);
  }
  return names;
}

function cloudFormationKey(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** Keys of typed structs in CloudFormation case, recursively (free-form JSON values kept). */
function cloudFormationCase(value: Json): Json {
  if (Array.isArray(value)) return value.map(cloudFormationCase);
  if (!value || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [key, inner] of Object.entries(value)) {
    const mapped = CAMEL_KEY.test(key) ? cloudFormationKey(key) : key;
    out[mapped] = VERBATIM.has(mapped) ? inner : cloudFormationCase(inner);
  }
  return out;
}
