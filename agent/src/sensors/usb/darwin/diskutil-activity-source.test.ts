import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DiskActivity } from '../../../platform/diskutil-activity.ts';
import type { HostProcess } from '../../../platform/line-host.ts';
import { DiskutilActivitySource } from './diskutil-activity-source.ts';

const lines = readFileSync(new URL('../../../platform/fixtures/diskutil-activity.txt', import.meta.url));

/** A real child process printing the fixture one line every 30 ms, then exiting with `code` or staying. */
function replay(code?: number): HostProcess {
  const script = `const l=Buffer.from(${JSON.stringify(lines.toString('base64'))},'base64').toString('utf8').split(/(?<=\\n)/);let n=0;`
    + `const t=setInterval(()=>{if(n<l.length){process.stdout.write(l[n++]);return;}clearInterval(t);${code === undefined ? 'setInterval(()=>{},1000)' : `process.exit(${code})`}},30);`;
  return spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
}

async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('DiskutilActivitySource (a real child process replaying the hand-written diskutil activity fixture)', () => {
  it('hands every notification to the mount guard and snapshots on each appear/disappear/description change', async () => {
    let snapshots = 0;
    const source = new DiskutilActivitySource({ snapshot: async () => { snapshots += 1; return { devices: [], mounts: [] }; }, spawnActivity: () => replay() });
    const seen: DiskActivity[] = [];
    source.onActivity((a) => seen.push(a));
    const abort = new AbortController();
    await source.start(() => undefined, abort.signal);
    await until(() => seen.length === 14);
    await source.rescan();
    expect(source.status()).toMatchObject({ state: 'running', detail: expect.stringContaining('diskutil activity') });
    abort.abort();
    // 1 at start + 10 changes (5 appeared, 3 description changes, 2 disappeared) + the explicit rescan, at most.
    expect(snapshots).toBeGreaterThanOrEqual(3);
    expect(snapshots).toBeLessThanOrEqual(12);
  });

  it('is degraded and polls while diskutil activity is not running', async () => {
    let snapshots = 0;
    const source = new DiskutilActivitySource({
      snapshot: async () => { snapshots += 1; return { devices: [], mounts: [] }; },
      spawnActivity: () => replay(1), fallbackPollMs: 30, restartMs: 60_000,
    });
    const abort = new AbortController();
    await source.start(() => undefined, abort.signal);
    await until(() => source.status().state === 'degraded');
    const before = snapshots;
    await until(() => snapshots >= before + 2);
    expect(source.status().detail).toMatch(/diskutil activity down \(exited with code 1\)/);
    abort.abort();
  });
});
