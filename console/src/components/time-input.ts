/** `<input type="datetime-local">` works in local time without a zone: convert to and from epoch ms. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function fromLocalInput(text: string): number | undefined {
  if (!text) return undefined;
  const ms = new Date(text).getTime();
  return Number.isNaN(ms) ? undefined : ms;
}

/** Today at 17:00, or two hours from now if that is already past: the usual "until the visitor leaves". */
export function defaultUntil(nowMs: number): number {
  const d = new Date(nowMs);
  d.setHours(17, 0, 0, 0);
  return d.getTime() > nowMs + 10 * 60_000 ? d.getTime() : nowMs + 2 * 3_600_000;
}
