import * as fs from 'fs';
import * as path from 'path';
import { AspectPriority, Aspects, IAspect, Stack, Stage } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { IConstruct } from 'constructs';
import { outermost } from '../core/collect';
import { synthNote } from '../core/notes';
import { COST_ESTIMATORS, CostEstimator } from './estimators';
import { keyLines, resolveLoad, tokenInLoad, type EstimateContext } from './estimators/common';
import { CostLine, dashboards, FUNCTION_LOGS, lambdaLogTierDiscount, natGateways, sum } from './model';
import { Prices, PRICES_TAKEN_ON, resolvePrices, ServerlessPriceTable, unconfirmedDefaults } from './prices';
import { renderCostSummary, renderCostTable } from './table';
import { rejectUnknownProps } from '../core/known-props';
import { SERVERLESS_COST_REPORT_PROPS } from './known-props';

/** Properties of a ServerlessCostReport. */
export interface ServerlessCostReportProps {
  /**
   * Prices that differ from the us-east-1 defaults (another region, a negotiated rate).
   * @default - us-east-1 list prices reviewed on 2026-12-07 (PRICE_SOURCES)
   */
  readonly prices?: ServerlessPriceTable;
  /**
   * Name of the JSON file written into the cloud assembly folder (the App's `outdir`).
   * @default 'serverless-cost.json'
   */
  readonly fileName?: string;
  /**
   * Price on-demand Kinesis streams in On-demand Advantage mode, the account setting (November 2025)
   * without a per-stream hourly charge and with lower data prices.
   * @see https://aws.amazon.com/blogs/big-data/amazon-kinesis-data-streams-launches-on-demand-advantage-for-instant-throughput-increases-and-streaming-at-scale
   * @default false (on-demand standard: per-stream hour plus data written and read)
   */
  readonly kinesisOnDemandAdvantage?: boolean;
}

/** The same construct priced another way: Lambda architecture, or saga type. */
export interface CostComparison {
  /** What is compared: `architecture` or `state machine type`. */
  readonly subject: string;
  /** The construct as configured, e.g. `arm64`, `STANDARD`. */
  readonly current: string;
  /** USD per month as configured. */
  readonly currentMonthlyCost: number;
  /** The other choice, e.g. `x86_64`, `EXPRESS`. */
  readonly alternative: string;
  /** USD per month with the other choice. */
  readonly alternativeMonthlyCost: number;
}

/** The estimate of one construct of this library. */
export interface ConstructCostEstimate {
  /** Construct path. */
  readonly path: string;
  /** Construct class, e.g. `SqsWorker`. */
  readonly constructType: string;
  /** False when the construct has no `expectedLoad`, or one with a token (then there are no lines). */
  readonly estimated: boolean;
  /**
   * Why the construct is not estimated.
   * @default - estimated, or no `expectedLoad`
   */
  readonly notEstimatedReason?: string;
  /** USD per month (0 when not estimated). */
  readonly monthlyCost: number;
  /** Each figure with its formula and price. */
  readonly lines: CostLine[];
  /** ARM64 vs x86_64, STANDARD vs EXPRESS. */
  readonly comparisons: CostComparison[];
}

/** The whole report, as printed and as written to `serverless-cost.json`. */
export interface ServerlessCostReportResult {
  /** Region of the default prices. */
  readonly region: string;
  /** Currency of every figure. */
  readonly currency: string;
  /** The day the default prices were taken. */
  readonly pricesTakenOn: string;
  /** Whether any default price was overridden. */
  readonly customPrices: boolean;
  /** USD per month for everything estimated. */
  readonly monthlyCost: number;
  /** Every construct of this library under the scope, estimated or not. */
  readonly constructs: ConstructCostEstimate[];
  /** Resources of the app outside the constructs: dashboards, NAT gateways, the Lambda log tiers. */
  readonly appLines: CostLine[];
  /**
   * Default prices in use that no page confirmed (as remembered; see `PRICE_SOURCES`), by name in
   * the price table: override them with your own figures to remove them from this list.
   */
  readonly unconfirmedPrices: string[];
}

const NOTE_ID = 'ServerlessCostReport.table';
/** Context key (`cdk synth -c cdk-serverless-patterns:costTable=true`) that prints the whole table. */
export const COST_TABLE_CONTEXT = 'cdk-serverless-patterns:costTable';
/** Environment variable (`CSP_COST_TABLE=true`) that prints the whole table. */
export const COST_TABLE_ENV = 'CSP_COST_TABLE';

