import { Duration } from 'aws-cdk-lib';

/**
 * Prices and assumptions of the saga's cost estimate. The defaults are the prices of the source
 * notes and of the AWS pricing page (us-east-1, first tier, no free tier); set your region's.
 * @see https://aws.amazon.com/step-functions/pricing/
 */
export interface SagaCostAssumptions {
  /**
   * STANDARD: price of 1,000 state transitions, in USD.
   * @default 0.025
   */
  readonly pricePerThousandTransitions?: number;
  /**
   * EXPRESS: price of one million requests (executions started), in USD.
   * @default 1.00
   */
  readonly expressPricePerMillionRequests?: number;
  /**
   * EXPRESS: price of one GB-second of duration, in USD.
   * @default 0.00001667
   */
  readonly expressPricePerGbSecond?: number;
  /**
   * EXPRESS: assumed duration of one execution (billed rounded up to 100 ms).
   * @default Duration.seconds(1)
   */
  readonly expressDuration?: Duration;
  /**
   * EXPRESS: assumed memory of one execution, in MB (billed in 64 MB chunks; it grows with the
   * definition and payload size).
   * @default 64
   */
  readonly expressMemoryMb?: number;
}

/** What the saga's executions cost, per 1,000 executions, from its states (retries excluded: each adds one transition). */
export interface SagaCostEstimate {
  /** States entered when every step succeeds. */
  readonly happyPathTransitions: number;
  /**
   * States entered on the longest failure path: the last step (or every branch of a final group)
   * fails, every compensation runs, and the last one fails (CompensationFailed).
   */
  readonly worstFailurePathTransitions: number;
  /** STANDARD, USD per 1,000 executions on the happy path. */
  readonly standardHappyPathPerThousand: number;
  /** STANDARD, USD per 1,000 executions on the worst failure path. */
  readonly standardWorstFailurePathPerThousand: number;
  /** EXPRESS, USD per 1,000 executions (requests + duration); undefined when the saga cannot run as EXPRESS (callback steps). */
  readonly expressPerThousand?: number;
}

/** The shape of one top-level step, as far as counting states goes. */
export interface CostStep {
  readonly hasCompensation: boolean;
  readonly compensatesOwnFailure: boolean;
  /** Branches of a parallel group (undefined for a plain step). */
  readonly branches?: CostStep[];
}

/** States of a step's compensation segment when the step completed, and how many of them are compensation tasks. */
function segment(step: CostStep): { states: number; tasks: number } {
  if (!step.branches) return { states: step.hasCompensation ? 1 : 0, tasks: step.hasCompensation ? 1 : 0 };
  // A branch compensation is a Choice ("completed?") and the task; compensatesOwnFailure skips the Choice.
  const compensated = step.branches.filter((b) => b.hasCompensation);
  return { states: compensated.reduce((n, b) => n + (b.compensatesOwnFailure ? 1 : 2), 0), tasks: compensated.length };
}

/** States entered on success: the task, or Parallel + one per branch + the Check choice. */
const success = (step: CostStep) => step.branches ? step.branches.length + 2 : 1;

/** One branch of a failing group: its states (its part of the group's compensation segment included) and compensation tasks. */
function branchOutcome(branch: CostStep, failed: boolean): { states: number; tasks: number } {
  if (!branch.hasCompensation) return { states: failed ? 2 : 1, tasks: 0 };
  const choice = branch.compensatesOwnFailure ? 0 : 1;
  const runs = !failed || branch.compensatesOwnFailure;
  return { states: (failed ? 2 : 1) + choice + (runs ? 1 : 0), tasks: runs ? 1 : 0 };
}

/**
 * The failing step's own states and compensation tasks, at its worst: for a group, the subset of
 * failed branches (at least one) with the most states, counting the 2 extra states at the end
 * when a compensation runs (it can be the one that fails).
 */
