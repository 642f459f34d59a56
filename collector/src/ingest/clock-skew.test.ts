import { describe, expect, it } from 'vitest';
import { CollectorHub } from '../hub.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { IntegrityFinding } from '../store/types.ts';
import { noteAgentClock } from './clock-skew.ts';

const day = 86_400_000;
const now = 1_800_000_000_000;

async function setup() {
  const store = new SqliteStore(':memory:');
  await store.createAgent({ id: 'ag_1', pc: 'PC-1', hardwareId: 'hw', os: 'linux', publicKey: Buffer.alloc(32), unlockKey: Buffer.alloc(32), enrolledMs: now, previousAgentId: null });
  const hub = new CollectorHub();
  const emitted: IntegrityFinding[] = [];
  hub.on('integrity', (finding: IntegrityFinding) => emitted.push(finding));
  return { store, hub, emitted, note: (skewMs: number) => noteAgentClock({ store, hub }, { id: 'ag_1', pc: 'PC-1' }, skewMs, now) };
}

describe('collector clock check at connect', () => {
  it('records a skew past 5 minutes once, again only when it changes materially', async () => {
    const { store, emitted, note } = await setup();
    await note(40_000);
    expect(emitted).toEqual([]);
    await note(-day);
    await note(-day + 2_000);
    expect(emitted.map((f) => f.kind)).toEqual(['clock_behind']);
    expect(emitted[0]!.detail).toContain('24.0 h behind');
    await note(3 * 3_600_000);
    expect(emitted.map((f) => f.kind)).toEqual(['clock_behind', 'clock_ahead']);
    // Fixed, then wrong again: noted again.
    await note(0);
    await note(-day);
    expect(emitted.map((f) => f.kind)).toEqual(['clock_behind', 'clock_ahead', 'clock_behind']);
    expect((await store.listIntegrityFindings('ag_1')).map((f) => f.kind)).toEqual(['clock_behind', 'clock_ahead', 'clock_behind']);
    await store.close();
  });
});
