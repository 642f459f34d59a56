import { z } from 'zod';

/** The `notifications` section. Owned by the notifications feature, which extends it; unknown keys are errors. */
export const NotificationsPolicySchema = z.object({}).strict().default({});
