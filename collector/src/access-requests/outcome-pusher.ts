import type { CollectorHub } from '../hub.ts';
import type { SessionRegistry } from '../ingest/sessions.ts';
import type { AccessRequestRow, AccessRequestsRepository } from '../store/repositories/access-requests.ts';

/** Must match the agent's accessOutcomeCommand (agent/src/local/tray/common/access-requests.ts). */
export const accessOutcomeCommand = 'access_request_outcome';

export interface OutcomePusherOptions {
  accessRequests: AccessRequestsRepository;
  sessions: SessionRegistry;
  hub: CollectorHub;
  now: () => number;
  /**
   * How often to look for new decisions (they may come from another process, e.g. a CLI). On PostgreSQL a NOTIFY
   * calls `wake()` as each decision commits, and this is only the retry of a sweep that failed.
   */
  intervalMs?: number;
}

export interface OutcomePusher {
  /** Looks for answers not yet sent now (a decision was just committed, or the change feed reconnected). */
  wake(): void;
  stop(): void;
}

/**
 * Sends the admin's answer to an access request down the PC's stream as a Command. Answers are re-sent every time
 * the agent connects until the agent journals OUTCOME_RECEIVED (see the access_request indexer), so an answer
 * given while the PC is off reaches it when it comes back. The agent applies an answer once, so repeats are
 * harmless.
 */
export function startAccessOutcomePusher(options: OutcomePusherOptions): OutcomePusher {
  const send = async (row: AccessRequestRow): Promise<void> => {
    const session = options.sessions.all().find((s) => s.agentId === row.agentId);
    if (!session) return;
    session.send({
      command: {
        id: `access-${row.id}`, name: accessOutcomeCommand,
        argsJson: JSON.stringify({ requestId: row.requestId, outcome: row.status, ...(row.untilMs ? { untilMs: row.untilMs } : {}), note: row.note }),
      },
    });
    await options.accessRequests.markAnswerSent(row.id, options.now());
  };
  const sweep = async (filter: { agentId?: string; neverSent?: boolean }): Promise<void> => {
    try {
      for (const row of await options.accessRequests.undeliveredAnswers(filter)) await send(row);
    } catch {
      // the database being busy or closing must not take the collector down; the next sweep retries
    }
  };
  const timer = setInterval(() => void sweep({ neverSent: true }), options.intervalMs ?? 300);
  timer.unref();
  const onConnection = (change: { agentId: string; connected: boolean }) => {
    // after the stream's welcome has been written
    if (change.connected) setImmediate(() => void sweep({ agentId: change.agentId }));
  };
  options.hub.on('connection', onConnection);
  return {
    wake: () => void sweep({ neverSent: true }),
    stop: () => {
      clearInterval(timer);
      options.hub.off('connection', onConnection);
    },
  };
}
