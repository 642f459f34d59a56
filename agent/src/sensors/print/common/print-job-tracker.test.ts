import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PrintPolicy } from '@mamori/policies';
import type { EventDraft } from '../../../core/event-draft.ts';
import { FakePrintSensor } from './fake-print-sensor.ts';
import type { PrintJobRecord } from './print-job.ts';
import { PrintJobTracker } from './print-job-tracker.ts';
import { PrintStateStore } from './print-state.ts';

const statePath = () => join(mkdtempSync(join(tmpdir(), 'mamori-tracker-')), 'print-state.json');
const job = (over: Partial<PrintJobRecord> = {}): PrintJobRecord => ({
  key: 'uuid-1', jobId: 7, documentName: 'report.pdf', printer: 'PDF', user: 'tanaka', pages: 3, copies: 1, sheets: 3,
  sizeBytes: 2048, submittedMs: Date.now(), completedMs: Date.now(), state: 'completed', pagesKnown: true, ...over,
});

async function started(policy: PrintPolicy | undefined, path = statePath()) {
  const events: EventDraft[] = [];
  const sensor = new FakePrintSensor(new PrintStateStore(path), () => policy);
  await sensor.start((e) => events.push(e), new AbortController().signal);
  return { sensor, events, path };
}

describe('PrintJobTracker (through FakePrintSensor)', () => {
  it('records a finished job once, with every field, even when reported again after a restart', async () => {
    const { sensor, events, path } = await started({ enabled: true });
    await sensor.push(job());
    await sensor.push(job());
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ user: 'tanaka', printJob: { jobId: 7, documentName: 'report.pdf', pages: 3, sheets: 3, sizeBytes: 2048, state: 'completed', action: 'logged', spooler: 'fake' } });
    const again = await started({ enabled: true }, path);
    await again.sensor.push(job());
    expect(again.events).toHaveLength(0);
  });

  it('keeps odd document names byte for byte', async () => {
    const { sensor, events } = await started({ enabled: true });
    const name = `\u0000\u0007\u001b[31mred\u202e gnp.exe ${'名'.repeat(5000)} \ud83d\udda8`;
    await sensor.push(job({ documentName: name, user: 'o\'brien; DROP TABLE' }));
    expect(events[0]?.printJob?.documentName).toBe(name);
    expect(events[0]?.printJob?.jobUser).toBe('o\'brien; DROP TABLE');
  });

  it('journals a cancel decision before asking the spooler, and the final record says cancelled', async () => {
    const { sensor, events, path } = await started({ enabled: true, per_job: { pages: 50, action: 'cancel' } });
    await sensor.push(job({ state: 'processing', pages: 60, completedMs: 0 }));
    expect(sensor.cancelled.map((j) => j.jobId)).toEqual([7]);
    expect(events[0]?.policyDecision).toMatchObject({ subject: 'print', decision: 'cancel', rule: 'print.per_job' });
    // Another poll while CUPS is still cancelling: no second cancel.
    await sensor.push(job({ state: 'processing', pages: 60, completedMs: 0 }));
    expect(sensor.cancelled).toHaveLength(1);
    // The agent restarts before the job's end is seen: the decision survives.
    const again = await started({ enabled: true, per_job: { pages: 50, action: 'cancel' } }, path);
    await again.sensor.push(job({ state: 'cancelled', pages: 60 }));
    expect(again.events[0]?.printJob).toMatchObject({ state: 'cancelled', action: 'cancelled', rule: 'print.per_job' });
  });

  it('records an alert when the spooler refuses to cancel (job already finished)', async () => {
    const events: EventDraft[] = [];
    const tracker = new PrintJobTracker({
      spooler: 'cups', state: new PrintStateStore(statePath()), emit: (e) => events.push(e),
      policy: () => ({ enabled: true, per_job: { pages: 50, action: 'cancel' } }),
      control: { cancel: async () => { throw new Error('client-error-not-possible'); }, hold: async () => {} },
    });
    await tracker.observe(job({ state: 'processing', pages: 60, completedMs: 0 }));
    await tracker.observe(job({ state: 'completed', pages: 60 }));
    expect(events.map((e) => e.policyDecision?.decision ?? e.printJob?.action)).toEqual(['cancel', 'cancel_failed', 'alerted']);
  });

  it('turns a cancel rule into an alert for a job first seen finished, and counts daily pages', async () => {
    const { sensor, events } = await started({ enabled: true, per_user_per_day: { pages: 10, action: 'cancel' } });
    await sensor.push(job({ key: 'a', pages: 8 }));
    await sensor.push(job({ key: 'b', pages: 3 }));
    expect(events.map((e) => e.printJob?.action)).toEqual(['logged', 'alerted']);
    expect(events[1]?.printJob?.rule).toBe('print.per_user_per_day');
    expect(sensor.cancelled).toHaveLength(0);
  });

  it('records nothing when print monitoring is disabled by policy', async () => {
    const { sensor, events } = await started({ enabled: false });
    await sensor.push(job());
    expect(events).toHaveLength(0);
  });
});
