import { z } from 'zod';

/** What employees are told: that the PC is monitored, and why (purpose limitation, APPI / GDPR). */
export const PurposeSchema = z.object({
  en: z.string().min(1).default('This PC is monitored to protect customer and company data from leaving the organisation.'),
  ja: z.string().min(1).default('このPCは、顧客情報と社内データの流出を防ぐために監視されています。'),
}).strict();
