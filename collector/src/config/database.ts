import { z } from 'zod';

/** A postgres:// URL with a host and a database name (checked once, at config load). */
export const PostgresUrlSchema = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== '' && url.pathname.length > 1;
  } catch {
    return false;
  }
}, 'must be a postgres://user[:password]@host[:port]/database URL');

/**
 * Where the collector keeps its data. Absent: the embedded SQLite file in the data dir (the default). With
 * `postgres`, the evidence store (agents, tokens, events, batches, findings, users, audit, policies, exceptions)
 * lives in that PostgreSQL database; see the README for what still uses the local SQLite file.
 */
export const DatabaseConfigSchema = z.object({
  postgres: z.object({
    url: PostgresUrlSchema,
    /** Connections this collector opens (default 10). */
    maxConnections: z.number().int().min(1).max(500).default(10),
  }).strict().optional(),
}).strict();
