import { type KnownProps } from '../core/known-props';
import type { ServerlessCostReportProps } from './report';

/** The keys of `ServerlessCostReportProps`. */
export const SERVERLESS_COST_REPORT_PROPS: KnownProps<ServerlessCostReportProps> = {
  prices: true, fileName: true, kinesisOnDemandAdvantage: true,
};
