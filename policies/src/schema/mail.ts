import { z } from 'zod';

/** The `mail` section. Owned by the mail feature, which extends it; unknown keys are errors. */
export const MailPolicySchema = z.object({}).strict().default({});
