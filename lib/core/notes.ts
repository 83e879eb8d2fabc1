import type { IConstruct } from 'constructs';
import { addAcknowledgeableInfo } from './annotations';
import { WARNING_ID_PREFIX } from './validation';

/**
 * Figures a user needs at synth (costs, concurrency totals, next run times) are info annotations.
 * The CDK CLI (2.1148.1 with aws-cdk-lib 2.276) prints them as INFO only while the app has no
 * warning or error: once one exists, aws-cdk-lib's validation report lists the warnings and errors
 * alone and the CLI prints that report. Then, and only then, the library prints each
 * unacknowledged note itself on stderr, so every note reaches the terminal exactly once.
 */
interface PendingNote {
  readonly scope: IConstruct;
  readonly id: string;
  readonly message: string;
}

const pendingNotes = new WeakMap<IConstruct, PendingNote[]>();

/** Metadata types aws-cdk-lib gives annotations (cloud-assembly-schema ArtifactMetadataEntryType). */
const INFO = 'aws:cdk:info';
const HIDES_INFO = new Set(['aws:cdk:warning', 'aws:cdk:error']);

/**
 * Adds a synth-time note with the id `cdk-serverless-patterns:<id>`, which
 * `Annotations.of(scope).acknowledgeInfo(id, reason)` silences.
 */
export function synthNote(scope: IConstruct, id: string, message: string): void {
  const fullId = `${WARNING_ID_PREFIX}:${id}`;
  addAcknowledgeableInfo(scope, fullId, message);
  if (!runsUnderCdkCli()) return;
  const root = scope.node.root;
  let notes = pendingNotes.get(root);
  if (!notes) {
    notes = [];
    pendingNotes.set(root, notes);
    const pending = notes;
    // Validation runs during app.synth(), after every aspect (e.g. ConcurrencyBudget) has added its
    // note and its warnings; the root's validation runs before its children's.
    root.node.addValidation({
      validate: () => {
        const notesToPrint = pending.splice(0).filter(isUnacknowledged);
        if (notesToPrint.length > 0 && cliHidesNotes(root)) {
          for (const note of notesToPrint) process.stderr.write(`${noteLine(note)}\n`);
        }
        return [];
      },
    });
  }
  notes.push({ scope, id: fullId, message });
}

/** The line the library prints for a note the CLI hides: the path, the message, the id to acknowledge. */
function noteLine(note: PendingNote): string {
  return `[cdk-serverless-patterns] ${note.scope.node.path || 'App'}: ${note.message} `
    + `(acknowledge with Annotations.of(construct).acknowledgeInfo('${note.id}'))`;
}

/** `acknowledgeInfo` removes the annotation; a note without its annotation is not printed either. */
function isUnacknowledged(note: PendingNote): boolean {
  return note.scope.node.metadata.some((m) => m.type === INFO && String(m.data).endsWith(`[ack: ${note.id}]`));
}

/** Whether any construct of the app carries a warning or an error (the CLI then prints no INFO). */
function cliHidesNotes(root: IConstruct): boolean {
  return root.node.findAll().some((c) => c.node.metadata.some((m) => HIDES_INFO.has(m.type)));
}

/**
 * The CDK CLI tells the app where to write the assembly through CDK_OUTDIR; tests and scripts
 * leave it unset. CSP_QUIET_NOTES=true turns the library's copy off altogether.
 */
function runsUnderCdkCli(): boolean {
  return process.env.CDK_OUTDIR !== undefined && process.env.CSP_QUIET_NOTES !== 'true';
}
