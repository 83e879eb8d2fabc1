import { App } from 'aws-cdk-lib';
import { HIPAASecurityChecks, NIST80053R5Checks, NagPack } from 'cdk-nag';
import { envStack, LIBRARY_CONSTRUCTS } from './guardrails-support';

test('measure', () => {
  const out: string[] = [];
  for (const pack of [new HIPAASecurityChecks(), new NIST80053R5Checks()] as NagPack[]) {
    const byRule: Record<string, number> = {};
    let total = 0;
    const lines: string[] = [];
    for (const [name, , create] of LIBRARY_CONSTRUCTS) {
      const c = create(envStack(new App(), 'S'));
      for (const v of pack.validateScope(c).violations) {
        for (const r of v.violatingResources) { byRule[v.ruleName] = (byRule[v.ruleName] ?? 0) + 1; total++; lines.push(`${name} ${v.severity} ${v.ruleName} @ ${r.constructPath}`); }
      }
    }
    out.push(`${pack.readPackName} total=${total} ${JSON.stringify(byRule, null, 1)}`);
    out.push(...lines);
  }
  require('fs').writeFileSync('/tmp/cmp/after-defaults.txt', out.join('\n'));
});
