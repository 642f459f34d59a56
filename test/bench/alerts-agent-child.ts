// The PC side of bench:alerts, in its own process like a real agent: records `count` uploads to personal cloud at
// `rate` per second, each by a different user (so each opens its own alert), then idles until killed.
import { runTestAgent } from '../harness/agent.ts';

const [stateDir, count, rate] = process.argv.slice(2);
const agent = await runTestAgent(stateDir!);
const workingTime = Date.parse('2026-03-03T10:00:00+09:00');
const started = Date.now();
for (let i = 0; i < Number(count); i += 1) {
  agent.recorder.record({ user: `user-${i}`, timeMs: workingTime + i, upload: { fileName: `list-${i}.xlsx`, destinationHost: 'www.dropbox.com', category: 'personal_cloud', sizeBytes: 1000 } });
  const due = started + ((i + 1) * 1000) / Number(rate);
  if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
}
process.stdout.write('recorded\n');
process.on('SIGTERM', () => void agent.stop().then(() => process.exit(0)));
setInterval(() => undefined, 1_000);
