import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrintPolicy } from '@mamori/policies';
import type { EventDraft } from '../../../core/event-draft.ts';
import { CupsHarness, ensureCups, textDocument } from '../../../../../test/harness/cups.ts';
import { PrintStateStore } from '../common/print-state.ts';
import { CupsPrintSensor } from './cups-print-sensor.ts';

const isRoot = process.getuid?.() === 0;
const available = isRoot && ensureCups();

async function waitFor<T>(what: string, probe: () => T | undefined, deadlineMs = 30_000): Promise<T> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(!available)('CupsPrintSensor against a real cupsd with cups-pdf', () => {
  let cups: CupsHarness;
  let work: string;
  const events: EventDraft[] = [];
  const emit = (event: EventDraft) => events.push(event);
  let policy: PrintPolicy = { enabled: true, per_job: { pages: 50, action: 'alert' } };
  let agent: { sensor: CupsPrintSensor; abort: AbortController } | undefined;
  const cupsConfig = () => ({ socketPath: cups.socketPath, idlePollMs: 100, activePollMs: 20, requestTimeoutMs: 2000, retryMs: 100 });

  async function startAgent() {
    const sensor = new CupsPrintSensor({ cups: cupsConfig(), state: new PrintStateStore(join(work, 'state/print-state.json')), policy: () => policy });
    const abort = new AbortController();
    const status = await sensor.start(emit, abort.signal);
    agent = { sensor, abort };
    return status;
  }
  function stopAgent() {
    agent?.abort.abort();
    agent = undefined;
  }
  const jobs = () => events.flatMap((e) => (e.printJob ? [e.printJob] : []));
  const recorded = (jobId: number) => jobs().filter((j) => j.jobId === jobId);
  const waitRecorded = (jobId: number) => waitFor(`job ${jobId} recorded`, () => recorded(jobId)[0]);

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'mamori-print-'));
    cups = await CupsHarness.start({ slowPrinterMs: 3000 });
  }, 60_000);
  afterAll(async () => {
    stopAgent();
    await cups?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('records 1-, 3- (×3 copies) and 60-page jobs, one from another user, each once with pages and copies', async () => {
    expect((await startAgent()).state).toBe('running');
    // CUPS itself refuses control characters in job names (it substitutes "Untitled") and caps them at 255
    // octets; anything it accepts must come back byte for byte. Control characters are covered by unit tests.
    const oddName = `顧客リスト 2026 — "Q1" <script>&amp; 'x' ${'長'.repeat(60)}`;
    const one = cups.lp(textDocument(join(work, 'one.txt'), 1), { title: oddName });
    const three = cups.lp(textDocument(join(work, 'three.txt'), 3), { title: 'three pages', copies: 3 });
    const sixty = cups.lp(textDocument(join(work, 'sixty.txt'), 60), { title: 'sixty pages', asUser: 'otheruser' });

    const r1 = await waitRecorded(one);
    const r3 = await waitRecorded(three);
    const r60 = await waitRecorded(sixty);
    expect(r1).toMatchObject({ documentName: oddName, pages: 1, copies: 1, sheets: 1, state: 'completed', printer: 'PDF', spooler: 'cups', action: 'logged' });
    expect(r1.jobUser).toBe('root');
    expect(r1.sizeBytes).toBeGreaterThan(0);
    expect(Number(r1.completedMs)).toBeGreaterThanOrEqual(Number(r1.submittedMs));
    expect(r3).toMatchObject({ pages: 9, copies: 3, state: 'completed' });
    expect(r60).toMatchObject({ pages: 60, copies: 1, jobUser: 'otheruser', state: 'completed', action: 'alerted', rule: 'print.per_job' });
    // The sensor's event is attributed to the job's owner, not the agent's user.
    expect(events.find((e) => e.printJob?.jobId === sixty)?.user).toBe('otheruser');

    // More polls change nothing: each job is recorded once.
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const id of [one, three, sixty]) expect(recorded(id)).toHaveLength(1);
  }, 60_000);

  it('cancels a job over a hard per-job limit in CUPS and records the cancellation', async () => {
    policy = { enabled: true, per_job: { pages: 50, action: 'cancel' } };
    const big = cups.lp(join(work, 'sixty.txt'), { printer: 'PDF-SLOW', title: 'too big' });
    const record = await waitRecorded(big);
    expect(record).toMatchObject({ state: 'cancelled', action: 'cancelled', rule: 'print.per_job', printer: 'PDF-SLOW' });
    const decision = events.find((e) => e.policyDecision?.subject === 'print' && e.policyDecision.detail?.includes(`job ${big} `));
    expect(decision?.policyDecision).toMatchObject({ decision: 'cancel', rule: 'print.per_job' });
    // Journaled before the job's final record.
    expect(events.indexOf(decision!)).toBeLessThan(events.findIndex((e) => e.printJob?.jobId === big));
    // CUPS itself lists the job as finished (cancelled), never printed.
    expect(cups.jobIds('completed')).toContain(big);
    expect(cups.errorLog()).toMatch(new RegExp(`\\[Job ${big}\\] .*(cancel|Canceled)`, 'i'));
  }, 60_000);

  it('holds a job for a user already at the daily limit before it prints', async () => {
    policy = { enabled: true, per_user_per_day: { pages: 60, action: 'hold' } };
    // otheruser printed 60 pages today: the next job is held while still pending.
    const extra = cups.lp(join(work, 'one.txt'), { printer: 'PDF-SLOW', asUser: 'otheruser', title: 'one more' });
    const decision = await waitFor('hold decision', () => events.find((e) => e.policyDecision?.detail?.includes(`job ${extra} `)));
    expect(decision.policyDecision).toMatchObject({ decision: 'hold', rule: 'print.per_user_per_day' });
    await waitFor('job held in CUPS', () => cups.jobIds('not-completed').includes(extra) && recorded(extra).length === 0);
    cups.lpadminCancel(extra);
    expect(await waitRecorded(extra)).toMatchObject({ state: 'cancelled', action: 'held', rule: 'print.per_user_per_day' });
  }, 60_000);

  it('loses no job across a cupsd restart and an agent restart, and records none twice', async () => {
    policy = { enabled: true };
    const before = events.length;
    // cupsd goes away while the agent runs: degraded, retried, no crash.
    const duringCupsRestart = cups.lp(join(work, 'three.txt'), { title: 'before cupsd restart' });
    await cups.stopDaemon();
    await waitFor('degraded status', () => agent!.sensor.status().state === 'degraded');
    expect(agent!.sensor.status().detail).toMatch(/retrying/);
    await cups.startDaemon();
    await waitFor('running again', () => agent!.sensor.status().state === 'running');
    await waitRecorded(duringCupsRestart);

    // The agent stops; jobs print meanwhile; it comes back.
    stopAgent();
    const whileAgentDown = cups.lp(join(work, 'one.txt'), { title: 'while the agent was down' });
    await waitFor('job printed', () => cups.jobIds('completed').includes(whileAgentDown));
    expect(recorded(whileAgentDown)).toHaveLength(0);
    await startAgent();
    const afterRestart = cups.lp(join(work, 'one.txt'), { title: 'after agent restart' });
    await waitRecorded(whileAgentDown);
    await waitRecorded(afterRestart);
    await new Promise((resolve) => setTimeout(resolve, 500));

    // Everything CUPS ever completed is recorded exactly once (the new agent re-recorded none of the old jobs).
    for (const id of cups.jobIds('completed')) expect(recorded(id), `job ${id}`).toHaveLength(1);
    const newJobIds = events.slice(before).flatMap((e) => (e.printJob ? [e.printJob.jobId] : []));
    expect(newJobIds.sort()).toEqual([duringCupsRestart, whileAgentDown, afterRestart].sort());
  }, 90_000);
});
