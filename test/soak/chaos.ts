// The soak's chaos: at random intervals, one of SIGKILL the collector, SIGKILL the agent, jump the agent's wall
// clock, cut every connection through the proxy, or partition the proxy for 5 s. Each action is logged and counted.

export type ChaosAction = 'kill_collector' | 'kill_agent' | 'clock_jump' | 'cut_connections' | 'partition';

export interface ChaosTargets {
  killCollector(): Promise<void>;
  killAgent(): Promise<void>;
  /** Sets the agent's wall-clock offset from real time (libfaketime syntax: "-2h", "+1d", "+0"). */
  setClockOffset(offset: string): void;
  signalProxy(signal: 'SIGUSR1' | 'SIGUSR2'): void;
  log(line: string): void;
}

const weights: [ChaosAction, number][] = [
  ['kill_collector', 25], ['kill_agent', 25], ['clock_jump', 20], ['cut_connections', 20], ['partition', 10],
];
// Back and forth, small and large, across midnight: what an admin, NTP or a dead CMOS battery does to a PC.
const clockOffsets = ['-2h', '+1h', '-10m', '+1d', '-1d', '+0', '+30s', '-3h'];

function pick<T>(items: [T, number][]): T {
  let roll = Math.random() * items.reduce((sum, [, w]) => sum + w, 0);
  for (const [item, weight] of items) {
    roll -= weight;
    if (roll <= 0) return item;
  }
  return items.at(-1)![0];
}

/** Runs until `signal` aborts; resolves with how many times each action ran. */
export async function runChaos(
  targets: ChaosTargets, signal: AbortSignal, options: { gapMs?: [number, number]; only?: ChaosAction[] } = {},
): Promise<Record<ChaosAction, number>> {
  const counts: Record<ChaosAction, number> = { kill_collector: 0, kill_agent: 0, clock_jump: 0, cut_connections: 0, partition: 0 };
  const gapMs = options.gapMs ?? [3_000, 12_000];
  const choices = options.only?.length ? weights.filter(([action]) => options.only!.includes(action)) : weights;
  while (!signal.aborted) {
    const gap = gapMs[0] + Math.random() * (gapMs[1] - gapMs[0]);
    await new Promise<void>((resolve) => {
      const onAbort = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, gap);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    if (signal.aborted) break;
    const action = pick(choices);
    counts[action] += 1;
    if (action === 'kill_collector') {
      targets.log('chaos: SIGKILL collector');
      await targets.killCollector();
    } else if (action === 'kill_agent') {
      targets.log('chaos: SIGKILL agent');
      await targets.killAgent();
    } else if (action === 'clock_jump') {
      const offset = clockOffsets[Math.floor(Math.random() * clockOffsets.length)]!;
      targets.log(`chaos: agent clock ${offset}`);
      targets.setClockOffset(offset);
    } else if (action === 'cut_connections') {
      targets.log('chaos: cut connections');
      targets.signalProxy('SIGUSR1');
    } else {
      targets.log('chaos: partition 5 s');
      targets.signalProxy('SIGUSR2');
    }
  }
  return counts;
}
