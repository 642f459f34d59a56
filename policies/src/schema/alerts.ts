import { z } from 'zod';

/** The `alerts` section. Owned by the alerts feature, which extends it; unknown keys are errors. */
export const AlertsPolicySchema = z.object({}).strict().default({});
