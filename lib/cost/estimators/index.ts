import type { IConstruct } from 'constructs';
import { AsyncFunction } from '../../async-function';
import { DurableFunction } from '../../durable-function';
import type { ExpectedLoad } from '../../core/load';
import { FanOutPipeline } from '../../fan-out-pipeline';
import { ProvisionedApi } from '../../provisioned-api';
import { SagaStateMachine } from '../../saga-state-machine';
import { ScheduledJob } from '../../scheduled-job';
import { SqsWorker } from '../../sqs-worker';
import { StreamWorker } from '../../stream-worker';
import type { CostLine } from '../model';
import { estimateAsyncFunction } from './async-function';
import { estimateDurableFunction } from './durable-function';
import type { EstimateContext, Load } from './common';
import { estimateFanOutPipeline } from './fan-out-pipeline';
import { estimateProvisionedApi } from './provisioned-api';
import { estimateSagaStateMachine } from './saga-state-machine';
import { estimateScheduledJob } from './scheduled-job';
import { estimateSqsWorker } from './sqs-worker';
import { estimateStreamWorker } from './stream-worker';

/**
 * How the cost report prices one construct family. A new construct
 * adds one file with its estimate function and one entry below: the class to match, its
 * expected load (a public readonly `expectedLoad`), and the lines for a resolved load.
 */
export interface CostEstimator {
  readonly name: string;
  readonly matches: (construct: IConstruct) => boolean;
  readonly loadOf: (construct: IConstruct) => ExpectedLoad | undefined;
  readonly estimate: (construct: IConstruct, load: Load, ctx: EstimateContext) => CostLine[];
  /** The report compares STANDARD with EXPRESS for it (only where the construct could run as EXPRESS). */
  readonly comparesSagaTypes?: (construct: IConstruct) => boolean;
  /** The construct counts its own units of work (a ScheduledJob its runs): `expectedLoad.perMonth` may be left out. */
  readonly countsOwnUnits?: boolean;
}

function estimator<T extends IConstruct & { readonly expectedLoad?: ExpectedLoad }>(
  name: string, type: abstract new (...args: any[]) => T,
  estimate: (construct: T, load: Load, ctx: EstimateContext) => CostLine[], comparesSagaTypes?: (construct: T) => boolean,
  countsOwnUnits?: boolean): CostEstimator {
  return {
    name,
    matches: (c) => c instanceof type,
    loadOf: (c) => (c as T).expectedLoad,
    estimate: (c, load, ctx) => estimate(c as T, load, ctx),
    comparesSagaTypes: comparesSagaTypes ? (c) => comparesSagaTypes(c as T) : undefined,
    countsOwnUnits,
  };
}

/** Every construct family the report prices, keyed by class (first match wins). */
export const COST_ESTIMATORS: CostEstimator[] = [
  estimator('SqsWorker', SqsWorker, (c, load, ctx) => estimateSqsWorker(c, load, ctx)),
  estimator('FanOutPipeline', FanOutPipeline, estimateFanOutPipeline),
  // A saga with a callback step cannot run as EXPRESS (its cost estimate says so): no such comparison.
  estimator('SagaStateMachine', SagaStateMachine, estimateSagaStateMachine, (saga) => saga.costEstimate.expressPerThousand !== undefined),
  estimator('ProvisionedApi', ProvisionedApi, estimateProvisionedApi),
  estimator('AsyncFunction', AsyncFunction, estimateAsyncFunction),
  estimator('StreamWorker', StreamWorker, estimateStreamWorker),
  // Runs come from the schedule: perMonth is optional.
  estimator('ScheduledJob', ScheduledJob, estimateScheduledJob, undefined, true),
  estimator('DurableFunction', DurableFunction, estimateDurableFunction),
];
