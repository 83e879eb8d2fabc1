import { readdirSync, readFileSync } from 'fs';
import { join, relative } from 'path';
import * as ts from 'typescript';
import { Defaults } from '../lib/core/defaults';
import { ALARM_WINDOW_LIMITS } from '../lib/core/alarms';
import { AWS_LIMITS, AwsLimitRange, PAYLOAD_LIMITS, SQS_PROVISIONED_POLLERS } from '../lib/rules/limits';

const LIB = join(__dirname, '..', 'lib');
const TABLE_FILE = 'rules/limits.ts';
const SECONDS_PER: Record<string, number> = { millis: 0.001, seconds: 1, minutes: 60, hours: 3600, days: 86_400 };

/**
 * Values too common to scan for: counts and small times that code writes for reasons of its own
 * (a batch of 10, a period of 1 minute, a retry count of 2). Every other value of the table is a
 * limit wherever it appears.
 */
const TOO_COMMON = new Set([-1, 0, 1, 2, 3, 5, 10, 14, 24, 30, 60]);

/** Alarm and metric periods (5 minutes) are written everywhere; a limit of the same length is still caught as a number. */
const COMMON_PERIODS = new Set([300]);

const ranges = Object.values(AWS_LIMITS as Record<string, AwsLimitRange>);
const bounds = (l: { min?: number; max?: number; default?: number }) => [l.min, l.max, l.default].filter((v): v is number => v !== undefined);

/** Every number of the table, as written (seconds, days, MB, counts...). */
const LIMIT_VALUES = new Set([
  ...ranges.flatMap(bounds),
  ...Object.values(PAYLOAD_LIMITS).map((l) => l.value),
  ...bounds(SQS_PROVISIONED_POLLERS.minimumPollers), ...bounds(SQS_PROVISIONED_POLLERS.maximumPollers),
].filter((v) => !TOO_COMMON.has(v)));

/** Every time of the table in seconds, to catch `Duration.minutes(15)` as well as `900`. */
const LIMIT_SECONDS = new Set(ranges.filter((l) => SECONDS_PER[l.unit] !== undefined || l.unit === 'hours')
  .flatMap((l) => bounds(l).map((v) => v * (l.unit === 'hours' ? 3600 : SECONDS_PER[l.unit])))
  .filter((s) => s > 60 && !COMMON_PERIODS.has(s)));

/**
 * Where a table value appears in lib/ for a reason other than the limit, each with the reason.
 * Keyed by `<file>: <source text>`.
 */
