import { Annotations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { WARNING_ID_PREFIX } from './validation';

/**
 * Figures a user needs at synth (costs, concurrency totals, next run times): an info annotation,
 * and, when the app runs under the CDK CLI, a line on stderr. The CLI hides info annotations as
 * soon as any warning exists, so an annotation alone does not reach the terminal.
 */
const pendingNotes = new WeakMap<IConstruct, string[]>();

/** Adds a synth-time note with the acknowledgeable id `cdk-serverless-patterns:<id>`. */
export function synthNote(scope: IConstruct, id: string, message: string): void {
  Annotations.of(scope).addInfoV2(`${WARNING_ID_PREFIX}:${id}`, message);
  if (!runsUnderCdkCli()) return;
  const root = scope.node.root;
  let lines = pendingNotes.get(root);
  if (!lines) {
    lines = [];
    pendingNotes.set(root, lines);
    const printed = lines;
    // Validation runs during app.synth(), after every aspect (e.g. ConcurrencyBudget) has added its note.
    root.node.addValidation({
      validate: () => {
        for (const line of printed.splice(0)) process.stderr.write(`${line}\n`);
        return [];
      },
    });
  }
  lines.push(`[cdk-serverless-patterns] ${scope.node.path || 'App'}: ${message}`);
}

/** The CDK CLI tells the app where to write the assembly through CDK_OUTDIR; tests and scripts leave it unset. */
function runsUnderCdkCli(): boolean {
  return process.env.CDK_OUTDIR !== undefined && process.env.CSP_QUIET_NOTES !== 'true';
}
