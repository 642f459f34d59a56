import { z } from 'zod';

/**
 * Route tests pass every response body they read through the schema of `@mamori/collector/api` that the console
 * types come from: a field the schema lacks (strict objects) or one it requires that is missing fails the test, so
 * the console's types cannot drift from what the collector sends. Returns the parsed body, typed.
 */
export function expectContract<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body);
  if (!result.success) throw new Error(`response breaks the API contract (collector/src/api):\n${z.prettifyError(result.error)}`);
  return result.data;
}
