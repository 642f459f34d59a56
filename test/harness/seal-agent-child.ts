// A real agent process with a short seal epoch, for the seal tamper tests: journals COUNT events GAP_MS apart (so
// they span several epochs), says so, then idles until killed. With COUNT 0 it just runs (and sends).
import { AgentConfigSchema, runAgent } from '@mamori/agent';
import { sampleEvent } from './sample-events.ts';

const [stateDir, count, epochMs, gapMs] = process.argv.slice(2);
const config = Object.freeze(AgentConfigSchema.parse({
  stateDir, local: { port: 0 }, uplink: { backoffInitialMs: 100, backoffMaxMs: 1_000, heartbeatMs: 60_000 },
  seal: { epochMs: Number(epochMs) },
}));
const agent = await runAgent(config, { sensors: [], lightweight: true, log: () => undefined });
for (let i = 0; i < Number(count); i += 1) {
  agent.recorder.record(sampleEvent(i));
  await new Promise((resolve) => setTimeout(resolve, Number(gapMs)));
}
process.stdout.write(`journaled ${agent.journal.lastSeq}\n`);
setInterval(() => undefined, 1_000);
