import type { AgentConfig } from '../config/schema.ts';
import { AgentError } from '../errors.ts';
import { runAgent, type RunningAgent } from '../main.ts';
import { runningAgentPid } from '../state/agent-process.ts';

/**
 * Opens the journal and the uplink only — no sensors, no STARTED/STOPPED, the loopback endpoint on a free port —
 * for `drain` and `record-uninstall` when the service is not running. Refuses when an agent process already holds
 * the state folder: two processes appending to one journal would fork its chain.
 */
export async function openDeliverySession(config: AgentConfig): Promise<RunningAgent> {
  const pid = runningAgentPid(config.stateDir);
  if (pid !== undefined) throw new AgentError('AGENT_ALREADY_RUNNING', `pid ${pid} holds ${config.stateDir}`);
  return runAgent({ ...config, local: { ...config.local, port: 0 } }, { sensors: [], lightweight: true, recordLifecycle: false, log: () => undefined });
}
