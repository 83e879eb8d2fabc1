import { logger } from '@cdk-serverless-patterns/runtime/logger';
import { createScheduledJobHandler } from '@cdk-serverless-patterns/runtime/scheduled-job';
import { reportWindow } from './report';

/** Example job deployed by the demo app: the nightly report, once per occurrence. */
export const handler = createScheduledJobHandler(async (event) => {
  const window = reportWindow(event.scheduledTime);
  logger.info('nightly report built', { ...window });
  return window;
});
