import { GuardrailRule, GuardrailSeverity } from './ids';
import { defineRule } from './rule';

/** What the EXPRESS logging rule judges: a state machine's type and logging. */
export interface ExpressLoggingFacts {
  /** `STANDARD` or `EXPRESS`. */
  readonly stateMachineType?: string;
  /** Log level (`ALL`, `ERROR`, `FATAL`, `OFF`); undefined when not configured. */
  readonly level?: string;
  /** Number of log destinations. */
  readonly destinations?: number;
}

/**
 * An EXPRESS state machine logs its executions: Step Functions keeps no history for EXPRESS workflows.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html
 */
export const expressLoggingRule = defineRule<ExpressLoggingFacts>({
  id: GuardrailRule.EXPRESS_STATE_MACHINE_LOGGING,
  defaultSeverity: GuardrailSeverity.WARNING,
  summary: 'an EXPRESS state machine logs to a log group',
  check: ({ stateMachineType, level, destinations }) => {
    if (stateMachineType !== 'EXPRESS') return undefined;
    if (level !== undefined && level !== 'OFF' && (destinations ?? 0) > 0) return undefined;
    return {
      rule: GuardrailRule.EXPRESS_STATE_MACHINE_LOGGING,
      message: 'EXPRESS state machine without logging: Step Functions keeps no execution history for EXPRESS workflows, so a '
        + 'failed execution leaves no trace',
      fix: 'set logs: { destination: logGroup, level: sfn.LogLevel.ERROR } (with a retention on the log group)',
    };
  },
});
