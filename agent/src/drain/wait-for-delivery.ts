import type { RunningAgent } from '../main.ts';

/** What a delivery wait reports, at most once per progress interval and once at the end. */
export interface DeliveryProgress {
  eventsLeft: number;
  /** Whether the uplink is connected; undefined when only watching the running service's journal. */
  connected: boolean | undefined;
}

export interface DeliveryState {
  drained: boolean;
  /** Events still unacknowledged when the wait ended. */
  eventsLeft: number;
  /** The first and last unsent sequence numbers (null when drained). */
  firstUnsentSeq: number | null;
  lastSeq: number;
  /** One line saying why it is not drained ('' when it is). */
  reason: string;
}

export interface DeliveryWait {
  timeoutMs: number;
  onProgress?: (progress: DeliveryProgress) => void;
  /** How often progress is reported while waiting. */
  progressEveryMs?: number;
}

/**
 * Waits until the collector has acknowledged everything in an open agent's journal, or the time is up. The
 * deadline is measured on the monotonic clock, so a wall-clock jump during an uninstall neither cuts the wait
 * short nor makes it endless.
 */
export async function waitForDelivery(agent: RunningAgent, wait: DeliveryWait): Promise<DeliveryState> {
  const started = performance.now();
  const every = wait.progressEveryMs ?? 1_000;
  for (;;) {
    const backlog = agent.journal.backlog();
    const status = agent.uplink.status();
    wait.onProgress?.({ eventsLeft: backlog.events, connected: status.connected });
    const left = wait.timeoutMs - (performance.now() - started);
    if (backlog.events === 0 || left <= 0) {
      const seconds = Math.round(wait.timeoutMs / 1000);
      const reason = backlog.events === 0 ? ''
        : status.connected
          ? `the collector at ${agent.uplink.status().collectorAddress ?? agent.identity.collectorAddresses[0]} acknowledged too slowly: ${backlog.events} events left after ${seconds} s`
          : `the collector at ${agent.uplink.status().collectorAddress ?? agent.identity.collectorAddresses[0]} was not reachable within ${seconds} s (${status.lastError || 'no answer'})`;
      return { drained: backlog.events === 0, eventsLeft: backlog.events, firstUnsentSeq: backlog.firstSeq, lastSeq: agent.journal.lastSeq, reason };
    }
    await agent.uplink.drained(Math.min(left, every));
  }
}
