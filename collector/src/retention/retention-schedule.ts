import type { RetentionPolicy } from '@mamori/policies';
import { runEvidenceRetention, type RetentionDeps } from './retention-job.ts';

/**
 * Runs the evidence retention now and every `everyMs` with the policy in force at that moment. A failed run (an
 * export that did not verify, a full disk) is reported and retried at the next tick; it deleted nothing it had not
 * exported and verified first. Returns the stop function.
 */
export function startRetentionSchedule(
  deps: RetentionDeps, policy: () => RetentionPolicy, everyMs: number, onError: (error: Error) => void,
): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = running.then(() => runEvidenceRetention(deps, policy())).then(() => undefined, (error: Error) => onError(error));
  };
  tick();
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
