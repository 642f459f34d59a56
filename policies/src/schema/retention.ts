import { z } from 'zod';

// How long the collector keeps each kind of stored data before its retention job removes it (collector/src/retention).
// A kind left out is kept for ever. Durations: days, months (30 days) or years (365 days), e.g. 90d, 18m, 5y.

const Duration = z.string().regex(/^[1-9][0-9]{0,4}[dmy]$/, 'a duration like 90d, 18m or 5y (days, months, years)');

export const RetentionPolicySchema = z.object({
  /**
   * The signed evidence: events as the agent hashed them, their batches, and the query rows made from them. Before
   * any is deleted the collector writes a verifiable evidence export of exactly what goes.
   */
  evidence: Duration.optional(),
}).strict();

export type RetentionPolicy = z.infer<typeof RetentionPolicySchema>;

const day = 86_400_000;
const unitMs = { d: day, m: 30 * day, y: 365 * day } as const;

/** A retention duration in milliseconds. */
export function retentionMs(duration: string): number {
  const unit = duration.slice(-1) as keyof typeof unitMs;
  return Number(duration.slice(0, -1)) * unitMs[unit];
}
