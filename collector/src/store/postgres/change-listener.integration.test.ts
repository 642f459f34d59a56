import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../../test/harness/collector.ts';
import { ensurePostgres, startPostgres, type PostgresServer } from '../../../../test/harness/postgres.ts';
import { PostgresChangeListener } from './change-listener.ts';
import { PostgresStore } from './postgres-store.ts';

// Real PostgreSQL 15: the triggers of 0160-change-notify.sql and 0221-alert-notify.sql NOTIFY as rows commit, and the listener survives its
// connection being killed (reconnects, tells subscribers to catch up, hears later changes).
const available = ensurePostgres();

describe.skipIf(!available)('PostgresChangeListener', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('hears policy versions, exceptions, revocations, answered requests and alerts at commit, not before, and not rolled back ones', async () => {
    const url = await server.createDatabase('change_notify');
    const store = await PostgresStore.open({ url });
    const errors: Error[] = [];
    const listener = new PostgresChangeListener({ connection: { connectionString: url }, onError: (error) => errors.push(error) });
    const heard: string[] = [];
    listener.on('policyVersion', (id) => heard.push(`policy:${id}`));
    listener.on('deviceException', (id) => heard.push(`exception:${id}`));
    listener.on('accessOutcome', (id) => heard.push(`outcome:${id}`));
    listener.on('alert', (id) => heard.push(`alert:${id}`));
    let resyncs = 0;
    listener.onResync(() => (resyncs += 1));
    await listener.start();
    expect(resyncs).toBe(1);
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      const version = await store.savePolicyVersion({ createdMs: Date.now(), createdBy: 'test', sources: [], comment: '' });
      await waitFor(() => heard.includes(`policy:${version}`), 15_000, 'the policy version');

      await db.query('BEGIN');
      await db.query("INSERT INTO device_exceptions (id, pc, mode, until_ms, created_by, created_ms) VALUES ('ex-1', 'PC-1', 'allow', 1, 't', 1)");
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(heard).not.toContain('exception:ex-1'); // not before commit
      await db.query('COMMIT');
      await waitFor(() => heard.includes('exception:ex-1'), 15_000, 'the exception');

      await db.query('BEGIN');
      await db.query("INSERT INTO device_exceptions (id, pc, mode, until_ms, created_by, created_ms) VALUES ('ex-rolled-back', 'PC-1', 'allow', 1, 't', 1)");
      await db.query('ROLLBACK');
      await db.query("INSERT INTO device_exception_revocations (exception_id, pc, revoked_ms, revoked_by) VALUES ('ex-1', 'PC-1', 2, 't')");
      await waitFor(() => heard.filter((h) => h === 'exception:ex-1').length === 2, 15_000, 'the revocation');

      const request = await db.query<{ id: string }>(`INSERT INTO access_requests (event_id, agent_id, request_id, pc, user_name, time_ms, subject, reason, blocked_rule, vendor_id, product_id, serial, vendor, product)
        VALUES (1, 'a', 'r', 'PC-1', 'u', 1, 's', 'r', 'b', 'v', 'p', 's', 'v', 'p') RETURNING id`);
      const id = request.rows[0]!.id;
      await db.query('UPDATE access_requests SET note = $2 WHERE id = $1', [id, 'still pending']);
      await db.query("UPDATE access_requests SET status = 'approved', decided_by = 'admin' WHERE id = $1", [id]);
      await waitFor(() => heard.includes(`outcome:${id}`), 15_000, 'the answer');
      await db.query('UPDATE access_requests SET sent_ms = 5 WHERE id = $1', [id]); // delivery bookkeeping is no new answer
      const version2 = await store.savePolicyVersion({ createdMs: Date.now(), createdBy: 'test', sources: [], comment: '' });
      await waitFor(() => heard.includes(`policy:${version2}`), 15_000, 'a later change');
      expect(heard.filter((h) => h.startsWith('outcome:'))).toEqual([`outcome:${id}`]);

      // An alert stored, then folded twice in one transaction (one NOTIFY: the same payload collapses), then acknowledged.
      const alert = (await db.query<{ id: string }>(`INSERT INTO alerts (rule_id, rule_name, kind, severity, severity_rank, color, pc, user_name, title, count,
        first_ms, last_ms, fold_key, fold_window_ms, created_ms, updated_ms) VALUES ('r', 'R', 'print_job', 'low', 1, '#000', 'PC-1', 'u', 't', 1, 1, 1, 'k', 1, 1, 1)
        RETURNING id`)).rows[0]!.id;
      await waitFor(() => heard.includes(`alert:${alert}`), 15_000, 'the alert stored');
      await db.query('BEGIN');
      await db.query('UPDATE alerts SET count = count + 1 WHERE id = $1', [alert]);
      await db.query('UPDATE alerts SET linked_count = 2 WHERE id = $1', [alert]);
      await db.query('COMMIT');
      await db.query("UPDATE alerts SET status = 'acknowledged' WHERE id = $1", [alert]);
      await waitFor(() => heard.filter((h) => h === `alert:${alert}`).length === 3, 15_000, 'the fold and the acknowledgement');
      expect(heard).not.toContain('exception:ex-rolled-back');
      expect(errors).toEqual([]);
    } finally {
      await db.end();
      await listener.close();
      await store.close();
    }
  });

  it('reconnects after its connection is killed, asks subscribers to catch up, and hears later changes', async () => {
    const url = await server.createDatabase('change_reconnect');
    const store = await PostgresStore.open({ url });
    const errors: Error[] = [];
    const listener = new PostgresChangeListener({ connection: { connectionString: url, application_name: 'mamori-listener-test' }, onError: (error) => errors.push(error), minBackoffMs: 50 });
    const versions: string[] = [];
    listener.on('policyVersion', (id) => versions.push(id));
    let resyncs = 0;
    listener.onResync(() => (resyncs += 1));
    await listener.start();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const killed = await admin.query("SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = 'mamori-listener-test'");
      expect(killed.rows).toEqual([{ ok: true }]);
      await waitFor(() => resyncs === 2, 15_000, 'the reconnect');
      expect(errors.length).toBeGreaterThan(0);
      const version = await store.savePolicyVersion({ createdMs: Date.now(), createdBy: 'test', sources: [], comment: '' });
      await waitFor(() => versions.includes(String(version)), 15_000, 'a change after the reconnect');
    } finally {
      await admin.end();
      await listener.close();
      await store.close();
    }
  });
});
