import { z } from 'zod';

// Risk intelligence (GET /api/risk/…).

/** A person in the ranking; `person` is a pseudonym ("P-…") when the policy pseudonymises and nobody revealed them. */
export const riskRankEntry = z.strictObject({
  person: z.string(), pseudonymous: z.boolean(), department: z.string(), score: z.number(), yesterday: z.number(), change: z.number(), trend: z.array(z.number()),
});
export const riskRanking = z.strictObject({ date: z.string(), pseudonymised: z.boolean(), threshold: z.number(), entries: z.array(riskRankEntry) });
/** A manager who gets the daily digest of risk movers ('' department: everyone). */
export const riskDigestSubscription = z.strictObject({ email: z.string(), department: z.string(), createdBy: z.string(), createdMs: z.number() });
export const riskDepartment = z.strictObject({ department: z.string(), people: z.number(), top: z.number(), mean: z.number(), aboveThreshold: z.number() });
/** An event behind an indicator (links to the PC's history at that time). */
export const riskEventRef = z.strictObject({ agentId: z.string(), seq: z.number(), eventId: z.number(), pc: z.string(), timeMs: z.number() });
export const riskContribution = z.strictObject({ indicator: z.string(), points: z.number(), detail: z.string(), events: z.array(riskEventRef), eventCount: z.number() });
export const riskDay = z.strictObject({ date: z.string(), raw: z.number(), score: z.number(), department: z.string(), contributions: z.array(riskContribution) });
export const riskPerson = z.strictObject({ person: z.string(), pseudonymous: z.boolean(), date: z.string(), days: z.array(riskDay) });

export type RiskRankEntry = z.infer<typeof riskRankEntry>;
export type RiskRanking = z.infer<typeof riskRanking>;
export type RiskDigestSubscription = z.infer<typeof riskDigestSubscription>;
export type RiskDepartment = z.infer<typeof riskDepartment>;
export type RiskEventRef = z.infer<typeof riskEventRef>;
export type RiskContribution = z.infer<typeof riskContribution>;
export type RiskDay = z.infer<typeof riskDay>;
export type RiskPerson = z.infer<typeof riskPerson>;
