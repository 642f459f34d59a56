import type { PolicySet } from '@mamori/policies';
import { localTime } from '../alerts/calendar.ts';
import type { CollectorHub } from '../hub.ts';
import type { SessionRegistry } from '../ingest/sessions.ts';
import type { Repositories } from '../store/repositories/index.ts';
import { dayNumber } from './days.ts';
import { buildSelfView, selfViewCommand } from './self-view.ts';

export interface SelfViewPusherOptions {
  repos: Repositories;
  sessions: SessionRegistry;
  hub: CollectorHub;
  policy: () => PolicySet;
  decayPerDay: () => number;
  now: () => number;
  /** How often connected agents' views are refreshed (only changed views are sent). */
  intervalMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * Sends each connected agent the risk self-view of the one person its newest evidence says is using that PC, down
 * the agent's own authenticated stream (a command, like access-request answers). The agent never asks for a user:
 * the collector decides whose view a PC gets, so no agent, and no one at a PC, can fetch another person's score;
 * the tray shows it only while that person is the PC's user. On connect, when the risk service has written scores
 * of the agent's events, and every interval; only when it changed.
 */
export function startSelfViewPusher(options: SelfViewPusherOptions): () => void {
  const sent = new Map<string, string>();
  let serial = 0;
  const push = async (agentId: string): Promise<void> => {
    const session = options.sessions.all().find((s) => s.agentId === agentId);
    if (!session) return;
    const policy = options.policy();
    if (!policy.risk.enabled) return;
    const user = await options.repos.risk.currentUserOfAgent(agentId);
    if (!user) return;
    const day = dayNumber(localTime(options.now(), policy.alerts.calendar.timezone).date);
    const json = JSON.stringify(await buildSelfView(options.repos.risk, user, day, options.decayPerDay()));
    if (sent.get(agentId) === json) return;
    serial += 1;
    session.send({ command: { id: `risk-self-${serial}`, name: selfViewCommand, argsJson: json } });
    sent.set(agentId, json);
  };
  const sweep = async (): Promise<void> => {
    try {
      for (const session of options.sessions.all()) await push(session.agentId);
    } catch (error) {
      // the database being busy or closing must not take the collector down; the next sweep retries
      options.onError?.(error);
    }
  };
  const timer = setInterval(() => void sweep(), options.intervalMs ?? 60_000);
  timer.unref();
  const onConnection = (change: { agentId: string; connected: boolean }) => {
    sent.delete(change.agentId);
    // after the stream's welcome has been written
    if (change.connected) setImmediate(() => void push(change.agentId).catch((error: unknown) => options.onError?.(error)));
  };
  options.hub.on('connection', onConnection);
  // New scores change the views: refresh those agents' views once the risk service has written them. (A fixed delay
  // after ingest raced the scoring: a view sent before the scores were stored stayed stale until the next sweep.)
  const onScored = ({ agentIds }: { agentIds: string[] }) => {
    void (async () => {
      for (const agentId of agentIds) await push(agentId);
    })().catch((error: unknown) => options.onError?.(error));
  };
  options.hub.on('riskScored', onScored);
  return () => {
    clearInterval(timer);
    options.hub.off('connection', onConnection);
    options.hub.off('riskScored', onScored);
  };
}
