import { describe, expect, it } from 'vitest';
import { AgentConfigSchema } from '../config/schema.ts';
import { DEFAULT_BACKOFF_MAX_MS, reconnectDelayMs } from './backoff.ts';

describe('reconnect backoff', () => {
  it('doubles its ceiling per attempt, with the delay between half the ceiling and the ceiling', () => {
    expect(reconnectDelayMs(0, 500, 15_000, () => 0)).toBe(250);
    expect(reconnectDelayMs(0, 500, 15_000, () => 1)).toBe(500);
    expect(reconnectDelayMs(3, 500, 15_000, () => 0)).toBe(2_000);
    expect(reconnectDelayMs(3, 500, 15_000, () => 0.5)).toBe(3_000);
  });

  it('never waits longer than the cap, however many attempts failed', () => {
    for (const attempt of [5, 6, 20, 1_000]) {
      expect(reconnectDelayMs(attempt, 500, 15_000, () => 1)).toBe(15_000);
      expect(reconnectDelayMs(attempt, 500, 15_000, () => 0)).toBe(7_500);
    }
  });

  it('keeps jitter at the cap, so agents that lost a collector together do not return together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => reconnectDelayMs(30, 500, 15_000)));
    expect(delays.size).toBeGreaterThan(10);
  });

  it('is what an agent gets when its config says nothing: 0.5 s first retry, 15 s cap', () => {
    const { uplink } = AgentConfigSchema.parse({ stateDir: '/tmp/x' });
    expect(uplink.backoffInitialMs).toBe(500);
    expect(uplink.backoffMaxMs).toBe(DEFAULT_BACKOFF_MAX_MS);
    expect(DEFAULT_BACKOFF_MAX_MS).toBe(15_000);
  });
});
