import { reportBucketMs, type ItemQueryResult, type ReportRange, type ReportRiskPerson, type ReportRow } from './repositories/reports.ts';

// The aggregation of report items' matching rows, shared by the SQLite and PostgreSQL report queries (plain
// JavaScript: each store hands its rows over in the same shape, so both count the same way).

const bucketMs = reportBucketMs;

/**
 * A matching row of a report item: its time, its group key (pc, user and category joined by NUL, plus a fourth
 * part when the item counts distinct values), its bytes and a number to sum (or null).
 * One key column instead of three or four: each column a row hands to JavaScript costs about as much as SQLite's
 * whole work on that row, and a month holds millions of rows.
 */
export type RawEvent = [timeMs: number, key: string, bytes: number, sum: number | null];

/** Counts per 15-minute bucket in a flat array over the range (a Map per row showed up in profiles). */
export class BucketCounts {
  readonly #first: number;
  readonly #counts: Float64Array;
  constructor(range: ReportRange) {
    this.#first = Math.floor(range.fromMs / bucketMs);
    this.#counts = new Float64Array(Math.max(0, Math.floor((range.toMs - 1) / bucketMs) - this.#first + 1));
  }
  add(timeMs: number, n = 1): void {
    const i = Math.floor(timeMs / bucketMs) - this.#first;
    if (i >= 0 && i < this.#counts.length) this.#counts[i]! += n;
  }
  toMap(): Map<number, number> {
    const out = new Map<number, number>();
    this.#counts.forEach((n, i) => { if (n > 0) out.set(this.#first + i, n); });
    return out;
  }
}

/**
 * One pass over an item's matching rows, aggregated here rather than by SQL GROUP BY: the rows stream from the
 * time index in order, and SQLite's sorter (GROUP BY over pc and user) cost more than this pass in measurements on
 * a month of 3,000 PCs. With `distinct`, the keys carry a fourth part whose distinct values per group become the
 * row's detail (`unit` appended); otherwise a summed `sum` column does.
 */
export function aggregate(events: Iterable<RawEvent>, range: ReportRange, options: { distinct?: boolean; unit?: string } = {}): ItemQueryResult {
  const byKey = new Map<string, { count: number; bytes: number; sum: number | null }>();
  const series = new BucketCounts(range);
  let total = 0;
  for (const [timeMs, key, bytes, sum] of events) {
    total += 1;
    series.add(timeMs);
    const group = byKey.get(key);
    if (group) {
      group.count += 1;
      group.bytes += bytes;
      if (sum !== null) group.sum = (group.sum ?? 0) + sum;
    } else byKey.set(key, { count: 1, bytes, sum });
  }
  const rows = new Map<string, ReportRow & { distinct: number; sum: number | null }>();
  for (const [key, group] of byKey) {
    const [pc = '', user = '', category = ''] = key.split('\u0000', 3);
    const rowKey = options.distinct ? key.slice(0, key.lastIndexOf('\u0000')) : key;
    let row = rows.get(rowKey);
    if (!row) rows.set(rowKey, (row = { pc, user, category, detail: '', count: 0, bytes: 0, timeMs: null, distinct: 0, sum: null }));
    row.count += group.count;
    row.bytes += group.bytes;
    if (options.distinct && !key.endsWith('\u0000')) row.distinct += 1;
    if (group.sum !== null) row.sum = (row.sum ?? 0) + group.sum;
  }
  const unit = options.unit ?? '';
  const list = [...rows.values()].map(({ distinct, sum, ...row }) => ({
    ...row, detail: options.distinct ? (distinct > 0 ? `${distinct}${unit}` : '') : sum !== null ? `${sum}${unit}` : '',
  }));
  return { rows: list, total, buckets: series.toMap() };
}


/** A stored breakdown entry (store/risk-breakdown.ts): events as [agentId, seq, eventId, pc, timeMs] tuples. */
interface StoredContribution { indicator: string; points: number; detail: string; events: [string, number, number, string, number][] }

/**
 * One person of the risk_scores item: points per indicator over the period's day rows (largest first, each with
 * the explanation of its largest day) and the PCs their events came from.
 */
export function reportRiskPerson(row: { person: string; peakScore: number; peakDay: number }, breakdowns: string[]): ReportRiskPerson {
  const byIndicator = new Map<string, { points: number; detail: string; best: number }>();
  const pcNames = new Set<string>();
  for (const json of breakdowns) {
    for (const c of JSON.parse(json) as StoredContribution[]) {
      const into = byIndicator.get(c.indicator) ?? { points: 0, detail: c.detail, best: -Infinity };
      into.points += c.points;
      if (c.points > into.best) Object.assign(into, { best: c.points, detail: c.detail });
      byIndicator.set(c.indicator, into);
      for (const event of c.events) pcNames.add(event[3]);
    }
  }
  return {
    ...row,
    indicators: [...byIndicator].map(([indicator, v]) => ({ indicator, points: v.points, detail: v.detail }))
      .sort((a, b) => b.points - a.points || a.indicator.localeCompare(b.indicator)),
    pcs: [...pcNames].sort(),
  };
}
