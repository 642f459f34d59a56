import type pg from 'pg';

/** Runs `work` in one transaction on one pooled connection (rolled back if it throws). */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** LIKE pattern for "contains", with the caller's % and _ taken literally (PostgreSQL's default escape is \). */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Advisory lock keys of the repositories (arbitrary constants beside the store's 7_443_001/002). */
export const advisoryLocks = {
  /** Serialises alert recording across collectors: folding reads then writes, and the rate limit counts mails. */
  alerts: 7_443_010,
  /** Serialises draining a notification queue, so two collectors never mail the same digest. */
  notifyQueue: 7_443_011,
  /** Serialises retention's month drops across collectors. */
  retention: 7_443_012,
} as const;
