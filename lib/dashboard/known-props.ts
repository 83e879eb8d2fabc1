import { type KnownProps } from '../core/known-props';
import type { ServerlessDashboardProps } from './serverless-dashboard';

/** The keys of `ServerlessDashboardProps`. */
export const SERVERLESS_DASHBOARD_PROPS: KnownProps<ServerlessDashboardProps> = {
  scope: true, dashboardName: true, defaultInterval: true,
};
