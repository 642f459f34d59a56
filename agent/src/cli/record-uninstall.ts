import type { AgentConfig } from '../config/schema.ts';
import { runAgent } from '../main.ts';
import { agentVersion } from '../version.ts';

/**
 * `mamori-agent record-uninstall`: what an installer's uninstall step runs (Debian prerm, the MSI's uninstall
 * custom action, the macOS uninstall script) after stopping the service. Journals an UNINSTALLED lifecycle event
 * and tries to deliver it before the files go, so the collector can raise "agent removed" rather than only
 * "agent silent". Runs the agent without sensors (the service is already stopped) for at most `timeoutMs`.
 */
export async function recordUninstall(config: AgentConfig, options: { timeoutMs: number; detail: string }): Promise<{ seq: number; delivered: boolean }> {
  const agent = await runAgent({ ...config, local: { ...config.local, port: 0 } }, { sensors: [], lightweight: true, log: () => undefined });
  try {
    const seq = agent.recorder.record({ lifecycle: { kind: 'UNINSTALLED', agentVersion, detail: options.detail.slice(0, 500) } });
    const delivered = await agent.uplink.drained(options.timeoutMs);
    return { seq, delivered };
  } finally {
    await agent.stop();
  }
}
