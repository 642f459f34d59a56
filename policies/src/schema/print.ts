import { z } from 'zod';

/** The `print` section. Owned by the print feature, which extends it; unknown keys are errors. */
export const PrintPolicySchema = z.object({}).strict().default({});
