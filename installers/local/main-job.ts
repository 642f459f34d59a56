// `npm start`: the whole product on this one PC — a collector on embedded SQLite serving the console, and an
// agent enrolled to it. State lives in ./.mamori (or MAMORI_HOME); the admin password is printed once, on the
// first start.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { enroll, loadAgentConfig, runAgent, type RunningAgent } from '@mamori/agent';
import { buildApp, createEnrollmentToken, initDataDir, loadCollectorConfig, type CollectorApp } from '@mamori/collector';
import { setupProblems, tcpReachable } from './setup-check.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const home = resolve(process.env.MAMORI_HOME ?? join(repo, '.mamori'));
const collectorDir = join(home, 'collector');
const agentDir = join(home, 'agent');

function buildConsoleIfNeeded(): void {
  const dist = join(repo, 'console', 'dist', 'index.html');
  if (existsSync(dist) || !existsSync(join(repo, 'console', 'index.html'))) return;
  // Tests that start `npm start` beside others building console/dist set this, so two builds never share a folder.
  if (process.env.MAMORI_CONSOLE_BUILD === 'skip') return;
  console.log('building the console (first start only)…');
  const result = spawnSync('npm', ['run', 'build', '-w', 'console'], { cwd: repo, stdio: 'inherit' });
  if (result.status !== 0) console.warn('console build failed; the collector will serve a placeholder page');
}

/** Prints what is not configured yet (alert mail, mail links, sensors that are off) and the one fix for each. */
async function reportSetupProblems(collector: CollectorApp, agent: RunningAgent, consoleUrl: string): Promise<void> {
  // Sensors report their state once started; a slow first inventory must not hold the report back for long.
  await Promise.race([agent.started, new Promise((resolve) => setTimeout(resolve, 3_000))]);
  const view = await collector.settings.view();
  const smtp = collector.settings.smtp;
  const problems = setupProblems({
    smtp: { host: smtp.host, port: smtp.port, reachable: await tcpReachable(smtp.host, smtp.port), setOnSettingsPage: view.smtp.source === 'console' },
    publicUrlConfigured: view.publicUrl.source !== 'default', consoleUrl,
    collectorConfigFile: join(collectorDir, 'collector.yaml'), agentConfigFile: join(agentDir, 'agent.yaml'),
    sensors: agent.sensors.map((sensor) => ({ name: sensor.name, ...sensor.status() })),
  });
  if (problems.length === 0) return;
  console.log('');
  console.log('Not configured yet:');
  for (const problem of problems) console.log(`  - ${problem.what}\n      fix: ${problem.fix}`);
}

async function main(): Promise<void> {
  buildConsoleIfNeeded();
  let adminPassword: string | undefined;
  if (!existsSync(join(collectorDir, 'collector.db'))) {
    ({ adminPassword } = await initDataDir(collectorDir, { advertise: 'localhost:7443', names: [hostname()], adminUser: 'admin', httpPort: 8443, httpHost: '127.0.0.1' }));
  }
  const collector = await buildApp(loadCollectorConfig(collectorDir));
  const { grpcPort, httpUrl } = await collector.listen();

  if (!existsSync(join(agentDir, 'identity.json'))) {
    const { token } = await createEnrollmentToken(collector.store, {
      address: `localhost:${grpcPort}`, caFingerprint: collector.tls.caFingerprint, ttlMs: 600_000, uses: 1, actor: 'npm start', now: Date.now(),
    });
    await enroll({ stateDir: agentDir, token });
  }
  const agent = await runAgent(loadAgentConfig({ stateDir: agentDir }), { log: (line) => console.log(`[agent] ${line}`) });

  console.log('');
  console.log(`Mamori is running.`);
  console.log(`  console:   ${httpUrl}`);
  console.log(adminPassword
    ? `  sign in:   admin / ${adminPassword}   (one-time password: shown only now)`
    : `  sign in:   admin (password shown at first start; reset: npx mamori-collector -d ${collectorDir} user add admin --role admin)`);
  console.log(`  agent:     ${agent.identity.pc} (${agent.identity.agentId}) → gRPC localhost:${grpcPort}`);
  console.log(`  data:      ${home}`);
  console.log('Ctrl+C stops both.');
  await reportSetupProblems(collector, agent, httpUrl);

  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await agent.stop();
  await collector.close();
}

main().catch((error: unknown) => {
  console.error(`npm start: ${(error as Error).message}`);
  process.exit(1);
});
