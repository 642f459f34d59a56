import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RuleEngine } from './rule-engine.ts';
import { engineEvent, policyFrom } from './test-support.ts';

const shippedAlerts = readFileSync(fileURLToPath(new URL('../../../policies/default/alerts.yaml', import.meta.url)), 'utf8');
const at = Date.parse('2026-03-03T10:00:00+09:00');

describe('clock and identity alerts (shipped policy)', () => {
  const engine = new RuleEngine(policyFrom(shippedAlerts));

  it('raises a high alert for a clock set back (while running, across a stop or against the collector)', () => {
    for (const clockCheck of ['WHILE_RUNNING', 'ACROSS_STOP', 'AGAINST_COLLECTOR']) {
      const [alert] = engine.evaluate(engineEvent('lifecycle', { kind: 'CLOCK_JUMP', clockJumpMs: -7_200_000, clockCheck }, at));
      expect(alert).toMatchObject({ ruleId: 'clock_set_back', severity: 'high' });
    }
  });

  it('raises a medium alert for a clock moved forward, and none for other lifecycle events', () => {
    expect(engine.evaluate(engineEvent('lifecycle', { kind: 'CLOCK_JUMP', clockJumpMs: 600_000 }, at))).toMatchObject([{ ruleId: 'clock_moved_forward', severity: 'medium' }]);
    expect(engine.evaluate(engineEvent('lifecycle', { kind: 'STARTED', clockJumpMs: 0 }, at))).toEqual([]);
  });

  it('gives clock-skew and hostname-takeover findings their own rule and severity; other findings stay critical tampering', () => {
    const base = { agentId: 'ag_1', pc: 'PC-1', timeMs: at, detail: 'x' };
    expect(engine.integrity({ ...base, kind: 'clock_behind' })).toMatchObject({ ruleId: 'integrity.clock_behind', severity: 'high' });
    expect(engine.integrity({ ...base, kind: 'clock_ahead' })).toMatchObject({ ruleId: 'integrity.clock_ahead', severity: 'medium' });
    expect(engine.integrity({ ...base, kind: 'hostname_takeover' })).toMatchObject({ ruleId: 'integrity.hostname_takeover', severity: 'high' });
    expect(engine.integrity({ ...base, kind: 'chain_break' })).toMatchObject({ ruleId: 'integrity.chain_break', severity: 'critical' });
  });
});
