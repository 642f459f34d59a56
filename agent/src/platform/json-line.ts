/**
 * Reading one JSON object per line from a helper process (the PowerShell hosts): anything else — a warning the
 * shell printed, a partial line, an array — reads as undefined, so one odd line never stops the host's reader.
 */
export interface JsonLineFields {
  kind: unknown;
  /** A string field, or '' when absent or not a string. */
  str(key: string): string;
  /** A finite, non-negative number field truncated to an integer, or 0. */
  count(key: string): number;
  raw: Record<string, unknown>;
}

export function readJsonLine(line: string): JsonLineFields | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const raw = value as Record<string, unknown>;
  return {
    kind: raw.kind,
    raw,
    str: (key) => (typeof raw[key] === 'string' ? raw[key] : ''),
    count: (key) => {
      const n = raw[key];
      return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? Math.trunc(n) : 0;
    },
  };
}
