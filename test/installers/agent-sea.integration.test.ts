import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeEvent } from '@mamori/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAgentSea, type SeaBuild } from '../../installers/sea/build-sea.ts';
import { startTestCollector, tempDir, waitFor, type TestCollector } from '../harness/collector.ts';

const run = promisify(execFile);

/**
 * The agent as one executable (Node SEA, addons beside it), run with no Node and no node_modules on its path:
 * it starts, enrolls against a real collector, sends signed events (started, inventory) and records its stop.
 */
describe('single-executable agent', () => {
  let sea: SeaBuild;
  let collector: TestCollector;
  let child: ChildProcess | undefined;
  const stateDir = tempDir('sea-agent');
  const buildDir = tempDir('sea-build');
  // Only the executable's own folder: nothing from the repository can be picked up by accident.
  const env = { PATH: '/usr/bin:/bin', HOME: stateDir };

  beforeAll(async () => {
    sea = await buildAgentSea(join(buildDir, 'out'));
    collector = await startTestCollector();
  }, 180_000);

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await collector?.close();
    // ~90 MB per build: do not leave them behind.
    rmSync(buildDir, { recursive: true, force: true });
    rmSync(stateDir, { recursive: true, force: true });
  });

  const events = (agentId: string) => (collector.app.store.db.prepare('SELECT kind, bytes FROM events WHERE agent_id = ? ORDER BY seq').all(agentId) as { kind: string; bytes: Buffer }[])
    .map((row) => ({ kind: row.kind, event: decodeEvent(row.bytes) }));

  it('is a self-contained executable with its native addons beside it', async () => {
    const { stdout } = await run(sea.executable, ['--help'], { env, cwd: stateDir });
    expect(stdout).toContain('Usage: mamori-agent');
    expect(sea.addons.map((a) => a.split('/').pop())).toEqual(['better_sqlite3.node', 'usb.node']);
  });

  it('enrolls, runs, sends events and records its stop', { timeout: 150_000 }, async () => {
    const token = await collector.token();
    const enrolled = await run(sea.executable, ['-s', stateDir, 'enroll', token, '--hostname', 'PC-SEA-01', '--json'], { env, cwd: stateDir });
    const { agentId } = JSON.parse(enrolled.stdout) as { agentId: string };
    expect(agentId).toBeTruthy();

    writeFileSync(join(stateDir, 'agent.yaml'), [
      'local: { port: 0 }',
      'uplink: { backoffInitialMs: 100, backoffMaxMs: 1000 }',
      // No real devices to enforce on, and the SMTP relay port may be taken on a shared test machine.
      'sensors: { usb: { enforcement: "off" }, mail: { enabled: false } }', '',
    ].join('\n'));
    child = spawn(sea.executable, ['-s', stateDir, 'run'], { env, cwd: stateDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitFor(() => events(agentId).some((e) => e.kind === 'inventory'), 60_000, `inventory from the SEA agent (stderr: ${stderr})`);
    const first = events(agentId)[0]!;
    expect(first.event.lifecycle).toMatchObject({ kind: 'STARTED' });
    expect(first.event.pc).toBe('PC-SEA-01');

    const exited = new Promise<number | null>((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await waitFor(() => events(agentId).some((e) => e.event.lifecycle?.kind === 'STOPPED'), 20_000, 'STOPPED from the SEA agent');

    const status = await run(sea.executable, ['-s', stateDir, 'status', '--json'], { env, cwd: stateDir });
    expect(JSON.parse(status.stdout)).toMatchObject({ agentId, running: false, unsentEvents: 0 });
  });
});
