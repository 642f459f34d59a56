import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RetentionDeps } from './retention-job.ts';
import { startRetentionSchedule } from './retention-schedule.ts';

describe('startRetentionSchedule', () => {
  it('runs at once with the policy in force, reports a failed run instead of throwing, and stop waits for the run', async () => {
    const asked: number[] = [];
    const errors: string[] = [];
    const deps = {
      retention: {
        expiredEvidence: async (beforeMs: number) => {
          asked.push(beforeMs);
          throw new Error('database is locked');
        },
        deleteEvidenceThrough: async () => { throw new Error('must not delete when nothing was exported'); },
      },
      exportDir: join(tmpdir(), 'mamori-retention-schedule'),
      now: () => 400 * 86_400_000,
    } as unknown as RetentionDeps;
    const stop = startRetentionSchedule(deps, () => ({ evidence: '365d' }), 3_600_000, (error) => errors.push(error.message));
    await stop();
    expect(asked).toEqual([35 * 86_400_000]);
    expect(errors).toEqual(['database is locked']);
  });
});
