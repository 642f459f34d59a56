import { z } from 'zod';

/** The `upload` section. Owned by the upload feature, which extends it; unknown keys are errors. */
export const UploadPolicySchema = z.object({}).strict().default({});