/**
 * A synth-time estimate of the monthly cost of every construct of this library under a scope
 * (add it to the App), from each construct's `expectedLoad`: Lambda requests and GB-seconds by
 * architecture, provisioned concurrency, SQS requests (64 KB chunks, batch receives, the poller's
 * empty receives), SNS and EventBridge, Step Functions transitions or Express requests and
 * duration, DynamoDB idempotency writes, CloudWatch alarms, dashboards and log ingestion, KMS
 * keys and requests, NAT gateways. Each figure carries its formula and price; sagas are priced
 * as STANDARD and as EXPRESS, functions on arm64 and on x86_64.
 *
 * It writes `serverless-cost.json` into the cloud assembly folder and notes one line per stack at
 * synth (the total and where the file is); with the context key `cdk-serverless-patterns:costTable`
 * or the environment variable `CSP_COST_TABLE` set to `true` the note is the whole table. It runs with read-only priority, after
 * the aspects that change resources. Free tiers, data transfer, retries and failed work are not
 * priced.
 *
 * @example
 * import { App } from 'aws-cdk-lib';
 * import { ServerlessCostReport } from 'cdk-serverless-patterns';
 *
 * const app = new App();
 * ServerlessCostReport.of(app, { prices: { lambdaArm64PerGbSecond: 0.0000134 } });
 */
export class ServerlessCostReport implements IAspect {
  /** The day the default prices were taken (us-east-1). */
  public static readonly PRICES_TAKEN_ON = PRICES_TAKEN_ON;

  /** Adds a report to `scope` (usually the App) and returns it. */
  public static of(scope: IConstruct, props: ServerlessCostReportProps = {}): ServerlessCostReport {
    const report = new ServerlessCostReport(props);
    Aspects.of(scope).add(report, { priority: AspectPriority.READONLY });
    return report;
  }

  /** Name of the JSON file in the cloud assembly folder. */
  public readonly fileName: string;
  private readonly prices: Prices;
  private readonly customPrices: boolean;
  private readonly unconfirmedPrices: string[];
  private readonly kinesisOnDemandAdvantage: boolean;
  private readonly reportedRoots = new Set<IConstruct>();
  private last?: ServerlessCostReportResult;

  constructor(props: ServerlessCostReportProps = {}) {
    rejectUnknownProps({ node: { path: 'ServerlessCostReport' } }, 'ServerlessCostReport', props, SERVERLESS_COST_REPORT_PROPS);
    this.prices = resolvePrices(props.prices);
    this.customPrices = Object.values(props.prices ?? {}).some((v) => v !== undefined);
    this.unconfirmedPrices = unconfirmedDefaults(props.prices);
    this.kinesisOnDemandAdvantage = props.kinesisOnDemandAdvantage ?? false;
    this.fileName = props.fileName ?? 'serverless-cost.json';
  }

  /** The report of the last synth (undefined before the aspect ran). */
  public get result(): ServerlessCostReportResult | undefined {
    return this.last;
  }

  public visit(node: IConstruct): void {
    // Aspects visit top-down: the first node seen is the scope the report was added to.
    if (node.node.scopes.some((s) => this.reportedRoots.has(s))) return;
    this.reportedRoots.add(node);
    const result = this.estimate(node);
    this.last = result;
    const stacks = node.node.findAll().filter((c): c is Stack => Stack.isStack(c));
    const stage = Stage.isStage(node) ? node : Stage.of(node);
    const file = stage ? path.join(stage.outdir, this.fileName) : undefined;
    if (file) fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    if (stacks.length === 0) return;
    if (wantsTable(node)) {
      // The table sits on one stack; a total over several says it is the app's.
      const scopeLabel = !Stack.isStack(node) && stacks.length > 1
        ? `the app (${stacks.length} stacks: ${stacks.map((s) => s.node.path).join(', ')})` : undefined;
      synthNote(Stack.isStack(node) ? node : stacks[0], NOTE_ID, renderCostTable(result, scopeLabel));
      return;
    }
    const byStack = groupByStack(result.constructs, stacks);
    const noted = stacks.filter((s) => byStack.has(s));
    for (const stack of noted.length > 0 ? noted : [stacks[0]]) {
      synthNote(stack, NOTE_ID, renderCostSummary(result, { constructs: byStack.get(stack) ?? [], stackCount: noted.length, file }));
    }
  }

