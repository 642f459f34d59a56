import { randomBytes } from 'node:crypto';
import { CollectorError } from './errors.ts';
import type { Store } from './store/store.ts';
import type { DeviceExceptionRecord } from './store/types.ts';
import { parseDuration } from './tokens.ts';

/**
 * "17:00" (today; a time already past is an error unless `tomorrow`, so "until 17:00" typed at 17:30 never
 * silently means tomorrow), an ISO time, or --for 2h → epoch ms. Times of day are in this machine's time zone.
 */
export function parseUntil(options: { until?: string; for?: string; tomorrow?: boolean }, nowMs: number): number {
  if (options.for) return nowMs + parseDuration(options.for);
  if (!options.until) throw new CollectorError('COLLECTOR_USAGE', 'give --until HH:MM|ISO or --for DURATION');
  const clock = /^(\d{1,2}):(\d{2})$/.exec(options.until);
  if (clock) {
    if (Number(clock[1]) > 23 || Number(clock[2]) > 59) throw new CollectorError('COLLECTOR_USAGE', `--until "${options.until}" is not a time of day (00:00–23:59)`);
    const date = new Date(nowMs);
    date.setHours(Number(clock[1]), Number(clock[2]), 0, 0);
    if (options.tomorrow) date.setDate(date.getDate() + 1);
    else if (date.getTime() <= nowMs) {
      throw new CollectorError('COLLECTOR_USAGE', `--until ${options.until} is already past (it is ${formatLocalTime(nowMs)}); add --tomorrow for ${options.until} tomorrow`);
    }
    return date.getTime();
  }
  if (options.tomorrow) throw new CollectorError('COLLECTOR_USAGE', '--tomorrow goes with --until HH:MM');
  const ms = Date.parse(options.until);
  if (Number.isNaN(ms) || ms <= nowMs) throw new CollectorError('COLLECTOR_USAGE', `--until "${options.until}" is not a future time`);
  return ms;
}

/** "2026-11-22 17:00 (Asia/Tokyo)": what the CLI prints for a moment, in this machine's time zone. */
export function formatLocalTime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())} (${zone})`;
}

/** Stores a temporary per-PC exception; the running collector notices it and pushes it to the PC's agent. */
export async function createDeviceException(
  store: Store, input: { pc: string; serial?: string | undefined; mode: string; untilMs: number; reason: string; actor: string; now: number },
): Promise<DeviceExceptionRecord> {
  if (!['allow', 'read_only', 'audit'].includes(input.mode)) throw new CollectorError('COLLECTOR_USAGE', 'mode must be allow, read_only or audit');
  const record: DeviceExceptionRecord = {
    id: `exc_${randomBytes(6).toString('hex')}`, pc: input.pc, serial: input.serial ?? null, mode: input.mode as DeviceExceptionRecord['mode'],
    untilMs: input.untilMs, reason: input.reason, createdBy: input.actor, createdMs: input.now, revokedMs: null,
  };
  await store.createDeviceException(record);
  await store.appendAudit({ timeMs: input.now, actor: input.actor, action: 'device_exception.create', entry: { ...record } });
  return record;
}
