import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventDraft } from '../../../core/event-draft.ts';
import { PrintStateStore } from '../common/print-state.ts';
import { PrintServiceEventLogSensor } from './print-service-event-log-sensor.ts';

const fixture = readFileSync(new URL('./fixtures/operational.xml', import.meta.url), 'utf8');

describe('PrintServiceEventLogSensor, log only (hand-written fixture in wevtutil\'s /f:xml format; see fixtures/README.md)', () => {
  it('records each printed document once, asks only for newer records, and alerts per policy', async () => {
    const queries: string[] = [];
    let answer = fixture;
    const readLog = async (xpath: string) => {
      queries.push(xpath);
      const out = answer;
      answer = '<Events></Events>';
      return out;
    };
    const events: EventDraft[] = [];
    const state = new PrintStateStore(join(mkdtempSync(join(tmpdir(), 'mamori-winprint-')), 'print-state.json'));
    const sensor = new PrintServiceEventLogSensor({ pollMs: 60_000, state, readLog, spawnHost: null, policy: () => ({ enabled: true, per_job: { pages: 50, action: 'cancel' } }) });
    const abort = new AbortController();
    expect((await sensor.start((e) => events.push(e), abort.signal)).state).toBe('running');
    abort.abort();
    const jobs = events.map((e) => e.printJob);
    expect(jobs).toHaveLength(2);
    expect(jobs[0]).toMatchObject({ jobId: 12, pages: 9, copies: 3, action: 'logged', spooler: 'windows-printservice' });
    // The log reports jobs after printing: a cancel rule can only alert.
    expect(jobs[1]).toMatchObject({ jobId: 13, pages: 60, action: 'alerted', rule: 'print.per_job' });
    expect(events[1]?.user).toBe('CORP\\suzuki');
    expect(queries[0]).toBe('*[System[(EventID=307 or EventID=805) and EventRecordID>0]]');
  });

  it('is degraded, not crashed, when the channel cannot be read', async () => {
    const state = new PrintStateStore(join(mkdtempSync(join(tmpdir(), 'mamori-winprint-')), 'print-state.json'));
    const sensor = new PrintServiceEventLogSensor({
      pollMs: 60_000, state, policy: () => undefined, spawnHost: null,
      readLog: async () => { throw new Error('The specified channel could not be found.'); },
    });
    const abort = new AbortController();
    const status = await sensor.start(() => 0, abort.signal);
    abort.abort();
    expect(status).toMatchObject({ state: 'degraded' });
    expect(status.detail).toMatch(/channel could not be found.*retrying/);
  });
});
