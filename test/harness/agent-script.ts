import type { RunningAgent } from '@mamori/agent';
import { taggedPrintEvent } from './sample-events.ts';

/**
 * The commands a test drives an agent with, answered in one line each (see scripted-agent-child.ts):
 *   record TAG N   journals N print events named TAG-0 … TAG-(N-1); answers "recorded <journal head>"
 *   wait-connected answers "connected" once the uplink has been welcomed
 *   drain MS       answers "drained true|false"
 *   status         answers one JSON line: journal head, backlog, uplink status
 *   stop           graceful stop; answers "stopped"
 */
export async function runAgentCommand(agent: RunningAgent, line: string): Promise<string> {
  const [command, ...args] = line.trim().split(' ');
  if (command === 'record') {
    for (let i = 0; i < Number(args[1]); i += 1) agent.recorder.record(taggedPrintEvent(args[0]!, i));
    return `recorded ${agent.journal.lastSeq}`;
  }
  if (command === 'wait-connected') {
    while (!agent.uplink.status().connected) await new Promise((resolve) => setTimeout(resolve, 20));
    return 'connected';
  }
  if (command === 'drain') return `drained ${await agent.uplink.drained(Number(args[0] ?? 10_000))}`;
  if (command === 'status') return JSON.stringify({ head: agent.journal.lastSeq, backlog: agent.journal.backlog(), uplink: agent.uplink.status() });
  if (command === 'stop') {
    await agent.stop();
    return 'stopped';
  }
  return `unknown command ${command}`;
}
