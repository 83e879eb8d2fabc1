import { CfnElement, Reference, Size, Stack, Token, Tokenization } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import type { ExpectedLoad } from '../../core/load';
import { invalidProp } from '../../core/validation';
import { alarms as alarmLine, CostLine, FUNCTION_LOGS, kmsKeys, lambdaDuration, lambdaInitDuration, lambdaRequests, logIngestion } from '../model';
import type { Prices } from '../prices';
import { AWS_LIMITS } from '../../rules/limits';

/** How an estimate is asked for: the prices, and the alternatives the report compares. */
export interface EstimateContext {
  readonly prices: Prices;
  /** Price every function on this architecture instead of its own (the ARM64 vs x86 comparison). */
  readonly architecture?: 'arm64' | 'x86_64';
  /** Price a saga as this type instead of its own (the STANDARD vs EXPRESS comparison). */
  readonly sagaType?: 'STANDARD' | 'EXPRESS';
  /** Price on-demand Kinesis streams in On-demand Advantage mode (an account setting). */
  readonly kinesisOnDemandAdvantage?: boolean;
}

/** An ExpectedLoad with its defaults applied, in plain numbers. */
export interface Load {
  readonly perMonth: number;
  readonly seconds: number;
  readonly payloadBytes: number;
  /** Undefined: the estimator's own default. */
  readonly logBytes?: number;
  readonly recordsPerInvocation?: number;
  /** Undefined: no failures priced. */
  readonly failureRate?: number;
  /** Whether the load named perMonth (a ScheduledJob counts its runs itself otherwise). */
  readonly perMonthGiven: boolean;
  /** Share of invocations that are cold starts, and the seconds of one INIT phase. */
  readonly coldStartShare: number;
  readonly initSeconds: number;
}

/** INIT seconds when the load names none: the bundled handlers' measured cold start (bench/RESULTS.md). */
export const DEFAULT_INIT_SECONDS = 0.11;
/** Cold-start share when the load names none (AWS: INITs occur in under 1% of invocations). */
export const DEFAULT_COLD_START_SHARE = 0.01;

/** Bytes of a Powertools idempotency record (key, status, expiry and a small result). */
export const IDEMPOTENCY_ITEM_BYTES = 1024;

/** The default log volume of one function invocation (START, END and REPORT lines plus a few JSON lines). */
export const DEFAULT_LOG_BYTES = 1024;

/** Applies the defaults; rejects loads that cannot be priced, naming the construct and the prop. */
/**
 * The first prop of an expected load that is a token (a CfnParameter, a reference), which a synth-time
 * estimate cannot price; undefined when every value is known.
 */
export function tokenInLoad(load: ExpectedLoad): string | undefined {
  const isToken = (value: number | undefined) => value !== undefined && Token.isUnresolved(value);
  const tokens: Array<[string, boolean | undefined]> = [
    ['perMonth', isToken(load.perMonth)], ['averageDuration', load.averageDuration?.isUnresolved()],
    ['payloadSize', load.payloadSize?.isUnresolved()], ['logBytesPerInvocation', load.logBytesPerInvocation?.isUnresolved()],
    ['recordsPerInvocation', isToken(load.recordsPerInvocation)], ['failureRate', isToken(load.failureRate)],
  ];
  return tokens.find(([, token]) => token)?.[0];
}

export function resolveLoad(scope: IConstruct, load: ExpectedLoad, perMonthOptional = false): Load {
  const prop = 'expectedLoad';
  if (load.perMonth === undefined) {
    if (!perMonthOptional) {
      invalidProp(scope, `${prop}.perMonth`, 'is required here (given none)',
        'set perMonth to the messages, requests, events, executions or records you expect per month');
    }
  } else if (!Number.isFinite(load.perMonth) || load.perMonth < 0) {
    invalidProp(scope, `${prop}.perMonth`, `must be a number of 0 or more (given ${load.perMonth})`,
      'set perMonth to the messages, requests, events or executions you expect per month');
  }
  const duration = load.averageDuration;
  const size = (value: Size | undefined, fallback?: number) => (value ? value.toBytes() : fallback);
  const records = load.recordsPerInvocation;
  if (records !== undefined && (!Number.isFinite(records) || records < 1)) {
    invalidProp(scope, `${prop}.recordsPerInvocation`, `must be 1 or more (given ${records})`,
      'set recordsPerInvocation between 1 and the batch size, or leave it unset for full batches');
  }
  const coldStartShare = load.coldStartShare;
  if (coldStartShare !== undefined && (Token.isUnresolved(coldStartShare) || !Number.isFinite(coldStartShare) || coldStartShare < 0
    || coldStartShare > 1)) {
    invalidProp(scope, `${prop}.coldStartShare`, `must be between 0 and 1 (given ${coldStartShare})`,
      'set coldStartShare to the share of invocations that start a new environment, e.g. 0.01');
  }
  if (load.initDuration?.isUnresolved()) {
    invalidProp(scope, `${prop}.initDuration`, 'must be a concrete duration (given a token)', 'use e.g. Duration.millis(150)');
  }
  const failureRate = load.failureRate;
  if (failureRate !== undefined && (!Number.isFinite(failureRate) || failureRate < 0 || failureRate > 1)) {
    invalidProp(scope, `${prop}.failureRate`, `must be between 0 and 1 (given ${failureRate})`,
      'set failureRate to the share of records that fail for good, e.g. 0.001');
  }
  return {
    perMonth: load.perMonth ?? 0,
    seconds: duration ? duration.toMilliseconds({ integral: false }) / 1000 : 0.1,
    payloadBytes: size(load.payloadSize, 1024)!,
    logBytes: size(load.logBytesPerInvocation),
    recordsPerInvocation: records,
    failureRate,
    perMonthGiven: load.perMonth !== undefined,
    coldStartShare: coldStartShare ?? DEFAULT_COLD_START_SHARE,
    initSeconds: load.initDuration ? load.initDuration.toMilliseconds({ integral: false }) / 1000 : DEFAULT_INIT_SECONDS,
  };
}

