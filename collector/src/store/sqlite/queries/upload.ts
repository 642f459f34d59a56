import type Database from 'better-sqlite3';
import { hashText, hashValue } from '../hash-column.ts';
import type { ExtensionHealthRow, UploadRow, UploadSearch } from '../../repositories/upload.ts';

const columns = `id, event_id AS eventId, agent_id AS agentId, pc, seq, time_ms AS timeMs, user, file_name AS fileName,
  size_bytes AS sizeBytes, ${hashText('sha256')} AS sha256, destination_host AS destinationHost, destination_url AS destinationUrl, page_url AS pageUrl,
  category, method, browser, browser_profile AS browserProfile, local_path AS localPath`;

/** LIKE with the user's text taken literally. */
function likeLiteral(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Uploads, newest first, filtered; every filter is a bound parameter. */
export function searchUploads(db: Database.Database, search: UploadSearch): UploadRow[] {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  const words = (search.text ?? '').split(/\s+/).filter(Boolean).slice(0, 10);
  words.forEach((word, i) => {
    where.push(`(file_name LIKE @w${i} ESCAPE '\\' OR destination_host LIKE @w${i} ESCAPE '\\')`);
    params[`w${i}`] = likeLiteral(word);
  });
  if (search.pc) { where.push('pc = @pc'); params.pc = search.pc; }
  if (search.user) { where.push('user = @user'); params.user = search.user; }
  if (search.category) { where.push('category = @category'); params.category = search.category; }
  if (search.host) {
    where.push(`(destination_host = @host OR destination_host LIKE @hostSuffix ESCAPE '\\')`);
    params.host = search.host.toLowerCase();
    params.hostSuffix = `%.${search.host.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}`;
  }
  if (search.sha256) { where.push('sha256 = @sha256'); params.sha256 = hashValue(search.sha256.toLowerCase()); }
  if (search.fromMs !== undefined) { where.push('time_ms >= @fromMs'); params.fromMs = search.fromMs; }
  if (search.toMs !== undefined) { where.push('time_ms < @toMs'); params.toMs = search.toMs; }
  if (search.beforeId !== undefined) { where.push('id < @beforeId'); params.beforeId = search.beforeId; }
  params.limit = Math.min(Math.max(search.limit ?? 100, 1), 1000);
  const sql = `SELECT ${columns} FROM uploads ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT @limit`;
  return db.prepare(sql).all(params) as UploadRow[];
}

/** The extension's current state per PC and browser profile; `problemsOnly` keeps removed or silent ones. */
export function extensionHealth(db: Database.Database, options: { pc?: string; problemsOnly?: boolean } = {}): ExtensionHealthRow[] {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (options.pc) { where.push('pc = @pc'); params.pc = options.pc; }
  if (options.problemsOnly) where.push('(alive = 0 OR installed = 0)');
  const rows = db.prepare(`SELECT agent_id AS agentId, pc, browser, profile, installed, alive, extension_version AS extensionVersion,
    last_seen_ms AS lastSeenMs, changed_ms AS changedMs FROM extension_health
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY alive ASC, pc, browser, profile LIMIT 5000`).all(params) as
    (Omit<ExtensionHealthRow, 'installed' | 'alive'> & { installed: number; alive: number })[];
  return rows.map((row) => ({ ...row, installed: row.installed === 1, alive: row.alive === 1 }));
}
