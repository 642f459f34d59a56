import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';

const migrationsDir = fileURLToPath(new URL('./migrations/', import.meta.url));

/** Applies every not-yet-applied NNNN-name.sql migration, in number order, each in its own transaction. */
export function migrate(db: Database.Database): number[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (number INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_ms INTEGER NOT NULL)');
  const applied = new Set((db.prepare('SELECT number FROM schema_migrations').all() as { number: number }[]).map((r) => r.number));
  const files = readdirSync(migrationsDir)
    .map((name) => ({ name, number: Number(/^(\d{4})-/.exec(name)?.[1]) }))
    .filter((m) => m.name.endsWith('.sql') && Number.isInteger(m.number))
    .sort((a, b) => a.number - b.number);
  const done: number[] = [];
  for (const migration of files) {
    if (applied.has(migration.number)) continue;
    const sql = readFileSync(migrationsDir + migration.name, 'utf8');
    db.transaction(() => {
      db.exec(sql);
      db.prepare('INSERT INTO schema_migrations (number, name, applied_ms) VALUES (?, ?, ?)').run(migration.number, migration.name, Date.now());
    })();
    done.push(migration.number);
  }
  return done;
}
