import type { IConstruct } from 'constructs';

/**
 * The outermost constructs under `scope` (itself included) that `matches`, in tree order: a
 * match inside another match belongs to it (a FanOutPipeline's SqsWorkers come with the pipeline).
 */
export function outermost<T>(scope: IConstruct, matches: (construct: IConstruct) => T | undefined): Array<[IConstruct, T]> {
  const found: Array<[IConstruct, T]> = [];
  const taken = new Set<IConstruct>();
  for (const construct of scope.node.findAll()) {
    if (construct.node.scopes.some((s) => taken.has(s))) continue;
    const match = matches(construct);
    if (match === undefined) continue;
    taken.add(construct);
    found.push([construct, match]);
  }
  return found;
}
