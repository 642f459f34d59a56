import { z } from 'zod';

/** The `file_copy` section. Owned by the file-copy feature, which extends it; unknown keys are errors. */
export const FileCopyPolicySchema = z.object({}).strict().default({});
