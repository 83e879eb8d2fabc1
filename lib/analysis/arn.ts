import type { Json } from './resource-props';

/**
 * A resolved CloudFormation string value (an ARN, a name) as one string: `Fn::Join` concatenated,
 * every other intrinsic rendered by `leaf` (e.g. `{ Ref: 'AWS::Partition' }` -> `aws`).
 * The one ARN flattener of the library: IAM analysis and cdk-nag finding ids both use it.
 */
export function flattenIntrinsics(value: Json, leaf: (intrinsic: Json) => string): string {
  if (typeof value === 'string') return value;
  const join = value?.['Fn::Join'];
  if (Array.isArray(join) && Array.isArray(join[1])) {
    return (join[1] as Json[]).map((part) => flattenIntrinsics(part, leaf)).join(String(join[0]));
  }
  return leaf(value);
}

/** Glob match of an IAM action or resource pattern (`*`, `?`), case-insensitive as IAM actions are. */
export function iamGlob(pattern: string, value: string): boolean {
  const regex = pattern.split('').map((ch) => {
    if (ch === '*') return '.*';
    if (ch === '?') return '.';
    return ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }).join('');
  return new RegExp(`^${regex}$`, 'is').test(value);
}
