import type { PolicySet, ReportTemplate } from '@mamori/policies';
import type { ItemQueryResult, ReportItemQueries, ReportRow } from '../store/repositories/reports.ts';
import { dayDate, dayNumber } from '../risk/days.ts';
import { personNamer } from '../risk/pseudonym.ts';

/** Indicators named in a row's breakdown (the CSV's category column; the rest are summed up as "others"). */
const listedIndicators = 5;

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/**
 * The risk_scores item: the template's `top` people by their highest score on a day of the period, each row
 * carrying the breakdown (points per indicator over the period) and the explanation of the biggest indicator.
 * Names follow the policy's privacy switch (pseudonyms unless revealed). Undefined when risk scoring is off.
 */
export async function riskScoresItem(
  queries: ReportItemQueries, policy: PolicySet, template: ReportTemplate, days: { date: string }[],
): Promise<(ItemQueryResult & { daily: number[] }) | undefined> {
  if (!policy.risk.enabled || days.length === 0) return undefined;
  const fromDay = dayNumber(days[0]!.date);
  const toDay = dayNumber(days.at(-1)!.date);
  const result = await queries.riskScores(fromDay, toDay, template.top, policy.risk.alerts.threshold);
  const show = personNamer(policy.risk.privacy.pseudonymise, result.secret, result.revealed);
  const rows = result.persons.map((person): ReportRow => {
    const listed = person.indicators.slice(0, listedIndicators).map((i) => `${i.indicator} ${round(i.points)}`);
    const others = person.indicators.slice(listedIndicators).reduce((sum, i) => sum + i.points, 0);
    if (others > 0) listed.push(`others ${round(others)}`);
    const top = person.indicators[0];
    return {
      pc: person.pcs.slice(0, 3).join(' ') + (person.pcs.length > 3 ? ` +${person.pcs.length - 3}` : ''),
      user: show(person.person),
      category: listed.join('; '),
      detail: `${dayDate(person.peakDay)}: ${top ? top.detail : ''}`,
      count: round(person.peakScore), bytes: 0, timeMs: null,
    };
  });
  return { rows, total: result.aboveThreshold, buckets: new Map(), daily: result.daily };
}
