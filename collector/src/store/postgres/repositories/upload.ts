import type pg from 'pg';
import type { ExtensionHealthRow, UploadRepository, UploadRow, UploadSearch } from '../../repositories/upload.ts';
import { containsPattern } from './transaction.ts';

const columns = `id, event_id AS "eventId", agent_id AS "agentId", pc, seq, time_ms AS "timeMs", user_name AS "user", file_name AS "fileName",
  size_bytes AS "sizeBytes", sha256, destination_host AS "destinationHost", destination_url AS "destinationUrl", page_url AS "pageUrl",
  category, method, browser, browser_profile AS "browserProfile", local_path AS "localPath"`;

/** Web uploads and the extension's health on PostgreSQL (filled by projection, migration 0121). */
export class PostgresUploadRepository implements UploadRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** Newest first; words must each appear in the file name or destination host (case-insensitive, taken literally). */
  async search(search: UploadSearch): Promise<UploadRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (value: unknown): string => { params.push(value); return `$${params.length}`; };
    for (const word of (search.text ?? '').split(/\s+/).filter(Boolean).slice(0, 10)) {
      const pattern = p(containsPattern(word));
      where.push(`(file_name ILIKE ${pattern} OR destination_host ILIKE ${pattern})`);
    }
    if (search.pc) where.push(`pc = ${p(search.pc)}`);
    if (search.user) where.push(`user_name = ${p(search.user)}`);
    if (search.category) where.push(`category = ${p(search.category)}`);
    if (search.host) {
      const host = search.host.toLowerCase();
      where.push(`(destination_host = ${p(host)} OR destination_host LIKE ${p(`%.${host.replace(/[\\%_]/g, (c) => `\\${c}`)}`)})`);
    }
    if (search.sha256) where.push(`sha256 = ${p(search.sha256.toLowerCase())}`);
    if (search.fromMs !== undefined) where.push(`time_ms >= ${p(search.fromMs)}`);
    if (search.toMs !== undefined) where.push(`time_ms < ${p(search.toMs)}`);
    if (search.beforeId !== undefined) where.push(`id < ${p(search.beforeId)}`);
    const limit = Math.min(Math.max(search.limit ?? 100, 1), 1000);
    return (await this.pool.query<UploadRow>(`SELECT ${columns} FROM uploads ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY id DESC LIMIT ${p(limit)}`, params)).rows;
  }

  async extensionHealth(options: { pc?: string; problemsOnly?: boolean } = {}): Promise<ExtensionHealthRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (options.pc) { params.push(options.pc); where.push(`pc = $${params.length}`); }
    if (options.problemsOnly) where.push('(NOT alive OR NOT installed)');
    // Dead ones first (false sorts before true), then names in byte order as SQLite sorts them.
    return (await this.pool.query<ExtensionHealthRow>(`SELECT agent_id AS "agentId", pc, browser, profile, installed, alive,
        extension_version AS "extensionVersion", last_seen_ms AS "lastSeenMs", changed_ms AS "changedMs"
      FROM extension_health ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY alive, pc COLLATE "C", browser COLLATE "C", profile COLLATE "C" LIMIT 5000`, params)).rows;
  }
}
