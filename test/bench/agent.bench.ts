// bench:agent — the agent's idle RSS and CPU over a window (60 s by default), and its CPU while journaling 1,000
// events/s, sealed (as shipped) and, in the same run, unsealed (an agent enrolled without a seal chain, sealing
// switched off in its agent.yaml) to show what forward-secure sealing costs. Measured from /proc/<pid> of a real agent process (real sensors for this OS, enrolled to a local
// collector). The comparison in the same run: an idle bare `node` process (the runtime's own floor).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { enrollTestAgent } from '../harness/agent.ts';
import { startTestCollector } from '../harness/collector.ts';

const windowS = Number(process.env.BENCH_AGENT_SECONDS ?? 60);
const busyS = Math.min(windowS, 30);
const clockTicks = 100;

function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** VmRSS: resident now; VmHWM: the process's peak resident set since it started. */
function statusMb(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`))!;
  return Number(line.replace(/\D+/g, '')) / 1024;
}

async function measure(pid: number, seconds: number): Promise<{ cpuPct: number; rssMb: number }> {
  const t0 = performance.now();
  const c0 = cpuTicks(pid);
  let peak = 0;
  for (let s = 0; s < seconds; s += 1) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    peak = Math.max(peak, statusMb(pid));
  }
  const elapsed = (performance.now() - t0) / 1000;
  return { cpuPct: ((cpuTicks(pid) - c0) / clockTicks / elapsed) * 100, rssMb: peak };
}

async function startChild(args: string[], executable = process.execPath, env: NodeJS.ProcessEnv = process.env): Promise<ChildProcess> {
  const child = spawn(executable, args, { stdio: ['ignore', 'pipe', 'inherit'], env });
  await new Promise<void>((resolve) => child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve()));
  return child;
}

// Measure the agent as it ships: the single executable (Node SEA) that installers put on PCs, built here from the
// real composition root plus a small driver (agent-child.ts) — not TypeScript compiled on the fly by tsx, whose
// loader alone costs tens of MB.
const repo = fileURLToPath(new URL('../../', import.meta.url));
const { buildSea, seaSpecs } = await import('../../installers/sea/build-sea.ts');
const built = await buildSea({ ...seaSpecs.agent, entry: fileURLToPath(new URL('./agent-child.ts', import.meta.url)) }, join(repo, '.mamori', 'bench', 'agent-sea'));
const child = built.executable;
// Run it with the environment the service definitions give it (the Linux unit is the reference).
const unit = readFileSync(join(repo, 'installers/linux/agent/mamori-agent.service'), 'utf8');
const serviceEnv = Object.fromEntries([...unit.matchAll(/^Environment=([A-Z_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
const agentEnv = { ...process.env, ...serviceEnv };
const collector = await startTestCollector();
try {
  const baseline = await startChild(['-e', "process.stdout.write('ready\\n'); setInterval(() => {}, 1000)"]);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const floor = await measure(baseline.pid!, Math.min(windowS, 10));
  baseline.kill();

  const idleDir = await enrollTestAgent(await collector.token(), { hostname: 'PC-BENCH-IDLE' });
  // The child says "ready" once its start-up work (sensor starts, the inventory snapshot) is done; the idle window
  // begins 5 s later (first sync settled). Start-up's own peak is reported apart: the process's high-water mark then.
  const idleAgent = await startChild([idleDir], child, agentEnv);
  await new Promise((resolve) => setTimeout(resolve, 5000));
  const startupPeakMb = statusMb(idleAgent.pid!, 'VmHWM');
  const idle = await measure(idleAgent.pid!, windowS);
  idleAgent.kill('SIGTERM');

  const busyDir = await enrollTestAgent(await collector.token(), { hostname: 'PC-BENCH-BUSY' });
  const busyAgent = await startChild([busyDir, '1000'], child, agentEnv);
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const busy = await measure(busyAgent.pid!, busyS);
  busyAgent.kill('SIGTERM');

  const plainDir = await enrollTestAgent(await collector.token(), { hostname: 'PC-BENCH-UNSEALED', unsealed: true });
  writeFileSync(join(plainDir, 'agent.yaml'), 'seal:\n  enabled: false\n');
  const plainAgent = await startChild([plainDir, '1000'], child, agentEnv);
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const plain = await measure(plainAgent.pid!, busyS);
  plainAgent.kill('SIGTERM');
  const sealedStored = await collector.app.store.countEvents();
  const sealedRows = collector.app.store.db.prepare('SELECT COUNT(*) AS n FROM events WHERE seal IS NOT NULL').get() as { n: number };

  console.log('phase                     RSS MB   CPU %   ceiling');
  console.log(`bare node (floor)      ${floor.rssMb.toFixed(1).padStart(8)} ${floor.cpuPct.toFixed(2).padStart(7)}`);
  console.log(`agent start-up (peak)  ${startupPeakMb.toFixed(1).padStart(8)}       -`);
  console.log(`agent idle (${windowS} s)    ${idle.rssMb.toFixed(1).padStart(8)} ${idle.cpuPct.toFixed(2).padStart(7)}   RSS < 80 MB, CPU < 1 %`);
  console.log(`agent 1,000 events/s   ${busy.rssMb.toFixed(1).padStart(8)} ${busy.cpuPct.toFixed(2).padStart(7)}   sealed (as shipped)`);
  console.log(`  same, unsealed       ${plain.rssMb.toFixed(1).padStart(8)} ${plain.cpuPct.toFixed(2).padStart(7)}   sealing off (for this measurement only)`);
  console.log(`collector had stored ${sealedStored} events by then, ${sealedRows.n} of them with verified seals`);
  console.log(JSON.stringify({
    bench: 'agent', idle_rss_mb: Number(idle.rssMb.toFixed(1)), idle_cpu_pct: Number(idle.cpuPct.toFixed(2)),
    startup_peak_rss_mb: Number(startupPeakMb.toFixed(1)), busy_cpu_pct: Number(busy.cpuPct.toFixed(2)), busy_rss_mb: Number(busy.rssMb.toFixed(1)),
    busy_unsealed_cpu_pct: Number(plain.cpuPct.toFixed(2)), busy_unsealed_rss_mb: Number(plain.rssMb.toFixed(1)), stored_events: sealedStored, stored_sealed_events: sealedRows.n,
    floor_node_rss_mb: Number(floor.rssMb.toFixed(1)), service_env: serviceEnv, ceiling_idle_rss_mb: 80, ceiling_idle_cpu_pct: 1, window_s: windowS,
  }));
} finally {
  await collector.close();
}
