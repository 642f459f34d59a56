import { hashValue } from '../hash-column.ts';
import type { EventIndexer } from '../indexer.ts';

/** Fills `uploads` from upload events, one row per uploaded file. */
export const uploadIndexer: EventIndexer = {
  kind: 'upload',
  prepare(db) {
    const insert = db.prepare(`INSERT INTO uploads (event_id, agent_id, pc, seq, time_ms, user, file_name, size_bytes, sha256,
      destination_host, destination_url, page_url, category, method, browser, browser_profile, local_path)
      VALUES (@eventId, @agentId, @pc, @seq, @timeMs, @user, @fileName, @sizeBytes, @sha256, @destinationHost,
      @destinationUrl, @pageUrl, @category, @method, @browser, @browserProfile, @localPath)
      ON CONFLICT DO NOTHING`);
    return (ref, event) => {
      const upload = event.upload;
      if (!upload) return;
      insert.run({
        eventId: ref.eventId, agentId: ref.agentId, pc: ref.pc, seq: ref.seq, timeMs: ref.timeMs, user: ref.user,
        fileName: upload.fileName, sizeBytes: Number(upload.sizeBytes), sha256: hashValue(upload.sha256), destinationHost: upload.destinationHost,
        destinationUrl: upload.destinationUrl, pageUrl: upload.pageUrl, category: upload.category, method: upload.method,
        browser: upload.browser, browserProfile: upload.browserProfile, localPath: upload.localPath,
      });
    };
  },
};

/**
 * Keeps the latest extension_health per (agent, browser, profile). Events can arrive out of order only across
 * agents, never within one agent's sequence, so the higher seq wins.
 */
export const extensionHealthIndexer: EventIndexer = {
  kind: 'extension_health',
  prepare(db) {
    const upsert = db.prepare(`INSERT INTO extension_health (agent_id, pc, browser, profile, installed, alive, extension_version,
      last_seen_ms, changed_ms, event_id, seq)
      VALUES (@agentId, @pc, @browser, @profile, @installed, @alive, @extensionVersion, @lastSeenMs, @timeMs, @eventId, @seq)
      ON CONFLICT (agent_id, browser, profile) DO UPDATE SET pc = excluded.pc, installed = excluded.installed,
        alive = excluded.alive, extension_version = excluded.extension_version, last_seen_ms = excluded.last_seen_ms,
        changed_ms = excluded.changed_ms, event_id = excluded.event_id, seq = excluded.seq
      WHERE excluded.seq > extension_health.seq`);
    return (ref, event) => {
      const health = event.extensionHealth;
      if (!health) return;
      upsert.run({
        agentId: ref.agentId, pc: ref.pc, browser: health.browser, profile: health.profile, installed: health.installed ? 1 : 0,
        alive: health.alive ? 1 : 0, extensionVersion: health.extensionVersion, lastSeenMs: Number(health.lastSeenMs),
        timeMs: ref.timeMs, eventId: ref.eventId, seq: ref.seq,
      });
    };
  },
};

export const uploadIndexers: EventIndexer[] = [uploadIndexer, extensionHealthIndexer];
