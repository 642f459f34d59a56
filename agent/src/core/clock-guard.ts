import type { EventDraft } from './event-draft.ts';
import { watchClock } from './clock-watch.ts';

/** Where the last seen wall time is kept between runs. */
export interface WallClockMark {
  /** The wall time saved by the previous run, if any. */
  read(): number | undefined;
  /** Saves the current wall time (called periodically and at stop). */
  write(wallMs: number): void;
}

export interface ClockGuardOptions {
  mark: WallClockMark;
  /** Journals one event (the recorder). */
  record: (draft: EventDraft) => number;
  agentVersion: string;
  /** How often wall and monotonic clocks are compared (and the mark saved). */
  tickMs: number;
  /** A wall-clock move against the monotonic clock larger than this is a jump. */
  jumpThresholdMs: number;
  /** A difference from the collector's clock larger than this is reported. */
  skewThresholdMs: number;
  wallNow?: () => number;
}

export interface ClockGuard {
  /** Compares the PC's clock with the collector's (each welcome). */
  onServerTime(serverTimeMs: number): void;
  /** Saves the wall time one last time and stops watching. */
  stop(): void;
}

function formatMs(ms: number): string {
  const abs = Math.abs(ms);
  const text = abs >= 3_600_000 ? `${(abs / 3_600_000).toFixed(1)} h` : abs >= 60_000 ? `${(abs / 60_000).toFixed(1)} min` : `${(abs / 1000).toFixed(1)} s`;
  return `${ms < 0 ? 'back' : 'forward'} ${text}`;
}

/**
 * Records every way the PC's wall clock can be seen to lie as a CLOCK_JUMP event: a jump while running
 * (against the monotonic clock), a clock set back while the agent was stopped (against the wall time saved
 * before the stop; time moving forward across a stop is just the PC being off), and a skew against the
 * collector's clock at each connect (reported once per distinct skew, not at every reconnect).
 */
export function startClockGuard(options: ClockGuardOptions): ClockGuard {
  const wallNow = options.wallNow ?? Date.now;
  const { record, agentVersion, mark } = options;
  const started = wallNow();
  const saved = mark.read();
  if (saved !== undefined && started < saved - options.jumpThresholdMs) {
    const jumpMs = started - saved;
    record({
      lifecycle: {
        kind: 'CLOCK_JUMP', agentVersion, clockJumpMs: jumpMs, clockCheck: 'ACROSS_STOP', clockReferenceMs: saved,
        detail: `wall clock is ${formatMs(jumpMs)} behind the last time saved before the agent stopped (${new Date(saved).toISOString()})`,
      },
    });
  }
  // Never move the mark backwards: a clock set back and then restarted again must still be caught.
  let highest = Math.max(started, saved ?? started);
  const save = () => {
    highest = Math.max(highest, wallNow());
    try {
      mark.write(highest);
    } catch {
      // A read-only or full disk must not stop the agent; the collector comparison still catches a skew.
    }
  };
  save();
  const stopWatch = watchClock((jumpMs) => {
    if (jumpMs < 0) highest = wallNow();
    record({
      lifecycle: {
        kind: 'CLOCK_JUMP', agentVersion, clockJumpMs: jumpMs, clockCheck: 'WHILE_RUNNING', clockReferenceMs: wallNow() - jumpMs,
        detail: `wall clock moved ${formatMs(jumpMs)} against the monotonic clock`,
      },
    });
  }, { tickMs: options.tickMs, thresholdMs: options.jumpThresholdMs, onTick: save, wallNow });

  let reportedSkew: number | undefined;
  return {
    onServerTime(serverTimeMs) {
      if (!serverTimeMs) return;
      const skewMs = wallNow() - serverTimeMs;
      if (Math.abs(skewMs) <= options.skewThresholdMs) {
        reportedSkew = undefined;
        return;
      }
      if (reportedSkew !== undefined && Math.abs(skewMs - reportedSkew) <= options.skewThresholdMs) return;
      reportedSkew = skewMs;
      record({
        lifecycle: {
          kind: 'CLOCK_JUMP', agentVersion, clockJumpMs: skewMs, clockCheck: 'AGAINST_COLLECTOR', clockReferenceMs: serverTimeMs,
          detail: `PC clock is ${formatMs(skewMs).replace(/^back/, 'behind by').replace(/^forward/, 'ahead by')} against the collector's`,
        },
      });
    },
    stop() {
      stopWatch();
      save();
    },
  };
}