function failingStep(step: CostStep, earlierTasks: number): { states: number; tasks: number } {
  if (!step.branches) {
    const own = step.compensatesOwnFailure ? 1 : 0; // the action, "<name> failed" (+ its own compensation)
    return { states: 2 + own, tasks: own };
  }
  const branches = step.branches;
  let best = { states: 0, tasks: 0 };
  for (let mask = 1; mask < 1 << branches.length; mask++) {
    const outcomes = branches.map((b, i) => branchOutcome(b, (mask & (1 << i)) !== 0));
    const candidate = {
      states: 3 + outcomes.reduce((n, o) => n + o.states, 0), // Parallel, branches, Check, "<group> failed"
      tasks: outcomes.reduce((n, o) => n + o.tasks, 0),
    };
    const score = (c: { states: number; tasks: number }) => c.states + (c.tasks + earlierTasks > 0 ? 2 : 0);
    if (score(candidate) > score(best)) best = candidate;
  }
  return best;
}

/** Transitions of the happy path and of the worst failure path (see SagaCostEstimate). */
export function countTransitions(steps: CostStep[]): { happy: number; worst: number } {
  const happy = 2 + steps.reduce((n, s) => n + success(s), 0); // Start ... Succeeded
  let worst = 0;
  steps.forEach((step, k) => {
    const earlier = steps.slice(0, k);
    const before = 1 + earlier.reduce((n, s) => n + success(s), 0);
    const rollback = earlier.map(segment);
    const failing = failingStep(step, rollback.reduce((n, r) => n + r.tasks, 0));
    const tasks = failing.tasks + rollback.reduce((n, r) => n + r.tasks, 0);
    // SagaFailed (1), or when a compensation ran and the last one fails: "Compensate x failed",
    // RecordCompensationFailure, CompensationFailed (3).
    const end = tasks > 0 ? 3 : 1;
    worst = Math.max(worst, before + failing.states + rollback.reduce((n, r) => n + r.states, 0) + end);
  });
  return { happy, worst };
}

/** Dollars per 1,000 executions for both workflow types. */
export function estimateCost(steps: CostStep[], expressPossible: boolean, assumptions: SagaCostAssumptions = {}): SagaCostEstimate {
  const { happy, worst } = countTransitions(steps);
  const perTransition = (assumptions.pricePerThousandTransitions ?? 0.025) / 1000;
  const duration = assumptions.expressDuration ?? Duration.seconds(1);
  const billedSeconds = Math.ceil(duration.toMilliseconds() / 100) / 10;
  const billedGb = (Math.ceil((assumptions.expressMemoryMb ?? 64) / 64) * 64) / 1024;
  const expressPerExecution = (assumptions.expressPricePerMillionRequests ?? 1.0) / 1e6
    + billedSeconds * billedGb * (assumptions.expressPricePerGbSecond ?? 0.00001667);
  return {
    happyPathTransitions: happy,
    worstFailurePathTransitions: worst,
    standardHappyPathPerThousand: happy * perTransition * 1000,
    standardWorstFailurePathPerThousand: worst * perTransition * 1000,
    expressPerThousand: expressPossible ? expressPerExecution * 1000 : undefined,
  };
}

const usd = (value: number) => `$${value.toFixed(4)}`;

/** The info annotation's text. */
export function describeCost(estimate: SagaCostEstimate, assumptions: SagaCostAssumptions = {}, expressBlocker?: string): string {
  const duration = assumptions.expressDuration ?? Duration.seconds(1);
  return `cost per 1,000 executions: STANDARD ${usd(estimate.standardHappyPathPerThousand)} on the happy path `
    + `(${estimate.happyPathTransitions} state transitions) and ${usd(estimate.standardWorstFailurePathPerThousand)} on the worst `
    + `failure path (${estimate.worstFailurePathTransitions} transitions) at $${assumptions.pricePerThousandTransitions ?? 0.025} `
    + 'per 1,000 transitions, each retry one more; EXPRESS '
    + (estimate.expressPerThousand === undefined
      ? `not possible (${expressBlocker})`
      : `${usd(estimate.expressPerThousand)} ($${assumptions.expressPricePerMillionRequests ?? 1} per million requests + `
        + `${duration.toHumanString()} at ${assumptions.expressMemoryMb ?? 64} MB x $${assumptions.expressPricePerGbSecond ?? 0.00001667} `
        + 'per GB-second, an assumed duration)')
    + '. Change the prices with costAssumptions.';
}
