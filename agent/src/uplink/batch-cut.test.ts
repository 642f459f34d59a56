import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal } from '../core/journal.ts';
import { Recorder } from '../core/recorder.ts';
import { cutAtAlteredRow } from './batch-cut.ts';

function rows(n: number) {
  const journal = new Journal(join(mkdtempSync(join(tmpdir(), 'mamori-cut-')), 'journal.db'), { maxBytes: 1e9 });
  const recorder = new Recorder(journal, { agentId: 'ag', pc: () => 'PC', user: () => 'u' });
  for (let i = 0; i < n; i += 1) recorder.record({ lifecycle: { kind: 'STARTED', detail: `row ${i}` } });
  return journal.read(1, n);
}

const alter = (bytes: Buffer) => Buffer.from(bytes.toString('latin1').replace('row', 'ROW'), 'latin1');

describe('batches cut at an altered journal row', () => {
  it('keeps an intact run whole', () => {
    expect(cutAtAlteredRow(rows(5)).map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('stops before an altered row, sends it alone, then goes on after it', () => {
    const run = rows(5);
    run[2] = { ...run[2]!, bytes: alter(run[2]!.bytes) };
    expect(cutAtAlteredRow(run).map((r) => r.seq)).toEqual([1, 2]);
    expect(cutAtAlteredRow(run.slice(2)).map((r) => r.seq)).toEqual([3]);
    expect(cutAtAlteredRow(run.slice(3)).map((r) => r.seq)).toEqual([4, 5]);
  });
});
