import type pg from 'pg';
import { ZERO_HASH, chainHash } from '@mamori/proto';
import { importAgentId, type ImportInput, type ImportResult, type LogImportRecord, type LogImportsRepository } from '../../repositories/log-imports.ts';
import { EventPartitions } from '../partitions.ts';
import { inTransaction } from './transaction.ts';

/** Advisory lock namespace of log imports (beside the keys in transaction.ts): one import per mapping at a time. */
const importLockSeed = 7_443_020;

/**
 * Imported logs on PostgreSQL (migration 0123). A file's new rows continue the mapping's chain in `events`
 * (h_n = SHA-256(h_{n-1} ‖ bytes), like an agent's) in one transaction with the import's record; imports of one
 * mapping are serialised by a transaction-scoped advisory lock, so two collectors importing at once never fork the
 * chain or store a row twice.
 */
export class PostgresLogImportsRepository implements LogImportsRepository {
  readonly #partitions: EventPartitions;

  constructor(private readonly pool: pg.Pool) {
    this.#partitions = new EventPartitions(pool);
  }

  async store(input: ImportInput): Promise<ImportResult> {
    const agentId = importAgentId(input.mapping);
    await this.#partitions.ensure(input.nowMs);
    return inTransaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, $2))', [agentId, importLockSeed]);
      const last = (await client.query<{ seq: number; hash: Buffer }>('SELECT seq, hash FROM events WHERE agent_id = $1 ORDER BY seq DESC LIMIT 1',
        [agentId])).rows[0];
      const known = new Set((await client.query<{ fingerprint: Buffer }>('SELECT fingerprint FROM imported_rows WHERE mapping = $1 AND fingerprint = ANY($2::bytea[])',
        [input.mapping, input.rows.map((r) => r.fingerprint)])).rows.map((r) => r.fingerprint.toString('hex')));
      let seq = last?.seq ?? 0;
      let hash = last?.hash ?? ZERO_HASH;
      const fresh: { seq: number; pc: string; timeMs: number; user: string; hash: Buffer; bytes: Buffer; fingerprint: Buffer }[] = [];
      for (const row of input.rows) {
        const key = row.fingerprint.toString('hex');
        if (known.has(key)) continue;
        known.add(key);
        seq += 1;
        const bytes = row.encode(seq);
        hash = chainHash(hash, bytes);
        fresh.push({ seq, pc: row.pc, timeMs: row.timeMs, user: row.user, hash, bytes, fingerprint: row.fingerprint });
      }
      if (fresh.length > 0) {
        const pick = <T>(f: (r: (typeof fresh)[number]) => T): T[] => fresh.map(f);
        const ids = (await client.query<{ id: number; seq: number }>(`INSERT INTO events (agent_id, seq, pc, time_ms, received_ms, kind, user_name, hash, bytes)
          SELECT $1, s, p, t, $2, 'imported_record', u, h, b FROM unnest($3::bigint[], $4::text[], $5::bigint[], $6::text[], $7::bytea[], $8::bytea[])
            WITH ORDINALITY AS x (s, p, t, u, h, b, n) ORDER BY n
          RETURNING id, seq`, [agentId, input.nowMs, pick((r) => r.seq), pick((r) => r.pc), pick((r) => r.timeMs), pick((r) => r.user),
          pick((r) => r.hash), pick((r) => r.bytes)])).rows;
        const idOf = new Map(ids.map((r) => [r.seq, r.id]));
        await client.query('INSERT INTO imported_rows (mapping, fingerprint, event_id) SELECT $1, f, e FROM unnest($2::bytea[], $3::bigint[]) AS x (f, e)',
          [input.mapping, pick((r) => r.fingerprint), pick((r) => idOf.get(r.seq)!)]);
      }
      const rowsNew = fresh.length;
      const rowsDuplicate = input.rows.length - rowsNew;
      const firstSeq = fresh[0]?.seq ?? null;
      const lastSeq = fresh.at(-1)?.seq ?? null;
      const importId = (await client.query<{ id: number }>(`INSERT INTO log_imports (mapping, event_kind, file_name, file_sha256, rows_total, rows_new,
          rows_duplicate, rows_rejected, first_seq, last_seq, imported_ms, actor) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
      [input.mapping, input.eventKind, input.fileName, input.fileSha256, input.rowsTotal, rowsNew, rowsDuplicate, input.rowsRejected, firstSeq, lastSeq,
        input.nowMs, input.actor])).rows[0]!.id;
      return { importId, rowsNew, rowsDuplicate, firstSeq, lastSeq };
    });
  }

  async list(limit: number): Promise<LogImportRecord[]> {
    return (await this.pool.query<LogImportRecord>(`SELECT id, mapping, event_kind AS "eventKind", file_name AS "fileName", file_sha256 AS "fileSha256",
        rows_total AS "rowsTotal", rows_new AS "rowsNew", rows_duplicate AS "rowsDuplicate", rows_rejected AS "rowsRejected", first_seq AS "firstSeq",
        last_seq AS "lastSeq", imported_ms AS "importedMs", actor
      FROM log_imports ORDER BY id DESC LIMIT $1`, [limit])).rows;
  }
}
