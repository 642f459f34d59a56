import { join } from 'node:path';
import type { AgentConfig } from '../config/schema.ts';
import { readJournalBacklog } from '../core/journal-backlog.ts';
import { runningAgentPid } from '../state/agent-process.ts';
import { stateFiles } from '../state/identity.ts';
import { openDeliverySession } from './delivery-session.ts';
import { waitForDelivery, type DeliveryState, type DeliveryWait } from './wait-for-delivery.ts';

export interface DrainResult extends DeliveryState {
  /** 'service': the running agent sent them and this only watched; 'session': this process sent them. */
  sentBy: 'service' | 'session';
  journal: string;
}

/**
 * `mamori-agent drain`: gets everything in the journal to the collector within a bounded time. When the agent is
 * running it already sends its backlog, so this only watches the journal through a read-only connection (never a
 * second writer); otherwise it opens a delivery session of its own.
 */
export async function drainJournal(config: AgentConfig, wait: DeliveryWait): Promise<DrainResult> {
  const journal = join(config.stateDir, stateFiles.journal);
  const pid = runningAgentPid(config.stateDir);
  if (pid !== undefined) return { ...(await watchRunningAgent(journal, pid, wait)), sentBy: 'service', journal };
  const agent = await openDeliverySession(config);
  try {
    return { ...(await waitForDelivery(agent, wait)), sentBy: 'session', journal };
  } finally {
    await agent.stop();
  }
}

async function watchRunningAgent(journal: string, pid: number, wait: DeliveryWait): Promise<DeliveryState> {
  const started = performance.now();
  const every = wait.progressEveryMs ?? 1_000;
  let lastReport = -Infinity;
  for (;;) {
    const backlog = readJournalBacklog(journal) ?? { events: 0, firstSeq: null, lastSeq: 0 };
    const elapsed = performance.now() - started;
    if (elapsed - lastReport >= every || backlog.events === 0) {
      wait.onProgress?.({ eventsLeft: backlog.events, connected: undefined });
      lastReport = elapsed;
    }
    if (backlog.events === 0 || elapsed >= wait.timeoutMs) {
      const reason = backlog.events === 0 ? ''
        : `the running agent (pid ${pid}) still has ${backlog.events} events unsent after ${Math.round(wait.timeoutMs / 1000)} s (see mamori-agent status)`;
      return { drained: backlog.events === 0, eventsLeft: backlog.events, firstUnsentSeq: backlog.firstSeq, lastSeq: backlog.lastSeq, reason };
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(250, wait.timeoutMs - elapsed)));
  }
}
