import { chainHash } from '@mamori/proto';
import type { JournalRow } from '../core/journal.ts';

/**
 * Cuts a run of journal rows so that a row whose bytes no longer hash to its stored chain hash (edited in the
 * journal file) travels alone. The collector refuses and quarantines a whole batch; cut this way, only the
 * altered row is quarantined and the genuine rows around it are stored as such. This is damage limitation, not a
 * defence: the collector's own chain check is what catches the edit.
 */
export function cutAtAlteredRow(rows: JournalRow[]): JournalRow[] {
  for (let i = 0; i < rows.length; i += 1) {
    const row = rows[i]!;
    const intact = chainHash(row.prevHash, row.bytes).equals(row.hash) && (i === 0 || row.prevHash.equals(rows[i - 1]!.hash));
    if (!intact) return i === 0 ? rows.slice(0, 1) : rows.slice(0, i);
  }
  return rows;
}
