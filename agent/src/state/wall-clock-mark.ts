import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WallClockMark } from '../core/clock-guard.ts';
import { writeAtomic } from './identity.ts';

/** File in the state dir holding the last wall time the running agent saw (read at the next start). */
export const wallClockMarkFile = 'clock-mark.json';

/**
 * The agent's last seen wall time, kept on disk so a clock set back while the agent was stopped is noticed at
 * the next start. An unreadable file counts as "no mark" (first start, or a crash mid-write of an older version).
 */
export function fileWallClockMark(stateDir: string): WallClockMark {
  const path = join(stateDir, wallClockMarkFile);
  return {
    read() {
      if (!existsSync(path)) return undefined;
      try {
        const saved = (JSON.parse(readFileSync(path, 'utf8')) as { wallMs?: unknown }).wallMs;
        return typeof saved === 'number' && Number.isFinite(saved) ? saved : undefined;
      } catch {
        return undefined;
      }
    },
    write(wallMs) {
      writeAtomic(path, `${JSON.stringify({ wallMs })}\n`);
    },
  };
}
