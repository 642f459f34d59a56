import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from './sqlite-store.ts';

/**
 * Every ingested event pays one insert per index on `events`, so each index must serve a query. These are the
 * statements that read events by something other than id (sqlite-store.ts, queries/pcs.ts, queries/reports.ts,
 * repositories/risk.ts, repositories/alert-windows.ts); each must still be answered from an index (SEARCH, not a table SCAN) once migration
 * 1480 dropped events_time.
 */
const reads: Record<string, string> = {
  eventHash: 'SELECT hash FROM events WHERE agent_id = 1 AND seq = 2',
  seqRangeForTime: 'SELECT MIN(seq), MAX(seq) FROM events WHERE agent_id = 1 AND time_ms BETWEEN 2 AND 3',
  reportLifecycle: "SELECT t.pc, t.time_ms, t.bytes FROM events t LEFT JOIN temp.report_pcs s ON s.pc = t.pc WHERE t.kind = 'lifecycle' AND t.time_ms >= 1 AND t.time_ms < 2",
  riskUserAtFinding: "SELECT e.user FROM events e WHERE e.pc = 'x' AND e.time_ms <= 5 AND e.user <> '' ORDER BY e.time_ms DESC, e.id DESC LIMIT 1",
  riskCurrentUser: "SELECT user FROM events WHERE agent_id = 'a' AND user <> '' ORDER BY seq DESC LIMIT 1",
  latestInventory: "SELECT * FROM events WHERE pc = 'x' AND kind = 'inventory' ORDER BY time_ms DESC, id DESC LIMIT 1",
  alertWindowEvents: "SELECT * FROM events WHERE kind = 'print_job' AND (time_ms, id) > (1, 2) AND id <= 9 ORDER BY time_ms, id LIMIT 5",
  pcHistoryWindow: "SELECT * FROM events INDEXED BY events_pc_time WHERE pc = 'x' AND time_ms BETWEEN 1 AND 2 ORDER BY time_ms, id LIMIT 5",
};

describe('events indexes', () => {
  let store: SqliteStore | undefined;
  afterEach(async () => store?.close());

  it('keeps only indexes that queries use, and every events read still searches an index', () => {
    store = new SqliteStore(':memory:');
    const indexes = (store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' ORDER BY name").all() as { name: string }[])
      .map((r) => r.name);
    expect(indexes).toEqual(['events_kind_time', 'events_pc_kind_time', 'events_pc_time', 'sqlite_autoindex_events_1']);
    store.db.exec('CREATE TEMP TABLE report_pcs (pc TEXT PRIMARY KEY)');
    for (const [name, sql] of Object.entries(reads)) {
      const plan = (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail);
      const onEvents = plan.filter((detail) => /^(SCAN|SEARCH) (events|t|e)\b/.test(detail));
      expect(onEvents, name).toHaveLength(1);
      expect(onEvents[0], name).toMatch(/^SEARCH .* USING (COVERING )?INDEX /);
    }
  });
});
