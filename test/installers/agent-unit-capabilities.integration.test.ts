import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, readFileSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, waitFor } from '../harness/collector.ts';
import { ensureDebianPackages } from '../harness/system-packages.ts';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../..', import.meta.url));
const isRoot = process.getuid?.() === 0;
const haveTools = (isRoot || process.env.CI === 'true') && ensureDebianPackages(['iproute2', 'util-linux'], ['ss', 'setpriv', 'runuser']);

/** The capabilities the packaged unit leaves the agent (CapabilityBoundingSet=), as setpriv names them. */
function unitCapabilities(): string[] {
  const unit = readFileSync(join(repo, 'installers/linux/agent/mamori-agent.service'), 'utf8');
  const line = /^CapabilityBoundingSet=(.*)$/m.exec(unit)?.[1];
  if (!line) throw new Error('the agent unit has no CapabilityBoundingSet');
  return line.trim().split(/\s+/).map((cap) => cap.replace(/^CAP_/, '').toLowerCase());
}

interface Named {
  tcpOwner: { user: string; uid?: number; pid?: number; process?: string } | null;
  unixPeer: { pid: number; uid: number; exe: string } | null;
}

/**
 * The agent runs as root inside the unit's capability bounding set. Root without CAP_SYS_PTRACE may not read another
 * user's /proc/<pid>/fd or /proc/<pid>/exe (ptrace access mode), which is how the agent names who sent a mail through
 * its relay and which process reached the browser bridge. This runs the agent's own lookups as root under exactly the
 * unit's set (setpriv), against a process of the user `nobody`, and once more without CAP_SYS_PTRACE to show the
 * capability is what makes the difference.
 */
describe.skipIf(!haveTools)('agent unit capabilities (root, setpriv)', () => {
  const dir = tempDir('agent-caps');
  const socketPath = join(dir, 'bridge.sock');
  let tcpServer: Server;
  let unixServer: Server;
  let client: ChildProcess;
  let tcpSocket: Socket | undefined;
  let unixSocket: Socket | undefined;
  const nobodyUid = isRoot ? Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim()) : -1;

  beforeAll(async () => {
    chmodSync(dir, 0o755);
    tcpServer = createServer((socket) => (tcpSocket = socket));
    unixServer = createServer((socket) => (unixSocket = socket));
    await new Promise<void>((resolve) => tcpServer.listen(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => unixServer.listen(socketPath, resolve));
    chmodSync(socketPath, 0o777);
    const port = (tcpServer.address() as { port: number }).port;
    // It leaves when the test closes either connection (runuser stays in between, so killing it would orphan this).
    const script = `const net = require('node:net'); for (const s of [net.connect(${port}, '127.0.0.1'), net.connect(${JSON.stringify(socketPath)})]) s.on('close', () => process.exit(0)); setInterval(() => {}, 60000);`;
    client = spawn('runuser', ['-u', 'nobody', '--', process.execPath, '-e', script], { stdio: 'ignore' });
    await waitFor(() => tcpSocket !== undefined && unixSocket !== undefined, 15_000, 'the nobody client connected');
  });

  afterAll(() => {
    client?.kill('SIGKILL');
    tcpSocket?.destroy();
    unixSocket?.destroy();
    tcpServer?.close();
    unixServer?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function nameUnder(capabilities: string[]): Promise<Named> {
    const fd = (unixSocket as unknown as { _handle: { fd: number } })._handle.fd;
    const unixInode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`))![1]!;
    const tcp = { localAddress: tcpSocket!.localAddress!, localPort: tcpSocket!.localPort!, remoteAddress: tcpSocket!.remoteAddress!, remotePort: tcpSocket!.remotePort! };
    const { stdout } = await run('setpriv', [`--bounding-set=-all,${capabilities.map((c) => `+${c}`).join(',')}`, '--',
      process.execPath, '--import', 'tsx', 'test/installers/helpers/name-peers.ts', JSON.stringify({ tcp, unixInode })], { cwd: repo });
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as Named;
  }

  it('under the unit\'s set the agent names the nobody process behind a TCP connection and a Unix socket', { timeout: 60_000 }, async () => {
    const named = await nameUnder(unitCapabilities());
    expect(named.tcpOwner).toMatchObject({ user: 'nobody', uid: nobodyUid, process: 'node' });
    expect(named.tcpOwner?.pid).toBeGreaterThan(0);
    expect(named.unixPeer).toMatchObject({ uid: nobodyUid, exe: realpathSync(process.execPath) });
  });

  it('without CAP_SYS_PTRACE the same lookups cannot tell the process (so the unit must keep it)', { timeout: 60_000 }, async () => {
    const named = await nameUnder(unitCapabilities().filter((c) => c !== 'sys_ptrace'));
    expect(named.tcpOwner?.process).toBeUndefined();
    expect(named.unixPeer?.exe ?? '').toBe('');
  });
});
