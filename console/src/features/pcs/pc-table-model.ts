import type { PcRow } from '@mamori/collector/api';

export type PcSortKey = 'pc' | 'connected' | 'os' | 'currentUser' | 'lastSeenMs' | 'deviceMode' | 'openAlerts' | 'department' | 'site';

/** The departments and sites present in the list, sorted, for the filter choices ('' left out). */
export function directoryChoices(rows: PcRow[]): { departments: string[]; sites: string[] } {
  const sorted = (values: Set<string>) => [...values].filter(Boolean).sort((a, b) => a.localeCompare(b));
  return { departments: sorted(new Set(rows.map((r) => r.department))), sites: sorted(new Set(rows.map((r) => r.site))) };
}

/**
 * Filter by department and site (exact, from the directory import; '' = any), search (PC, user, OS, substring,
 * case-insensitive), sort and cut one page out of the full list.
 */
export function pcTablePage(rows: PcRow[], options: { search: string; department?: string; site?: string; sort: PcSortKey; descending: boolean; page: number; pageSize: number }): { rows: PcRow[]; total: number; pages: number } {
  const needle = options.search.trim().toLowerCase();
  const filtered = rows.filter((r) => (!options.department || r.department === options.department) && (!options.site || r.site === options.site)
    && (!needle || r.pc.toLowerCase().includes(needle) || r.currentUser.toLowerCase().includes(needle) || r.os.toLowerCase().includes(needle)));
  const direction = options.descending ? -1 : 1;
  const value = (r: PcRow): string | number => {
    const v = r[options.sort];
    if (typeof v === 'boolean') return v ? 1 : 0;
    return v ?? -1;
  };
  const sorted = [...filtered].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true });
    return order * direction || a.pc.localeCompare(b.pc, undefined, { numeric: true });
  });
  const pages = Math.max(1, Math.ceil(sorted.length / options.pageSize));
  const page = Math.min(Math.max(1, options.page), pages);
  return { rows: sorted.slice((page - 1) * options.pageSize, page * options.pageSize), total: sorted.length, pages };
}
