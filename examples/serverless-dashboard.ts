import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ServerlessDashboard } from '../lib';

/**
 * The on-call dashboard of the demo: every construct of the library in the stack, each with its
 * signals and the state of its alarms (the alarms already notify `alarmTopic`). Built at
 * synthesis, so the constructs added after it appear too.
 */
export function addServerlessDashboardDemo(scope: Construct, _alarmTopic: sns.ITopic): ServerlessDashboard {
  return new ServerlessDashboard(scope, 'OnCallDashboard', { dashboardName: 'serverless-patterns-demo' });
}
