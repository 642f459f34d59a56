import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import nodemailer from 'nodemailer';
import { decodeEvent } from '@mamori/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAgentSea, type SeaBuild } from '../../installers/sea/build-sea.ts';
import { SmtpPeer } from '../../agent/src/sensors/mail/node/testing/smtp-peer.ts';
import { people, textPdf } from '../../agent/src/inspect/testing/corpus-writers.ts';
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
  const relayStateDir = tempDir('sea-agent-relay');
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
    rmSync(relayStateDir, { recursive: true, force: true });
  });

  const events = (agentId: string) => (collector.app.store.db.prepare('SELECT kind, bytes FROM events WHERE agent_id = ? ORDER BY seq').all(agentId) as { kind: string; bytes: Buffer }[])
    .map((row) => ({ kind: row.kind, event: decodeEvent(row.bytes) }));

  it('is a self-contained executable with its native addons beside it', async () => {
    const { stdout } = await run(sea.executable, ['--help'], { env, cwd: stateDir });
    expect(stdout).toContain('Usage: mamori-agent');
    expect(sea.addons.map((a) => a.split('/').pop())).toEqual(['better_sqlite3.node', 'usb.node']);
    expect(sea.sideBundles.map((b) => b.split('/').slice(-2).join('/'))).toEqual(['lib/mail-relay.cjs', 'lib/inspect.cjs', 'lib/inspect-pdf.cjs']);
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

  // The SMTP relay's libraries are not in the executable: they load from lib/mail-relay.cjs when the relay starts.
  it('starts the mail relay from its bundle beside the executable and relays a message', { timeout: 150_000 }, async () => {
    const peer = new SmtpPeer();
    await peer.start();
    const relayPort = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const port = (server.address() as { port: number }).port;
        server.close(() => resolve(port));
      });
    });
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: relayPort, secure: false, ignoreTLS: true });
    let relayChild: ChildProcess | undefined;
    try {
      const enrolled = await run(sea.executable, ['-s', relayStateDir, 'enroll', await collector.token(), '--hostname', 'PC-SEA-02', '--json'], { env, cwd: relayStateDir });
      const { agentId } = JSON.parse(enrolled.stdout) as { agentId: string };
      writeFileSync(join(relayStateDir, 'agent.yaml'), [
        'local: { port: 0 }',
        'uplink: { backoffInitialMs: 100, backoffMaxMs: 1000 }',
        'sensors:',
        '  usb: { enforcement: "off" }',
        `  mail: { listen: { port: ${relayPort} }, upstream: { host: "127.0.0.1", port: ${peer.port}, security: "none", auth: { mode: "none" } } }`, '',
      ].join('\n'));
      relayChild = spawn(sea.executable, ['-s', relayStateDir, 'run'], { env, cwd: relayStateDir, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      relayChild.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      await waitFor(() => events(agentId).some((e) => e.kind === 'inventory'), 60_000, `inventory from the SEA agent (stderr: ${stderr})`);

      await transport.sendMail({ from: 'alice@example.co.jp', to: 'bob@example.co.jp', subject: 'quarterly figures', text: 'hello' });
      expect(peer.received).toHaveLength(1);
      await waitFor(() => events(agentId).some((e) => e.event.mail?.verdict === 'relayed'), 20_000, `mail event from the SEA agent (stderr: ${stderr})`);
      // Content inspection and pdf.js load from lib/inspect.cjs and lib/inspect-pdf.cjs: a PDF listing residents is refused.
      const pdf = await textPdf(people(12).map((p) => `Resident ${p.myNumber}`));
      await expect(transport.sendMail({ from: 'alice@example.co.jp', to: 'bob@example.co.jp', subject: 'list', text: 'see attached', attachments: [{ filename: 'list.pdf', content: pdf }] }))
        .rejects.toMatchObject({ responseCode: 550, response: expect.stringContaining('a personal-data list (10 or more My Numbers)') });
      expect(peer.received).toHaveLength(1);
    } finally {
      transport.close();
      if (relayChild && relayChild.exitCode === null) {
        const exited = new Promise((resolve) => relayChild!.once('exit', resolve));
        relayChild.kill('SIGTERM');
        await exited;
      }
      await peer.stop();
    }
  });
});
