import { describe, expect, it } from 'vitest';
import { PolicyHolder } from '../../core/policy-holder.ts';
import { startTray } from './tray-service.ts';

describe('tray state: exceptions in force', () => {
  it('lists the policy exceptions and the offline-code ones still in force, so the tray does not say only "blocked"', () => {
    const policy = new PolicyHolder();
    policy.apply({
      version: 3, pc: 'PC-1', purpose: { en: 'p', ja: 'p' },
      device: { mode: 'block', message: '', rule: 'device.default', allow: [], exceptions: [
        { id: 'exc_1', mode: 'read_only', untilMs: 2_000 }, { id: 'exc_old', mode: 'allow', untilMs: 500 },
      ] },
    } as unknown as Parameters<PolicyHolder['apply']>[0]);
    const tray = startTray({
      policy, emit: () => 1, user: () => 'u', pc: () => 'PC-1', now: () => 1_000,
      unlock: async () => ({ id: 'x', mode: 'allow', untilMs: 0 }),
      localExceptions: () => [{ id: 'unlock-ab', mode: 'allow', serial: 'PHONE-1', untilMs: 5_000 }],
    });
    try {
      expect(tray.state()).toMatchObject({
        deviceMode: 'block',
        exceptions: [
          { id: 'exc_1', mode: 'read_only', untilMs: 2_000, source: 'collector' },
          { id: 'unlock-ab', mode: 'allow', serial: 'PHONE-1', untilMs: 5_000, source: 'offline_code' },
        ],
      });
    } finally {
      tray.stop();
    }
  });
});
