import { GuardrailRule, GuardrailSeverity } from './ids';
import { defineRule } from './rule';

/** What the provisioned-above-reserved rule judges: a function's provisioned and reserved concurrency. */
export interface ProvisionedAboveReservedFacts {
  /** Provisioned concurrency summed over the function's aliases and versions. */
  readonly provisioned?: number;
  readonly reserved?: number;
  /** Where the provisioned concurrency sits (e.g. `path: 8`), to name it. */
  readonly provisionedOn?: string[];
}

/**
 * Provisioned concurrency of a function is at most its reserved concurrency (Lambda rejects more).
 * @see https://docs.aws.amazon.com/lambda/latest/dg/provisioned-concurrency.html
 */
export const provisionedAboveReservedRule = defineRule<ProvisionedAboveReservedFacts>({
  id: GuardrailRule.PROVISIONED_ABOVE_RESERVED,
  defaultSeverity: GuardrailSeverity.ERROR,
  summary: 'provisioned concurrency is at most the reserved concurrency of the function',
  check: ({ provisioned, reserved, provisionedOn }) => {
    if (provisioned === undefined || reserved === undefined || provisioned <= reserved) return undefined;
    return {
      rule: GuardrailRule.PROVISIONED_ABOVE_RESERVED,
      message: `provisioned concurrency ${provisioned}${provisionedOn && provisionedOn.length > 0 ? ` (${provisionedOn.join(', ')})` : ''} `
        + `exceeds the function's reserved concurrency ${reserved}: Lambda rejects the deployment, since it cannot keep more `
        + 'environments warm than the function may run',
      fix: reserved >= 1 ? `lower provisionedConcurrency to ${reserved} or raise reservedConcurrency to ${provisioned}`
        : `raise reservedConcurrency to ${provisioned} (0 stops every invocation)`,
    };
  },
});

/** What the provisioned-on-$LATEST rule judges: an alias with provisioned concurrency. */
export interface ProvisionedOnLatestFacts {
  readonly provisioned?: number;
  /** The version the alias points at. */
  readonly functionVersion?: string;
}

/** Provisioned concurrency sits on a published version, never on `$LATEST`. */
export const provisionedOnLatestRule = defineRule<ProvisionedOnLatestFacts>({
  id: GuardrailRule.PROVISIONED_ON_LATEST,
  defaultSeverity: GuardrailSeverity.ERROR,
  summary: 'provisioned concurrency is on an alias of a published version, not of $LATEST',
  check: ({ provisioned, functionVersion }) => {
    if (provisioned === undefined || functionVersion !== '$LATEST') return undefined;
    return {
      rule: GuardrailRule.PROVISIONED_ON_LATEST,
      message: 'provisioned concurrency on an alias of $LATEST: Lambda only provisions published versions and rejects the deployment',
      fix: 'point the alias at a version (fn.currentVersion) and configure provisioned concurrency there',
    };
  },
});

/** What the provisioned-bypassed rule judges: where provisioned concurrency sits and who calls $LATEST. */
export interface ProvisionedBypassedFacts {
  /** Aliases and versions with provisioned concurrency. */
  readonly provisionedOn?: string[];
  /** Triggers that invoke the unqualified function ($LATEST). */
  readonly unqualifiedCallers?: string[];
}

/** Triggers of a function with provisioned concurrency invoke the alias or version that holds it. */
export const provisionedBypassedRule = defineRule<ProvisionedBypassedFacts>({
  id: GuardrailRule.PROVISIONED_BYPASSED,
  defaultSeverity: GuardrailSeverity.WARNING,
  summary: 'triggers of a function with provisioned concurrency invoke the alias or version that holds it',
  check: ({ provisionedOn = [], unqualifiedCallers = [] }) => {
    if (provisionedOn.length === 0 || unqualifiedCallers.length === 0) return undefined;
    return {
      rule: GuardrailRule.PROVISIONED_BYPASSED,
      message: `provisioned concurrency is configured on ${provisionedOn.join(', ')}, but ${unqualifiedCallers.join(', ')} `
        + `invoke${unqualifiedCallers.length === 1 ? 's' : ''} the unqualified function ($LATEST), which never uses it: those requests `
        + 'cold-start while the provisioned environments idle and are billed',
      fix: 'point the trigger at the alias (e.g. new HttpLambdaIntegration(\'Api\', alias), alias.addEventSource(...))',
    };
  },
});
