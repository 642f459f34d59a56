import type Database from 'better-sqlite3';
import type { ReportPcs, ReportRiskPerson } from '../../repositories/reports.ts';
import { reportRiskPerson } from '../../report-aggregate.ts';

// The inspection report's risk_scores item, over the risk tables of migration 1100.

/** People with scored events on the report's PCs in the period (only used when the report is restricted). */
const scopedPeople = `person IN (SELECT o.person FROM risk_observations o JOIN temp.report_pcs s ON s.pc = o.pc WHERE o.day BETWEEN @from AND @to)`;

export function riskScores(db: Database.Database, pcs: ReportPcs, fromDay: number, toDay: number, limit: number, threshold: number): {
  persons: ReportRiskPerson[]; daily: number[]; aboveThreshold: number; secret: Buffer | undefined; revealed: Set<string>;
} {
  const scope = pcs.restricted ? `AND ${scopedPeople}` : '';
  const p = { from: fromDay, to: toDay, limit, threshold };
  // SQLite takes the bare `day` from the row holding the MAX.
  const top = db.prepare(`SELECT person, MAX(score) AS peakScore, day AS peakDay FROM risk_person_days
    WHERE day BETWEEN @from AND @to AND person <> '' ${scope} GROUP BY person ORDER BY peakScore DESC, person LIMIT @limit`)
    .all(p) as { person: string; peakScore: number; peakDay: number }[];
  const daysOf = db.prepare('SELECT breakdown FROM risk_person_days WHERE person = ? AND day BETWEEN ? AND ?').pluck();
  const persons = top.map((row) => reportRiskPerson(row, daysOf.all(row.person, fromDay, toDay) as string[]));
  const daily = Array.from({ length: toDay - fromDay + 1 }, () => 0);
  for (const { day, n } of db.prepare(`SELECT day, COUNT(*) AS n FROM risk_person_days WHERE day BETWEEN @from AND @to AND score >= @threshold ${scope} GROUP BY day`)
    .all(p) as { day: number; n: number }[]) daily[day - fromDay] = n;
  const aboveThreshold = (db.prepare(`SELECT COUNT(DISTINCT person) FROM risk_person_days WHERE day BETWEEN @from AND @to AND score >= @threshold ${scope}`)
    .pluck().get(p) as number);
  const secret = (db.prepare('SELECT secret FROM risk_secret WHERE id = 1').pluck().get() as Buffer | undefined);
  const revealed = new Set(db.prepare('SELECT person FROM risk_reveals').pluck().all() as string[]);
  return { persons, daily, aboveThreshold, secret, revealed };
}