  /** Estimates every construct of this library under `scope` (what the aspect prints and writes). */
  public estimate(scope: IConstruct): ServerlessCostReportResult {
    const found = outermost(scope, (c) => COST_ESTIMATORS.find((e) => e.matches(c)));
    const constructs = found.map(([construct, estimator]) => this.estimateOne(construct, estimator));
    const all = scope.node.findAll();
    const appLines: CostLine[] = [];
    const dashboardCount = all.filter((c) => c instanceof cloudwatch.CfnDashboard).length;
    if (dashboardCount > 0) appLines.push(dashboards(dashboardCount, this.prices));
    const natCount = all.filter((c) => c instanceof ec2.CfnNatGateway).length;
    if (natCount > 0) appLines.push(natGateways(natCount, this.prices));
    const functionLogGb = constructs.flatMap((c) => c.lines)
      .filter((l) => l.service === 'CloudWatch Logs' && l.item.startsWith(`ingestion (${FUNCTION_LOGS})`))
      .reduce((total, l) => total + l.quantity, 0);
    const tiers = lambdaLogTierDiscount(functionLogGb, this.prices);
    if (tiers) appLines.push(tiers);
    return {
      region: 'us-east-1',
      currency: 'USD',
      pricesTakenOn: PRICES_TAKEN_ON,
      customPrices: this.customPrices,
      monthlyCost: constructs.reduce((total, c) => total + c.monthlyCost, 0) + sum(appLines),
      constructs,
      appLines,
      unconfirmedPrices: this.unconfirmedPrices,
    };
  }

  private estimateOne(construct: IConstruct, estimator: CostEstimator): ConstructCostEstimate {
    const expected = estimator.loadOf(construct);
    const base = { path: construct.node.path, constructType: estimator.name };
    if (!expected) return { ...base, estimated: false, monthlyCost: 0, lines: [], comparisons: [] };
    // A CfnParameter or reference is never bad input; it is just not known until deployment.
    const token = tokenInLoad(expected);
    if (token) {
      return { ...base, estimated: false, monthlyCost: 0, lines: [], comparisons: [],
        notEstimatedReason: `expectedLoad.${token} is a token (known only at deploy time); give a number to estimate` };
    }
    const load = resolveLoad(construct, expected, estimator.countsOwnUnits);
    const kinesisOnDemandAdvantage = this.kinesisOnDemandAdvantage;
    const price = (ctx: EstimateContext) => [...estimator.estimate(construct, load, { kinesisOnDemandAdvantage, ...ctx }),
      ...keyLines(construct, ctx)];
    const lines = price({ prices: this.prices });
    const monthlyCost = sum(lines);
    const comparisons: CostComparison[] = [];

    const arm = sum(price({ prices: this.prices, architecture: 'arm64' }));
    const x86 = sum(price({ prices: this.prices, architecture: 'x86_64' }));
    if (Math.abs(arm - x86) > 1e-12) {
      const current = close(monthlyCost, arm) ? 'arm64' : close(monthlyCost, x86) ? 'x86_64' : 'mixed';
      const alternative = current === 'arm64' ? 'x86_64' : 'arm64';
      comparisons.push({
        subject: 'architecture', current, currentMonthlyCost: monthlyCost,
        alternative: `all functions on ${alternative}`, alternativeMonthlyCost: alternative === 'arm64' ? arm : x86,
      });
    }
    if (estimator.comparesSagaTypes?.(construct)) {
      const standard = sum(price({ prices: this.prices, sagaType: 'STANDARD' }));
      const express = sum(price({ prices: this.prices, sagaType: 'EXPRESS' }));
      const current = close(monthlyCost, express) && !close(monthlyCost, standard) ? 'EXPRESS' : 'STANDARD';
      comparisons.push({
        subject: 'state machine type', current, currentMonthlyCost: monthlyCost,
        alternative: current === 'STANDARD' ? 'EXPRESS' : 'STANDARD',
        alternativeMonthlyCost: current === 'STANDARD' ? express : standard,
      });
    }
    return { ...base, estimated: true, monthlyCost, lines, comparisons };
  }
}

/** The table instead of the one-line summary: the context key or the environment variable set to true. */
function wantsTable(scope: IConstruct): boolean {
  const context: unknown = scope.node.tryGetContext(COST_TABLE_CONTEXT);
  return context === true || context === 'true' || process.env[COST_TABLE_ENV] === 'true';
}

/** The estimates of each stack (the innermost stack whose path holds the construct's). */
function groupByStack(constructs: ConstructCostEstimate[], stacks: Stack[]): Map<Stack, ConstructCostEstimate[]> {
  const byDepth = [...stacks].sort((a, b) => b.node.path.length - a.node.path.length);
  const groups = new Map<Stack, ConstructCostEstimate[]>();
  for (const c of constructs) {
    const stack = byDepth.find((s) => c.path.startsWith(`${s.node.path}/`));
    if (stack) groups.set(stack, [...groups.get(stack) ?? [], c]);
  }
  return groups;
}

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));
}
