/**
 * Whether a store error is worth retrying as is: another connection (the CLI, a checkpoint, a second process on
 * the same file) holds the lock for a moment. better-sqlite3 puts SQLite's extended result code on `code`
 * (SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT, SQLITE_LOCKED_SHAREDCACHE, …). On PostgreSQL: a lost or refused connection
 * (server restart, failover), serialization failures and deadlocks, too many connections, an admin shutdown, and a
 * lock wait that hit `lock_timeout` (55P03: the lock contention SQLITE_BUSY is on SQLite).
 */
export function isTransientStoreError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return true;
  // SQLSTATE classes 08 (connection exception), 40 (transaction rollback), 53 (insufficient resources),
  // 57P01-03 (admin/crash shutdown, cannot connect now); Node's socket errors for a server that went away.
  return /^(08|40|53)[0-9A-Z]{3}$/.test(code) || /^57P0[1-3]$/.test(code) || code === '55P03' || ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(code);
}