/** Memory and architecture of a function defined in the app; undefined for an imported one or tokens. */
export interface FunctionFacts {
  readonly memoryMb: number;
  readonly arm64: boolean;
}

export function functionFacts(fn: lambda.IFunction, ctx: EstimateContext): FunctionFacts | undefined {
  const cfn = fn.node.defaultChild;
  if (!(cfn instanceof lambda.CfnFunction)) return undefined;
  const stack = Stack.of(cfn);
  const memory = stack.resolve(cfn.memorySize) ?? AWS_LIMITS.lambdaMemory.default;
  const architectures = stack.resolve(cfn.architectures) as string[] | undefined;
  if (typeof memory !== 'number') return undefined;
  const own = architectures?.includes('arm64') ?? false;
  return { memoryMb: memory, arm64: ctx.architecture ? ctx.architecture === 'arm64' : own };
}

/**
 * Requests, duration and log ingestion of a function doing `units` of work of `seconds` each in
 * `invocations` invocations. Nothing for a function whose memory is unknown (imported).
 */
export function functionLines(fn: lambda.IFunction, invocations: number, units: number, load: Load, ctx: EstimateContext,
  label?: string): CostLine[] {
  const facts = functionFacts(fn, ctx);
  if (!facts) return [];
  const tag = (l: CostLine): CostLine => label ? { ...l, item: `${l.item} (${label})` } : l;
  return [
    lambdaRequests(invocations, ctx.prices),
    lambdaDuration(units, load.seconds, facts.memoryMb, facts.arm64, ctx.prices, units === invocations ? 'invocations' : 'records'),
    lambdaInitDuration(invocations, load.coldStartShare, load.initSeconds, facts.memoryMb, facts.arm64, ctx.prices),
    logIngestion(invocations, load.logBytes ?? DEFAULT_LOG_BYTES, ctx.prices, FUNCTION_LOGS),
  ].map(tag);
}

/** Metrics an alarm evaluates: 1, or each metric of its math expression. */
function alarmMetricCount(alarm: cloudwatch.Alarm): number {
  const config = alarm.metric.toMetricConfig();
  const using = config.mathExpression?.usingMetrics;
  return using ? Math.max(1, Object.keys(using).length) : 1;
}

/** The alarms line of a construct, or nothing without alarms. */
export function alarmLines(all: cloudwatch.Alarm[], ctx: EstimateContext): CostLine[] {
  if (all.length === 0) return [];
  return [alarmLine(all.length, all.reduce((n, a) => n + alarmMetricCount(a), 0), ctx.prices)];
}

/** The KMS keys created inside a construct (a key passed in is billed where it is defined). */
export function keyLines(construct: IConstruct, ctx: EstimateContext): CostLine[] {
  const keys = construct.node.findAll().filter((c) => c instanceof kms.CfnKey).length;
  return keys > 0 ? [kmsKeys(keys, ctx.prices)] : [];
}

/** A concrete number from an L1 attribute, or undefined (unset or a token). */
export function concrete(scope: IConstruct, value: unknown): number | undefined {
  const resolved = Stack.of(scope).resolve(value);
  return typeof resolved === 'number' ? resolved : undefined;
}

/**
 * The construct owning the resource a reference names: an unresolved one (any stack of the app), or a
 * resolved `Ref` or `Fn::GetAtt` of the stack.
 */
export function ownerOfReference(scope: IConstruct, reference: unknown): IConstruct | undefined {
  // Unresolved, a reference names its resource itself, in any stack of the app (resolved, a
  // cross-stack one is an import or a logical id of another stack).
  if (typeof reference === 'string' && Token.isUnresolved(reference)) {
    const token = Tokenization.reverseString(reference).firstToken;
    if (token instanceof Reference) return token.target.node.scope;
  }
  const stack = Stack.of(scope);
  const logicalId = JSON.stringify(reference ?? '').match(/"(?:Fn::GetAtt|Ref)":\[?"([A-Za-z0-9]+)"/)?.[1];
  if (!logicalId) return undefined;
  const resource = stack.node.findAll().find((c) => CfnElement.isCfnElement(c) && stack.getLogicalId(c) === logicalId);
  return resource?.node.scope;
}
