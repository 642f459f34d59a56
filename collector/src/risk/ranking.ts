import type { RiskRepository } from '../store/repositories/risk.ts';

/** One person in a ranking: the score decayed to the day asked, yesterday's, and a daily trend. */
export interface RiskRankEntry {
  person: string;
  department: string;
  score: number;
  yesterday: number;
  change: number;
  /** Scores of the `trendDays` days up to the day asked, oldest first. */
  trend: number[];
}

/** A subject's score on `day`: its newest row at or before that day, decayed over the days since. */
export function decayedScore(row: { day: number; score: number } | undefined, day: number, decayPerDay: number): number {
  return row ? row.score * decayPerDay ** (day - row.day) : 0;
}

/** The top `limit` people by score on `day` (optionally of one department), with change since yesterday and trend. */
export async function rankPeople(
  repo: RiskRepository, options: { day: number; limit: number; department?: string; decayPerDay: number; trendDays?: number },
): Promise<RiskRankEntry[]> {
  const { day, decayPerDay } = options;
  const today = await repo.latestPersonRows(day, options.department);
  const yesterday = new Map((await repo.latestPersonRows(day - 1, options.department)).map((row) => [row.person, row]));
  const top = today
    .map((row) => ({ person: row.person, department: row.department, score: decayedScore(row, day, decayPerDay) }))
    .sort((a, b) => b.score - a.score || (a.person < b.person ? -1 : 1))
    .slice(0, options.limit);
  const trendDays = options.trendDays ?? 14;
  const rows = await repo.personTrends(top.map((entry) => entry.person), day - trendDays - 60, day);
  const byPerson = new Map<string, { day: number; score: number }[]>();
  for (const row of rows) {
    const list = byPerson.get(row.person);
    if (list) list.push(row);
    else byPerson.set(row.person, [row]);
  }
  return top.map((entry) => {
    const before = decayedScore(yesterday.get(entry.person), day - 1, decayPerDay);
    const history = byPerson.get(entry.person) ?? [];
    const trend: number[] = [];
    let at = 0;
    let last: { day: number; score: number } | undefined;
    for (let d = day - trendDays + 1; d <= day; d += 1) {
      while (at < history.length && history[at]!.day <= d) last = history[at++];
      trend.push(Math.round(decayedScore(last, d, decayPerDay) * 10) / 10);
    }
    return { ...entry, yesterday: before, change: entry.score - before, trend };
  });
}
