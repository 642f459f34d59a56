// A real agent process for crash tests: journals N events, says so, then idles until killed.
import { runTestAgent, sampleEvent } from './agent.ts';

const [stateDir, count] = process.argv.slice(2);
const agent = await runTestAgent(stateDir!);
for (let i = 0; i < Number(count); i += 1) agent.recorder.record(sampleEvent(i));
process.stdout.write(`journaled ${agent.journal.lastSeq}\n`);
setInterval(() => undefined, 1_000);
