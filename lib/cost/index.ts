export { ExpectedLoad } from '../core/load';
export { CostLine } from './model';
export { ServerlessPriceTable } from './prices';
export {
  ConstructCostEstimate, CostComparison, ServerlessCostReport, ServerlessCostReportProps, ServerlessCostReportResult,
} from './report';
