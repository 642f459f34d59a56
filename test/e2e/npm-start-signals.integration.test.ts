import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../harness/collector.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));

/** Parent pid of every live process, read from /proc (Linux): enough to walk the tree `npm start` makes. */
function parentOf(): Map<number, number> {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name (field 2) may hold spaces and parentheses; the fields after its last ')' are fixed.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(fields[1]));
    } catch { /* the process ended while listing */ }
  }
  return parents;
}

function descendants(root: number): number[] {
  const parents = parentOf();
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    for (const [child, parent] of parents) if (parent === pid) { found.push(child); queue.push(child); }
  }
  return found;
}

/** A zombie (exited, not yet reaped by its parent) counts as gone. */
function alive(pid: number): boolean {
  try { return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z '); } catch { return false; }
}
const commandLine = (pid: number) => { try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '); } catch { return ''; } };

interface Started { npm: ChildProcess; output: () => string; tree: () => number[] }

/**
 * `npm start` as a user runs it (npm → tsx → the job's node), in its own state folder. The console build is skipped
 * (other tests build console/dist at the same time); the collector then serves its placeholder page.
 */
async function startDemo(home: string): Promise<Started> {
  let output = '';
  const npm = spawn('npm', ['start'], {
    cwd: repo, env: { ...process.env, MAMORI_HOME: home, MAMORI_CONSOLE_BUILD: 'skip' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  npm.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  npm.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  await waitFor(() => output.includes('Mamori is running.') || npm.exitCode !== null, 90_000, '`npm start` to be running');
  expect(output, output).toContain('Mamori is running.');
  return { npm, output: () => output, tree: () => [npm.pid!, ...descendants(npm.pid!)] };
}

/** Which process of the tree gets the signal: npm itself, tsx's launcher, or the node process running the job. */
function pick(started: Started, target: 'npm' | 'tsx' | 'job'): number {
  if (target === 'npm') return started.npm.pid!;
  const tree = started.tree();
  const parents = parentOf();
  // tsx's launcher and the job's node process both name main-job.ts on their command line; the launcher is the parent.
  const named = tree.slice(1).filter((pid) => commandLine(pid).includes('main-job.ts'));
  const launcher = named.find((pid) => named.some((other) => parents.get(other) === pid));
  const job = named.find((pid) => pid !== launcher);
  const chosen = target === 'job' ? job : launcher;
  expect(chosen, `no ${target} process in\n${tree.map((pid) => `${pid}: ${commandLine(pid)}`).join('\n')}`).toBeDefined();
  return chosen!;
}

/** True when nothing listens on the port any more (the demo's console and gRPC ports are fixed). */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

describe('npm start stops on SIGINT/SIGTERM sent to any of its processes (issue 19 item 6)', () => {
  const homes: string[] = [];
  afterEach(() => { for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true }); });

  for (const [target, signal] of [['npm', 'SIGINT'], ['tsx', 'SIGTERM'], ['job', 'SIGTERM']] as const) {
    it(`${signal} to ${target}: every process of the demo exits and the ports are free again`, async () => {
      const home = mkdtempSync(join(tmpdir(), 'mamori-npm-start-'));
      homes.push(home);
      const started = await startDemo(home);
      const tree = started.tree();
      expect(tree.length).toBeGreaterThanOrEqual(3);
      try {
        process.kill(pick(started, target), signal);
        await waitFor(() => tree.every((pid) => !alive(pid)), 30_000, `every process of npm start to exit after ${signal} to ${target}`);
      } finally {
        for (const pid of tree) if (alive(pid)) process.kill(pid, 'SIGKILL');
      }
      expect(tree.filter(alive)).toEqual([]);
      expect(await portFree(8443)).toBe(true);
      expect(await portFree(7443)).toBe(true);
    }, 150_000);
  }
});
