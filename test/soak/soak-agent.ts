// The soak's agent process: the real composition root (no OS sensors) journaling RATE sample events per second on
// the monotonic clock, so a restarted process picks up the same pace and a wall-clock jump does not change it.
// Its wall clock is moved by libfaketime (LD_PRELOAD, FAKETIME_TIMESTAMP_FILE) when the chaos script says so.
//   node --import tsx soak-agent.ts STATE_DIR RATE
import { loadAgentConfig, runAgent } from '@mamori/agent';
import { sampleEvent } from '../harness/sample-events.ts';

const [stateDir, rateText] = process.argv.slice(2);
const rate = Number(rateText);
const agent = await runAgent(loadAgentConfig({ stateDir: stateDir! }), { sensors: [], lightweight: true, log: (line) => process.stderr.write(`[agent] ${line}\n`) });
const started = performance.now();
let emitted = 0;
const timer = setInterval(() => {
  const due = Math.floor(((performance.now() - started) / 1000) * rate);
  for (; emitted < due; emitted += 1) agent.recorder.record(sampleEvent(emitted));
}, 20);
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  clearInterval(timer);
  void agent.stop().then(() => process.exit(0));
});
