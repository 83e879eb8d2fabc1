import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { IConstruct } from 'constructs';
import { AsyncFunction } from '../../async-function';
import { DurableFunction } from '../../durable-function';
import { FanOutPipeline } from '../../fan-out-pipeline';
import { ProvisionedApi } from '../../provisioned-api';
import { ScheduledJob } from '../../scheduled-job';
import { StreamWorker } from '../../stream-worker';
import { SagaStateMachine } from '../../saga-state-machine';
import { SqsWorker } from '../../sqs-worker';
import { renderAsyncFunction } from './async-function';
import { renderDurableFunction } from './durable-function';
import { renderFanOutPipeline } from './fan-out-pipeline';
import { renderProvisionedApi } from './provisioned-api';
import { renderSagaStateMachine } from './saga-state-machine';
import { renderScheduledJob } from './scheduled-job';
import { renderSqsWorker } from './sqs-worker';
import { renderStreamWorker } from './stream-worker';

/**
 * How the dashboard shows one construct family: rows of widgets built from the construct's
 * public readonly resources, `metric*` methods and `alarms`. A new construct adds one file
 * `widgets/<construct>.ts` with its render function and one entry below.
 */
export interface DashboardRenderer {
  readonly name: string;
  readonly matches: (construct: IConstruct) => boolean;
  /** Rows, top to bottom; the widgets of a row are laid out left to right (24 columns). */
  readonly render: (construct: IConstruct) => cloudwatch.IWidget[][];
}

function renderer<T extends IConstruct>(name: string, type: abstract new (...args: any[]) => T,
  render: (construct: T) => cloudwatch.IWidget[][]): DashboardRenderer {
  return { name, matches: (c) => c instanceof type, render: (c) => render(c as T) };
}

/** Every construct family the dashboard shows, keyed by class (first match wins). */
export const DASHBOARD_RENDERERS: DashboardRenderer[] = [
  renderer('SqsWorker', SqsWorker, renderSqsWorker),
  renderer('FanOutPipeline', FanOutPipeline, renderFanOutPipeline),
  renderer('SagaStateMachine', SagaStateMachine, renderSagaStateMachine),
  renderer('ProvisionedApi', ProvisionedApi, renderProvisionedApi),
  renderer('AsyncFunction', AsyncFunction, renderAsyncFunction),
  renderer('StreamWorker', StreamWorker, renderStreamWorker),
  renderer('ScheduledJob', ScheduledJob, renderScheduledJob),
  renderer('DurableFunction', DurableFunction, renderDurableFunction),
];
