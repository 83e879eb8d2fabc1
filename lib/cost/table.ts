import * as path from 'path';
import type { CostLine } from './model';
import type { ConstructCostEstimate, ServerlessCostReportResult } from './report';

/** USD with cents, or four decimals below a cent so small figures do not read as zero. */
export function usd(value: number): string {
  if (value !== 0 && Math.abs(value) < 0.01) return `$${value.toFixed(4)}`;
  return `$${value.toFixed(2)}`;
}

/** One line; `serviceWidth` fits the longest service name of the report (at least 15) and a space. */
function row(l: CostLine, serviceWidth: number): string {
  return `    ${l.service.padEnd(serviceWidth)}${l.item.padEnd(52)}${usd(l.monthlyCost).padStart(10)}  ${l.formula}`;
}

/** What one stack's summary line covers. */
export interface CostSummaryScope {
  /** The estimates of the constructs in the stack. */
  readonly constructs: ConstructCostEstimate[];
  /** How many stacks get a summary line; with more than one, each line names the app's total too. */
  readonly stackCount: number;
  /** Where serverless-cost.json was written, if it was. */
  readonly file?: string;
}

/**
 * The one line per stack the report prints at synth by default: the total, how many constructs are
 * estimated, where the details are and how to ask for the table.
 */
export function renderCostSummary(report: ServerlessCostReportResult, scope: CostSummaryScope): string {
  const estimated = scope.constructs.filter((c) => c.estimated).length;
  const total = scope.stackCount > 1
    ? `${usd(scope.constructs.reduce((t, c) => t + c.monthlyCost, 0))} for this stack, ${usd(report.monthlyCost)} for the app`
    : usd(report.monthlyCost);
  const where = scope.file ? `details in ${displayPath(scope.file)}; ` : '';
  return `monthly cost estimate: ${total} (${pricesLabel(report)}; ${estimated} of ${scope.constructs.length} constructs estimated); `
    + `${where}the table: cdk synth -c cdk-serverless-patterns:costTable=true`;
}

function pricesLabel(report: ServerlessCostReportResult): string {
  return `${report.currency}, ${report.customPrices ? 'custom prices' : `${report.region} prices of ${report.pricesTakenOn}`}, before free tiers`;
}

/** A path relative to the working folder when it lies inside it (`cdk.out/serverless-cost.json`). */
function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

/**
 * The table the report prints at synth: per construct its total, its lines, its comparisons.
 * @param scopeLabel what the total covers, when it is more than the stack the note is printed under
 */
export function renderCostTable(report: ServerlessCostReportResult, scopeLabel?: string): string {
  const out: string[] = [
    `monthly cost estimate${scopeLabel ? ` of ${scopeLabel}` : ''}: ${usd(report.monthlyCost)} (${pricesLabel(report)})`,
  ];
  const width = Math.max(15, ...[...report.constructs.flatMap((c) => c.lines), ...report.appLines].map((l) => l.service.length)) + 1;
  const line = (l: CostLine) => row(l, width);
  for (const c of report.constructs) {
    if (!c.estimated) {
      out.push(`  ${c.path} (${c.constructType}): not estimated, ${c.notEstimatedReason ?? 'no expectedLoad'}`);
      continue;
    }
    out.push(`  ${c.path} (${c.constructType}): ${usd(c.monthlyCost)}`);
    out.push(...c.lines.map(line));
    for (const k of c.comparisons) {
      out.push(`    compare ${k.subject}: ${k.current} ${usd(k.currentMonthlyCost)}, ${k.alternative} ${usd(k.alternativeMonthlyCost)}`);
    }
  }
  if (report.appLines.length > 0) {
    out.push('  app-wide:');
    out.push(...report.appLines.map(line));
  }
  if (report.unconfirmedPrices.length > 0) {
    out.push(`  unconfirmed prices (as remembered, no page found to confirm; override them in prices): ${report.unconfirmedPrices.join(', ')}`);
  }
  return out.join('\n');
}
