import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { effectivePolicyFor, parsePolicySources, type DeviceException } from '@mamori/policies';
import { PolicyHolder } from '../../core/policy-holder.ts';
import type { EventDraft } from '../../core/event-draft.ts';
import { DeviceControl } from './device-control.ts';
import { RecordingEnforcer } from './enforcer.ts';
import { LoggedExceptions } from './logged-exceptions.ts';

const set = parsePolicySources([{ name: 'device.yaml', text: 'device:\n  default: { mode: block }\n' }]);
const exceptions: DeviceException[] = [
  { id: 'visitor', mode: 'allow', serial: 'SN1', untilMs: 50_000, reason: 'visitor', createdBy: 'admin' },
  { id: 'short', mode: 'read_only', untilMs: 20_000, reason: 'audit', createdBy: 'admin' },
];

/** One agent run: device control started with the policy's exceptions at `clock`, its decisions journaled. */
async function agentRun(clock: number, logged: LoggedExceptions | undefined): Promise<string[]> {
  const events: EventDraft[] = [];
  const control = new DeviceControl({
    policy: new PolicyHolder(effectivePolicyFor(set, 'PC-1', 1, exceptions)), enforcer: new RecordingEnforcer(), user: () => 'tester',
    now: () => clock, ...(logged ? { logged } : {}), emit: (event) => { events.push(event); return events.length; },
  });
  const controller = new AbortController();
  control.start(controller.signal);
  await control.reevaluate();
  await control.idle();
  controller.abort();
  return events.filter((e) => e.policyDecision).map((e) => `${e.policyDecision!.decision} ${e.policyDecision!.rule}`);
}

describe('exceptions journaled across agent restarts', () => {
  it('a restart journals only what changed while the agent was down, not every exception again', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'logged-exc-')), 'exceptions-logged.json');
    expect(await agentRun(10_000, new LoggedExceptions(file))).toEqual(['exception_applied device.exceptions.visitor', 'exception_applied device.exceptions.short']);
    // Restarted while both still run: nothing new to journal.
    expect(await agentRun(11_000, new LoggedExceptions(file))).toEqual([]);
    // Restarted after one ended while the agent was down: its end is journaled, once.
    expect(await agentRun(30_000, new LoggedExceptions(file))).toEqual(['exception_expired device.exceptions.short']);
    expect(await agentRun(31_000, new LoggedExceptions(file))).toEqual([]);
  });

  it('without the record (first start, or an unreadable file) it journals the running exceptions', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'logged-exc-')), 'exceptions-logged.json');
    writeFileSync(file, '{ not json');
    expect(await agentRun(10_000, new LoggedExceptions(file))).toHaveLength(2);
    expect(await agentRun(10_000, undefined)).toHaveLength(2);
  });
});
