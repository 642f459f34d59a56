// A real agent process whose wall clock a test moves (run under libfaketime). Commands on stdin, one a line:
// "record N" journals N sample events and answers "journaled <lastSeq>"; "stop" stops the agent gracefully
// (it saves its last wall time) and exits.
import { createInterface } from 'node:readline';
import { AgentConfigSchema, runAgent } from '@mamori/agent';
import { sampleEvent } from './sample-events.ts';

const [stateDir] = process.argv.slice(2);
const config = Object.freeze(AgentConfigSchema.parse({
  stateDir, local: { port: 0 }, uplink: { backoffInitialMs: 100, backoffMaxMs: 1_000, heartbeatMs: 60_000 },
  clock: { tickMs: 200, jumpThresholdMs: 60_000, skewThresholdMs: 5 * 60_000 },
}));
const agent = await runAgent(config, { sensors: [], lightweight: true, log: () => undefined });
let next = 0;
process.stdout.write(`ready ${agent.identity.agentId}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  const [command, arg] = line.trim().split(/\s+/);
  if (command === 'record') {
    for (let i = 0; i < Number(arg); i += 1) agent.recorder.record(sampleEvent(next++));
    process.stdout.write(`journaled ${agent.journal.lastSeq}\n`);
  } else if (command === 'stop') {
    await agent.stop();
    process.stdout.write('stopped\n');
    process.exit(0);
  }
}