const COINCIDENCES: Record<string, string> = {
  'core/defaults.ts: Duration.days(14)': 'the dead-letter retention is SQS\'s maximum; lib/core cannot import lib/rules, so a test below checks the two agree',
  'core/alarms.ts: Duration.days(7)': 'CloudWatch\'s longest alarm window, which the alarm recipe in lib/core checks; lib/core cannot import lib/rules, so a test below checks the two agree',
  'core/alarms.ts: Duration.days(1)': 'CloudWatch\'s longest window for periods under an hour (the table\'s alarmEvaluationRange states it), checked by the alarm recipe in lib/core',
  'core/known-props.ts: 100': 'a ranking score of the closest known prop name',
  'core/validation.ts: 1000': 'milliseconds per second (millis < 1000 means below one second)',
  'cost/model.ts: \'1,000\'': 'a price unit (per 1,000 requests or transitions)',
  'cost/model.ts: \'10,000\'': 'a price unit (KMS, per 10,000 requests)',
  'saga-state-machine/cost.ts: \'1,000\'': 'a price unit (per 1,000 executions or transitions)',
  'provisioned-api/provisioned-api.ts: \'100\'': 'a percentage in a metric math expression',
  'provisioned-api/validation.ts: \'100\'': 'a percentage, and an example request rate',
  'saga-state-machine/validation.ts: \'1000\'': 'the library\'s bound on a retry backoff rate, in its message',
  'scheduled-job/missed-run.ts: \'Duration.days(1)\'': 'an example run interval (a daily cron)',
  'scheduled-job/scheduled-job.ts: \'Duration.minutes(15)\'': 'an example of a window rounded to whole minutes',
  'provisioned-api/provisioned-api.ts: 100': 'the default throttling rate of the API (the library\'s choice)',
  'provisioned-api/provisioned-api.ts: 200': 'the default throttling burst of the API (the library\'s choice)',
  'provisioned-api/validation.ts: 100': 'a percentage (serverErrorRateThreshold)',
  'saga-state-machine/validation.ts: 1000': 'the library\'s bound on a retry backoff rate (Step Functions sets only the minimum, 1)',
  'scheduled-job/missed-run.ts: Duration.days(366)': 'the longest gap the missed-run alarm accepts: a yearly run in a leap year',
  'stream-worker/settings.ts: Duration.hours(6)': 'the iterator age alarm\'s threshold when maxRecordAge is a token: half the default maxRecordAge',
  'stream-worker/settings.ts: Duration.days(1)': 'the shortest failure bucket retention the library accepts',
  'stream-worker/settings.ts: Duration.days(7)': 'the longest iterator age alarm threshold the library accepts',
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** A literal used in arithmetic (`ms / 1000`, `x * 100`) converts units; it is not a limit. */
function isArithmeticOperand(node: ts.Node): boolean {
  const parent = node.parent;
  return ts.isBinaryExpression(parent) && [ts.SyntaxKind.AsteriskToken, ts.SyntaxKind.SlashToken, ts.SyntaxKind.PercentToken,
    ts.SyntaxKind.AsteriskAsteriskToken].includes(parent.operatorToken.kind);
}

/** Limits named in the text of a message or fix: `Duration.minutes(15)`, `900`, `10,000` (not `1.5`, not `v2`). */
function limitsInText(text: string): string[] {
  const hits: string[] = [];
  for (const m of text.matchAll(/Duration\.(\w+)\((\d+)\)/g)) {
    if (LIMIT_SECONDS.has(Number(m[2]) * (SECONDS_PER[m[1]] ?? NaN))) hits.push(m[0]);
  }
  for (const m of text.matchAll(/(?<![\w.,(])\d{1,3}(?:[,_]\d{3})+(?![\w.,]\d)|(?<![\w.,(])\d+(?![\w.,]?\d)/g)) {
    if (LIMIT_VALUES.has(Number(m[0].replace(/[,_]/g, '')))) hits.push(m[0]);
  }
  return hits;
}

/** `<file>: <text>` of every limit literal in the given source (numbers, and Durations of a table time). */
function limitLiterals(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isNumericLiteral(node) && LIMIT_VALUES.has(Number(node.text)) && !isArithmeticOperand(node)) {
      found.push(`${file}: ${node.getText(source)}`);
    }
    if (ts.isStringLiteralLike(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
      found.push(...limitsInText(node.text).map((hit) => `${file}: '${hit}'`));
    }
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.expression.getText(source) === 'Duration'
      && node.arguments.length === 1 && ts.isNumericLiteral(node.arguments[0])) {
      const unit = node.expression.name.text;
      const seconds = Number((node.arguments[0] as ts.NumericLiteral).text) * (SECONDS_PER[unit] ?? NaN);
      if (LIMIT_SECONDS.has(seconds)) found.push(`${file}: ${node.getText(source)}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('one table of AWS limits (lib/rules/limits.ts)', () => {
  test('every limit names the AWS page it comes from', () => {
    for (const [name, limit] of Object.entries(AWS_LIMITS as Record<string, AwsLimitRange>)) {
      expect([name, limit.source]).toEqual([name, expect.stringMatching(/^https:\/\/(docs\.aws\.amazon\.com|aws\.amazon\.com)\//)]);
      expect(limit.min !== undefined || limit.max !== undefined || limit.default !== undefined).toBe(true);
      if (limit.min !== undefined && limit.max !== undefined) expect(limit.min).toBeLessThanOrEqual(limit.max);
    }
  });

  test('no file of lib/ outside the table writes a limit of the table as a literal', () => {
    const found = sourceFiles(LIB)
      .map((f) => relative(LIB, f).split('\\').join('/'))
      .filter((f) => f !== TABLE_FILE)
      .flatMap((f) => limitLiterals(f, readFileSync(join(LIB, f), 'utf8')))
      .filter((hit) => !(hit in COINCIDENCES));
    expect(found).toEqual([]);
  });

  test('the scan finds a limit written as a number or as a Duration, in code or in a message, and skips unit conversions', () => {
    expect(limitLiterals('x.ts', 'validateIntegerRange(s, "memorySize", m, 128, 10240);')).toEqual(['x.ts: 128', 'x.ts: 10240']);
    expect(limitLiterals('x.ts', 'const max = Duration.minutes(15); const r = Duration.days(14); const v = Duration.hours(12);'))
      .toEqual(['x.ts: Duration.minutes(15)', 'x.ts: Duration.days(14)', 'x.ts: Duration.hours(12)']);
    expect(limitLiterals('x.ts', 'const t = 900; const age = 1_209_600; const w = 43200;')).toEqual(['x.ts: 900', 'x.ts: 1_209_600', 'x.ts: 43200']);
    expect(limitLiterals('x.ts', 'const s = ms / 1000; const pct = Math.round(x * 1000) / 10; // 900 in a comment')).toEqual([]);
    expect(limitLiterals('x.ts', "fix('set maxEventAge between Duration.seconds(60) and Duration.hours(6)'); msg(`at most 10,000 or 29 (v1.5)`);"))
      .toEqual(['x.ts: \'Duration.hours(6)\'', 'x.ts: \'10,000\'', 'x.ts: \'29\'']);
  });

  test('the coincidences allowed still exist (a stale entry would hide a new literal)', () => {
    const all = sourceFiles(LIB).map((f) => relative(LIB, f).split('\\').join('/'))
      .flatMap((f) => limitLiterals(f, readFileSync(join(LIB, f), 'utf8')));
    for (const key of Object.keys(COINCIDENCES)) expect(all).toContain(key);
  });

  test('lib/core, which cannot import lib/rules, keeps dead-letter messages for SQS\'s longest retention', () => {
    expect(Defaults.deadLetterRetention.toSeconds()).toBe(AWS_LIMITS.sqsRetention.max);
  });

  test('lib/core\'s alarm recipe checks CloudWatch\'s longest alarm window of the table', () => {
    expect(ALARM_WINDOW_LIMITS.longPeriodMaxWindow.toSeconds()).toBe(AWS_LIMITS.alarmEvaluationRange.max);
  });
});
