/** "2026-10-01 – 2026-10-31": a report's first and last local day in its own time zone. */
export function reportPeriod(report: { fromMs: number; toMs: number; timezone: string }): string {
  const day = new Intl.DateTimeFormat('sv-SE', { timeZone: report.timezone, year: 'numeric', month: '2-digit', day: '2-digit' });
  return `${day.format(report.fromMs)} – ${day.format(report.toMs - 1)}`;
}
