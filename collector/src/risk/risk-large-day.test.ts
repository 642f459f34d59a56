import { describe, expect, it } from 'vitest';
import { defaultPolicyDir, loadPolicyDir } from '@mamori/policies';
import type { RiskObservation } from '../store/repositories/risk.ts';
import { RiskScorer } from './scorer.ts';

describe('risk scorer on a very large day', () => {
  // A PC that copies 200,000 files in a day (the ingest benchmark does exactly that) once overflowed the call stack:
  // Math.max(...observations) spread every observation of the day into one call.
  it('scores a person-day of 200,000 USB copies without overflowing the stack', () => {
    const policy = loadPolicyDir(defaultPolicyDir);
    const scorer = new RiskScorer(policy.risk, () => 'Engineering');
    const day = Math.floor(Date.parse('2026-03-02T00:00:00Z') / 86_400_000);
    const observations: RiskObservation[] = [];
    for (let i = 1; i <= 200_000; i += 1) {
      observations.push({
        eventId: i, agentId: 'agent-1', seq: i, person: 'sato', pc: 'PC-ENG-01', timeMs: day * 86_400_000 + 36_000_000 + i,
        day, offHours: i % 2 === 0, nonWorkingDay: false, byAttendance: false, vector: 'usb', volume: 1_000, category: 'removable',
        destinations: ['device:SN1'], contentSeverity: '', signal: '',
      });
    }
    scorer.add(observations);
    const { persons } = scorer.flush();
    const sato = persons.find((row) => row.subject === 'sato' && row.day === day);
    expect(sato?.raw).toBeGreaterThan(0);
    expect(sato?.contributions.some((c) => c.indicator === 'vector.usb')).toBe(true);
  });
});
