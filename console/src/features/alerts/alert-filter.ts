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

/** Puts a new or updated alert into a newest-first list: replaced in place if known, else at the top. */
export function mergeAlert(list: Alert[], alert: Alert, filter: AlertFilter): Alert[] {
  const index = list.findIndex((a) => a.id === alert.id);
  if (!matchesFilter(alert, filter)) return index >= 0 ? list.filter((a) => a.id !== alert.id) : list;
  if (index >= 0) return list.map((a) => (a.id === alert.id ? alert : a));
  return [alert, ...list].sort((a, b) => b.lastMs - a.lastMs || b.id - a.id);
}
