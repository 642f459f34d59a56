import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';

const migrationsDir = fileURLToPath(new URL('./migrations/', import.meta.url));

/** Arbitrary constant: the advisory lock that keeps two collectors starting at once from migrating together. */
const migrationLock = 7_443_001;

/**
 * Applies every not-yet-applied NNNN-name.sql migration in number order, each in its own transaction, under a
 * session advisory lock (several collectors may share the database and start together).
 */
export async function migratePostgres(pool: pg.Pool): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [migrationLock]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (number integer PRIMARY KEY, name text NOT NULL, applied_ms bigint NOT NULL)');
    const applied = new Set((await client.query<{ number: number }>('SELECT number FROM schema_migrations')).rows.map((r) => r.number));
    const files = readdirSync(migrationsDir)
      .map((name) => ({ name, number: Number(/^(\d{4})-/.exec(name)?.[1]) }))
      .filter((m) => m.name.endsWith('.sql') && Number.isInteger(m.number))
      .sort((a, b) => a.number - b.number);
    const done: number[] = [];
    for (const migration of files) {
      if (applied.has(migration.number)) continue;
      const sql = readFileSync(migrationsDir + migration.name, 'utf8');
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations (number, name, applied_ms) VALUES ($1, $2, $3)', [migration.number, migration.name, Date.now()]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
      done.push(migration.number);
    }
    return done;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [migrationLock]).catch(() => undefined);
    client.release();
  }
}
