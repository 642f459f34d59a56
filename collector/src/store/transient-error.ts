/**
 * Whether a store error is worth retrying as is: another connection (the CLI, a checkpoint, a second process on
 * the same file) holds the lock for a moment. better-sqlite3 puts SQLite's extended result code on `code`
 * (SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT, SQLITE_LOCKED_SHAREDCACHE, …).
 */
export function isTransientStoreError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}
