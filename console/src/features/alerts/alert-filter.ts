import type { Alert, AlertFilter } from '@mamori/collector/api';

/** "Contains, any case": how the collector matches PC and user filters. */
const contains = (value: string, part: string) => value.toLowerCase().includes(part.toLowerCase());

/** Whether a live alert belongs in the list the user is looking at (same rules the server applies). */
export function matchesFilter(alert: Alert, filter: AlertFilter): boolean {
  if (filter.severity && alert.severity !== filter.severity) return false;
  if (filter.status === 'open' ? alert.status === 'resolved' : filter.status && alert.status !== filter.status) return false;
  if (filter.kind && alert.kind !== filter.kind) return false;
  if (filter.pc && !contains(alert.pc, filter.pc)) return false;
  if (filter.user && !contains(alert.user, filter.user)) return false;
  if (filter.department && alert.department !== filter.department) return false;
  if (filter.site && alert.site !== filter.site) return false;
  if (filter.from !== undefined && alert.lastMs < filter.from) return false;
  if (filter.to !== undefined && alert.firstMs > filter.to) return false;
  return true;
}

/** The list's order, the collector's too: newest event first, then newest alert. */
export const byEventTime = (a: Alert, b: Alert) => b.lastMs - a.lastMs || b.id - a.id;

/**
 * Puts a new or updated alert into one page of the newest-first list, replacing the old copy if known. Page 1
 * takes new alerts at the top (and keeps its size); a later page keeps an alert only while it still sorts within
 * that page, since one that grew has moved to the top of page 1.
 */
export function mergeAlert(list: Alert[], alert: Alert, filter: AlertFilter): Alert[] {
  const index = list.findIndex((a) => a.id === alert.id);
  const without = index >= 0 ? list.filter((a) => a.id !== alert.id) : list;
  if (!matchesFilter(alert, filter)) return without;
  const page = filter.page ?? 1;
  if (page > 1) {
    const top = without[0];
    if (index < 0 || (top && byEventTime(alert, top) < 0)) return without;
  }
  const next = [alert, ...without].sort(byEventTime);
  return filter.limit ? next.slice(0, filter.limit) : next;
}
