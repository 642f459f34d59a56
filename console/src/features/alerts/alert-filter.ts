import type { Alert, AlertFilter } from '../../api/types.ts';

/** Whether a live alert belongs in the list the user is looking at (same rules the server applies). */
export function matchesFilter(alert: Alert, filter: AlertFilter): boolean {
  if (filter.severity && alert.severity !== filter.severity) return false;
  if (filter.status && alert.status !== filter.status) return false;
  if (filter.kind && alert.kind !== filter.kind) return false;
  if (filter.pc && alert.pc !== filter.pc) return false;
  if (filter.user && alert.user !== filter.user) return false;
  if (filter.from !== undefined && alert.lastMs < filter.from) return false;
  if (filter.to !== undefined && alert.lastMs > filter.to) return false;
  return true;
}

/** Puts a new or updated alert into a newest-first list (by lastMs), replacing the old copy if known. */
export function mergeAlert(list: Alert[], alert: Alert, filter: AlertFilter): Alert[] {
  const index = list.findIndex((a) => a.id === alert.id);
  if (!matchesFilter(alert, filter)) return index >= 0 ? list.filter((a) => a.id !== alert.id) : list;
  // A folded alert that grew has a newer lastMs: it moves back to the top like a new one.
  const next = index >= 0 ? list.map((a) => (a.id === alert.id ? alert : a)) : [alert, ...list];
  return next.sort((a, b) => b.lastMs - a.lastMs || b.id - a.id);
}
