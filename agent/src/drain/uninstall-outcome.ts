import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeAtomic } from '../state/identity.ts';

/**
 * What an uninstall did with the journal, left in the state folder for the package's last step (Debian's postrm
 * runs after the executable is gone and can only read a file): its first line is one word the shell scripts test.
 * - drained: the collector acknowledged everything, the state may be deleted;
 * - discarded: unsent events were deleted by the admin's recorded choice, the state may be deleted;
 * - kept: events are unsent; the journal and the identity that signs them must stay.
 * No file (the agent crashed, or never ran) means kept for the scripts: they delete evidence only on a clear yes.
 */
export type UninstallOutcome = 'drained' | 'discarded' | 'kept';

export const uninstallOutcomeFile = 'uninstall-outcome';

export function writeUninstallOutcome(stateDir: string, outcome: UninstallOutcome, detail: Record<string, unknown>): void {
  writeAtomic(join(stateDir, uninstallOutcomeFile), `${outcome}\n${JSON.stringify(detail)}\n`, 0o600);
}

export function readUninstallOutcome(stateDir: string): UninstallOutcome | undefined {
  const file = join(stateDir, uninstallOutcomeFile);
  if (!existsSync(file)) return undefined;
  const word = readFileSync(file, 'utf8').split('\n')[0]?.trim();
  return word === 'drained' || word === 'discarded' || word === 'kept' ? word : undefined;
}

export function clearUninstallOutcome(stateDir: string): void {
  rmSync(join(stateDir, uninstallOutcomeFile), { force: true });
}
