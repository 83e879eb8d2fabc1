import type { PatternAlarmProps } from './alarms';
import { invalidProp, type PathScope } from './validation';

/**
 * Every key of a props interface, optional ones included, mapped to `true`. Typing a key list as
 * `KnownProps<XProps>` makes the compiler check it against the interface both ways: a prop added
 * to `XProps` but not to the list, or a list entry `XProps` does not have, fails the build.
 */
export type KnownProps<T> = { readonly [K in keyof Required<T>]: true };

/** A prop renamed since an earlier release: its new name and the version that renamed it. */
export interface RenamedProp {
  readonly to: string;
  readonly since: string;
}

/** Options of `rejectUnknownProps`. */
export interface UnknownPropsOptions {
  /** Old prop names and what they became. */
  readonly renamed?: Readonly<Record<string, RenamedProp>>;
  /** Prefix of the prop names in errors, for props nested in a list (e.g. `steps[2].`). */
  readonly prefix?: string;
}

/**
 * Rejects keys of `props` the construct does not know, so a JavaScript user's typo or a prop name
 * from an earlier release fails at synth instead of being silently ignored. The error names the
 * construct path, the prop and the closest known prop (or the new name of a renamed one). A key
 * whose value is `undefined` is let through: it sets nothing.
 */
export function rejectUnknownProps<T>(
  scope: PathScope, construct: string, props: T | undefined, known: KnownProps<T>,
  options: UnknownPropsOptions = {},
): void {
  if (props === undefined || props === null || typeof props !== 'object') return;
  const knownNames = Object.keys(known);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || Object.prototype.hasOwnProperty.call(known, key)) continue;
    const prop = `${options.prefix ?? ''}${key}`;
    const renamed = options.renamed ?? {};
    const rename = Object.prototype.hasOwnProperty.call(renamed, key) ? renamed[key] : undefined;
    if (rename) {
      invalidProp(scope, prop, `${construct} has no prop '${key}': it was renamed '${rename.to}' in ${rename.since}`,
        `did you mean '${rename.to}'?`);
    }
    const closest = closestName(key, knownNames);
    invalidProp(scope, prop, `${construct} has no prop '${key}'`,
      closest ? `did you mean '${closest}'?` : `remove it (known props: ${[...knownNames].sort().join(', ')})`);
  }
}

/**
 * The known name closest to `name`: case-insensitive edit distance, accepted when at most a third of
 * the longer name (2 edits at least) differs, or a known name that starts or ends with `name` (an old short
 * name such as `type` for `stateMachineType`). Undefined when nothing is close.
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: { candidate: string; score: number } | undefined;
  for (const candidate of candidates) {
    const other = candidate.toLowerCase();
    const distance = editDistance(lower, other);
    const affix = lower.length >= 3 && (other.startsWith(lower) || other.endsWith(lower));
    const close = distance <= Math.max(2, Math.floor(Math.max(lower.length, other.length) / 3));
    if (!close && !affix) continue;
    // Edits rank before affixes, so 'timout' finds 'timeout' rather than a longer '...Timeout'.
    const score = close ? distance : 100 + other.length;
    if (!best || score < best.score) best = { candidate, score };
  }
  return best?.candidate;
}

/** Levenshtein distance with adjacent transpositions (optimal string alignment). */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
    }
  }
  return rows[a.length][b.length];
}

/** The keys of `PatternAlarmProps`, which most construct props extend. */
export const PATTERN_ALARM_PROPS: KnownProps<PatternAlarmProps> = { alarmsEnabled: true, alarmTopic: true };
