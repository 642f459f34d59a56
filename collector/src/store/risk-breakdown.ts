import type { RiskContribution, RiskDayScore } from './repositories/risk.ts';

// The stored form of risk breakdowns, shared by the SQLite and PostgreSQL risk repositories (the same text in both,
// so a store copied from one to the other reads the same).

export interface DayRow { subject: string; day: number; department: string; raw: number; score: number; breakdown: string }

/** Stored breakdown: events as [agentId, seq, eventId, pc, timeMs] tuples (a third of the JSON, written on every rescore). */
type StoredContribution = Omit<RiskContribution, 'events'> & { events: [string, number, number, string, number][] };

/**
 * The stored form written directly (JSON.stringify only for the strings): mapping every event to a tuple first made
 * three short-lived objects per listed event, and a full recompute writes millions.
 */
export function breakdownJson(contributions: RiskContribution[]): string {
  const parts: string[] = [];
  for (const c of contributions) {
    const events = c.events.map((e) => `[${JSON.stringify(e.agentId)},${e.seq},${e.eventId},${JSON.stringify(e.pc)},${e.timeMs}]`).join(',');
    parts.push(`{"indicator":${JSON.stringify(c.indicator)},"points":${JSON.stringify(c.points)},"detail":${JSON.stringify(c.detail)},"eventCount":${c.eventCount},"events":[${events}]}`);
  }
  return `[${parts.join(',')}]`;
}

export function dayScore(row: DayRow): RiskDayScore {
  const contributions = (JSON.parse(row.breakdown) as StoredContribution[]).map((c): RiskContribution => ({
    ...c, events: c.events.map(([agentId, seq, eventId, pc, timeMs]) => ({ agentId, seq, eventId, pc, timeMs })),
  }));
  return { subject: row.subject, day: row.day, department: row.department, raw: row.raw, score: row.score, contributions };
}

/** The person row of the same write whose breakdown is the very same list as this PC row's, if any. */
export function samePersonBreakdown(row: RiskDayScore, byFirst: Map<RiskContribution, RiskDayScore>): RiskDayScore | undefined {
  const first = row.contributions[0];
  const person = first && byFirst.get(first);
  if (!person || person.day !== row.day || person.contributions.length !== row.contributions.length) return undefined;
  return row.contributions.every((c, i) => c === person.contributions[i]) ? person : undefined;
}

