import { GuardrailRule, GuardrailSeverity } from './ids';
import { defineRule } from './rule';

/** What the callback-timeout rule judges: one Task state. Undefined = unknown. */
export interface CallbackTimeoutFacts {
  /** The task's Resource ends in `.waitForTaskToken`. */
  readonly waitsForTaskToken?: boolean;
  /** `TimeoutSeconds` or `TimeoutSecondsPath` is set. */
  readonly hasTimeout?: boolean;
  /** `HeartbeatSeconds` or `HeartbeatSecondsPath` is set. */
  readonly hasHeartbeat?: boolean;
}

/**
 * A `.waitForTaskToken` task needs `TimeoutSeconds` or `HeartbeatSeconds`: without either it waits
 * until the execution times out (up to a year for STANDARD), and no ExecutionsFailed alarm fires.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#wait-token-hearbeat
 */
export const callbackTimeoutRule = defineRule<CallbackTimeoutFacts>({
  id: GuardrailRule.SFN_CALLBACK_TIMEOUT,
  defaultSeverity: GuardrailSeverity.ERROR,
  summary: 'a waitForTaskToken task has TimeoutSeconds or HeartbeatSeconds',
  check: ({ waitsForTaskToken, hasTimeout, hasHeartbeat }) => {
    if (waitsForTaskToken !== true || hasTimeout !== false || hasHeartbeat !== false) return undefined;
    return {
      rule: GuardrailRule.SFN_CALLBACK_TIMEOUT,
      message: 'the waitForTaskToken task has neither TimeoutSeconds nor HeartbeatSeconds: if the callback never comes '
        + 'it waits until the execution times out (up to a year) and no ExecutionsFailed alarm fires',
      fix: 'set a task timeout (taskTimeout: sfn.Timeout.duration(...), or SagaTask.callbackVia*(..., { timeout })) '
        + 'and, for long waits, a heartbeat below it',
    };
  },
});
