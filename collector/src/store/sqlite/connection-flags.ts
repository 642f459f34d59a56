import type Database from 'better-sqlite3';
import { ConnectionFlagCoalescer } from '../coalesce-connection-flags.ts';

/** Agents' connected flags on SQLite: the coalescer's write is one transaction of single-row UPDATEs. */
export function sqliteConnectionFlags(db: Database.Database): ConnectionFlagCoalescer {
  const update = db.prepare('UPDATE agents SET connected = ?, last_seen_ms = ? WHERE id = ?');
  return new ConnectionFlagCoalescer((flags) => {
    db.transaction(() => {
      for (const flag of flags) update.run(flag.connected ? 1 : 0, flag.timeMs, flag.agentId);
    })();
  });
}
