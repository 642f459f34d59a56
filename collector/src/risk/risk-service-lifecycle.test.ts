import { describe, expect, it } from 'vitest';
import { defaultPolicyDir, loadPolicyDir } from '@mamori/policies';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import { RiskService } from './risk-service.ts';

describe('risk service lifecycle', () => {
  // CLI commands build the whole app and close it without listening: closing must not need a started scorer
  // (it once threw there, app.close() stopped half-way and `policy-publish` never exited).
  it('stops cleanly when it was never started, and HR or suppression changes before start are no-ops', async () => {
    const store = new SqliteStore(':memory:');
    const policy = loadPolicyDir(defaultPolicyDir);
    const risk = new RiskService({ repos: store.repos, policy: { current: policy, onChange: () => () => undefined } });
    await expect(risk.departingChanged()).resolves.toBeUndefined();
    await expect(risk.suppressionsChanged()).resolves.toBeUndefined();
    await expect(risk.stop()).resolves.toBeUndefined();
    await store.close();
  });
});
