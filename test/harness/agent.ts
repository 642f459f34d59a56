import { AgentConfigSchema, enroll, runAgent, type RunningAgent } from '@mamori/agent';
import { tempDir, waitFor } from './collector.ts';

/** Agent config for tests: fast reconnects, no OS sensors. */
export function testAgentConfig(stateDir: string, uplink: Record<string, number> = {}) {
  return Object.freeze(AgentConfigSchema.parse({
    stateDir, local: { port: 0 }, uplink: { backoffInitialMs: 100, backoffMaxMs: 1_000, heartbeatMs: 60_000, ...uplink },
  }));
}

export async function enrollTestAgent(
  token: string, options: { stateDir?: string; hostname?: string; hardwareId?: string; unsealed?: boolean } = {},
): Promise<string> {
  const stateDir = options.stateDir ?? tempDir('agent');
  await enroll({
    stateDir, token, hostname: options.hostname ?? `PC-TEST-${Math.random().toString(36).slice(2, 8)}`,
    hardwareId: options.hardwareId ?? `hw-${Math.random().toString(36).slice(2)}`, unsealed: options.unsealed,
  });
  return stateDir;
}

/** Runs an enrolled agent in this process with no OS sensors; events are recorded through `agent.recorder`. */
export async function runTestAgent(stateDir: string, uplink: Record<string, number> = {}): Promise<RunningAgent> {
  return runAgent(testAgentConfig(stateDir, uplink), { sensors: [], lightweight: true, log: () => undefined });
}

export { sampleEvent } from './sample-events.ts';

/**
 * An enrolled agent with no sensors of its own (a test wires the one it needs to the agent's policy and journal),
 * connected and holding the collector's policy.
 */
export async function runConnectedBareAgent(token: string, hostname: string): Promise<RunningAgent> {
  const agent = await runAgent(testAgentConfig(await enrollTestAgent(token, { hostname })), { sensors: [], lightweight: true, log: () => undefined });
  await waitFor(() => agent.uplink.status().connected === true, 30_000, 'agent connected');
  await waitFor(() => agent.policy.current() !== undefined, 10_000, 'the collector\'s policy on the agent');
  return agent;
}
