import * as sfn from 'aws-cdk-lib/aws-stepfunctions';

function isPlainObject(value: unknown): value is { [key: string]: unknown } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * A copy of `value` whose plain objects list their keys sorted, at every depth.
 *
 * A user's object that a template carries as JSON text (a schedule's payload, a Step Functions task
 * input) would otherwise keep the key order of the language it was written in: JavaScript, Python
 * and a Java `LinkedHashMap` keep insertion order, a Go map arrives sorted, a Java `Map.of` in any
 * order. Sorted keys give every language the same template. Arrays keep their order; tokens and
 * other class instances are returned as they are.
 */
export function sortedKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => sortedKeys(item)) as unknown as T;
  if (!isPlainObject(value)) return value;
  const sorted: { [key: string]: unknown } = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortedKeys(value[key]);
  return sorted as T;
}

/** The task input with its object form's keys sorted (see `sortedKeys`); text and JSONPath inputs as given. */
export function canonicalTaskInput(input: sfn.TaskInput | undefined): sfn.TaskInput | undefined {
  return input?.type === sfn.InputType.OBJECT ? sfn.TaskInput.fromObject(sortedKeys(input.value)) : input;
}
