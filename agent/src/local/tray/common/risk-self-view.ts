/** The collector's command carrying the PC user's own risk indicators (collector/src/risk/self-view.ts). */
export const riskSelfViewCommand = 'risk_self_view';

/** The employee's own risk indicators, as the tray page shows them. */
export interface RiskSelfView {
  user: string;
  date: string;
  score: number;
  days: { date: string; points: number; items: { indicator: string; en: string; ja: string; detail: string; points: number }[] }[];
}

const text = (value: unknown, max = 500): string | undefined => (typeof value === 'string' && value.length <= max ? value : undefined);
const number = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** Checks the command's JSON field by field (it is shown on the page); undefined when anything does not fit. */
export function parseRiskSelfView(json: string): RiskSelfView | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return undefined;
  }
  const view = raw as Partial<RiskSelfView> | null;
  const user = text(view?.user, 300);
  const date = text(view?.date, 10);
  const score = number(view?.score);
  if (!user || !date || score === undefined || !Array.isArray(view?.days) || view.days.length > 31) return undefined;
  const days: RiskSelfView['days'] = [];
  for (const day of view.days as unknown[]) {
    const d = day as Partial<RiskSelfView['days'][number]> | null;
    const dayDate = text(d?.date, 10);
    const points = number(d?.points);
    if (!dayDate || points === undefined || !Array.isArray(d?.items) || d.items.length > 50) return undefined;
    const items: RiskSelfView['days'][number]['items'] = [];
    for (const item of d.items as unknown[]) {
      const i = item as Record<string, unknown> | null;
      const parsed = { indicator: text(i?.indicator, 100), en: text(i?.en), ja: text(i?.ja), detail: text(i?.detail), points: number(i?.points) };
      if (Object.values(parsed).some((v) => v === undefined)) return undefined;
      items.push(parsed as RiskSelfView['days'][number]['items'][number]);
    }
    days.push({ date: dayDate, points, items });
  }
  return { user, date, score, days };
}
