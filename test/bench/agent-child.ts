// The agent process measured by bench:agent (built into a single executable like the shipped agent): the real
// composition root with this OS's sensors. With a rate argument it also records that many events per second (the
// "busy" phase).
import { loadAgentConfig, runAgent } from '@mamori/agent';
import { sampleEvent } from '../harness/sample-events.ts';

async function main(): Promise<void> {
  const [stateDir, rate] = process.argv.slice(2);
  const agent = await runAgent(loadAgentConfig({ stateDir: stateDir! }), { log: () => undefined });
  const perSecond = Number(rate ?? 0);
  if (perSecond > 0) {
    let i = 0;
    const perTick = perSecond / 100;
    setInterval(() => {
      for (let n = 0; n < perTick; n += 1) agent.recorder.record(sampleEvent(i++));
    }, 10);
  }
  // "ready" once start-up work (sensor starts, the inventory snapshot) is done: the bench's idle window follows it.
  await agent.started;
  process.stdout.write('ready\n');
  process.on('SIGTERM', () => void agent.stop().then(() => process.exit(0)));
}

void main();
