import { describe, expect, it } from 'vitest';
import { LoginThrottle, type LoginVerdict } from './login-throttle.ts';

function setup(options: ConstructorParameters<typeof LoginThrottle>[0] = {}) {
  const clock = { now: 0 };
  const throttle = new LoginThrottle({ ...options, monotonicNow: () => clock.now });
  const fail = (user: string, address: string) => {
    const verdict = throttle.begin(user, address);
    if (verdict.allowed) verdict.attempt.failed();
    return verdict;
  };
  return { clock, throttle, fail };
}

describe('LoginThrottle', () => {
  it('admits a burst of simultaneous guesses from a new address only up to the free allowance while they are checked', () => {
    const { throttle } = setup();
    const verdicts: LoginVerdict[] = Array.from({ length: 10 }, () => throttle.begin('admin', '10.0.0.66'));
    expect(verdicts.map((v) => (v.allowed ? 'checked' : v.why))).toEqual(['checked', 'checked', 'checked', ...Array(7).fill('busy')]);
    for (const v of verdicts) if (v.allowed) v.attempt.failed();
    expect(throttle.begin('admin', '10.0.0.1').allowed).toBe(true);
  });

  it('doubles the wait per failure up to the cap, and forgets an address an hour after its last failure', () => {
    const { clock, throttle } = setup();
    const waits: number[] = [];
    let failures = 0;
    while (waits.length < 12) {
      const verdict = throttle.begin('admin', '10.0.0.66');
      if (verdict.allowed) {
        verdict.attempt.failed();
        failures += 1;
        continue;
      }
      waits.push(verdict.retryAfterMs);
      clock.now += verdict.retryAfterMs; // the guesser waits exactly as told, then guesses again
    }
    expect(failures).toBe(4 + 11);
    expect(waits.slice(0, 12)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900].map((s) => s * 1_000));
    clock.now += 3_600_000;
    expect(throttle.begin('admin', '10.0.0.66').allowed).toBe(true);
  });

  it('keeps memory bounded when names and addresses are made up', () => {
    const { throttle, fail } = setup({ maxKeys: 1_000 });
    for (let i = 0; i < 10_000; i += 1) fail(`user-${i}`, `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`);
    expect(throttle.size).toBeLessThanOrEqual(1_000);
  });
});
