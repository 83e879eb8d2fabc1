export { ServerlessDashboard, ServerlessDashboardProps } from './serverless-dashboard';
