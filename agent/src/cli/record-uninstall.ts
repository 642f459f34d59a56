import { join } from 'node:path';
import type { AgentConfig } from '../config/schema.ts';
import { openDeliverySession } from '../drain/delivery-session.ts';
import { checkUninstallCode } from '../drain/uninstall-code.ts';
import { clearUninstallOutcome, writeUninstallOutcome, type UninstallOutcome } from '../drain/uninstall-outcome.ts';
import { waitForDelivery, type DeliveryProgress } from '../drain/wait-for-delivery.ts';
import { stateFiles } from '../state/identity.ts';
import { agentVersion } from '../version.ts';

export interface UninstallOptions {
  timeoutMs: number;
  detail: string;
  /** The admin's explicit choice to delete what cannot be delivered; needs the uninstall code. */
  discardUnsent?: { code: string | undefined; codeHashFile: string };
  onProgress?: (progress: DeliveryProgress) => void;
  progressEveryMs?: number;
}

export interface UninstallResult {
  /** Sequence number of the UNINSTALLED event. */
  seq: number;
  outcome: UninstallOutcome;
  /** Whether everything, UNINSTALLED included, reached the collector. */
  delivered: boolean;
  /** Unsent events when the wait ended (before any discard). */
  eventsLeft: number;
  unsentFromSeq: number | null;
  unsentToSeq: number | null;
  /** Why it could not deliver everything ('' when it did). */
  reason: string;
  /** The UNSENT_DISCARDED event recording the choice, and whether the collector acknowledged it. */
  discard?: { seq: number; delivered: boolean };
  journal: string;
}

/** At most this long (at least 3 s) for the record of a discard to reach the collector: it is the last word. */
const discardRecordWaitMs = 10_000;

/**
 * `mamori-agent record-uninstall`: what an uninstaller runs after stopping the service (Debian prerm, the MSI's
 * custom action, the macOS script). Journals UNINSTALLED and drains the whole journal to the collector within
 * `timeoutMs`. What it cannot deliver is kept, unless the admin chose `discardUnsent` with the right uninstall
 * code: then the unsent range is deleted and an UNSENT_DISCARDED event declaring it is journaled (and sent if the
 * collector can be reached) — so the choice itself is evidence. The outcome is left in the state folder for the
 * package's own last step (see uninstall-outcome.ts).
 */
export async function recordUninstall(config: AgentConfig, options: UninstallOptions): Promise<UninstallResult> {
  // A wrong or missing code fails before anything is recorded or deleted.
  if (options.discardUnsent) checkUninstallCode(options.discardUnsent.codeHashFile, options.discardUnsent.code);
  // A crash from here on must not leave an earlier "drained" behind for the package to trust.
  clearUninstallOutcome(config.stateDir);
  const agent = await openDeliverySession(config);
  try {
    const seq = agent.recorder.record({ lifecycle: { kind: 'UNINSTALLED', agentVersion, detail: options.detail.slice(0, 500) } });
    const wait = { onProgress: options.onProgress, progressEveryMs: options.progressEveryMs };
    const state = await waitForDelivery(agent, { ...wait, timeoutMs: options.timeoutMs });
    const result: UninstallResult = {
      seq, outcome: state.drained ? 'drained' : 'kept', delivered: state.drained, eventsLeft: state.eventsLeft,
      unsentFromSeq: state.firstUnsentSeq, unsentToSeq: state.drained ? null : state.lastSeq, reason: state.reason,
      journal: join(config.stateDir, stateFiles.journal),
    };
    if (!state.drained && options.discardUnsent) {
      const from = state.firstUnsentSeq ?? state.lastSeq;
      const to = agent.journal.lastSeq;
      // The choice is journaled first (a crash right after it loses nothing), then the declared range is deleted —
      // acknowledge() deletes through a seq, here by the admin's choice rather than the collector's ack.
      const discardSeq = agent.recorder.record({
        lifecycle: {
          kind: 'UNSENT_DISCARDED', agentVersion, droppedFromSeq: from, droppedToSeq: to,
          detail: `${to - from + 1} unsent events (${from}..${to}, UNINSTALLED at ${seq} included) discarded at uninstall with the uninstall code (${options.detail.slice(0, 300)}); ${state.reason}`,
        },
      });
      agent.journal.acknowledge(discardSeq - 1);
      const sent = await waitForDelivery(agent, { ...wait, timeoutMs: Math.max(Math.min(options.timeoutMs, discardRecordWaitMs), 3_000) });
      result.outcome = 'discarded';
      result.discard = { seq: discardSeq, delivered: sent.drained };
    }
    writeUninstallOutcome(config.stateDir, result.outcome, {
      atMs: Date.now(), uninstalledSeq: seq, eventsLeft: result.eventsLeft, unsentFromSeq: result.unsentFromSeq, unsentToSeq: result.unsentToSeq,
      reason: result.reason, ...(result.discard ? { discard: result.discard } : {}),
    });
    return result;
  } finally {
    await agent.stop();
  }
}
