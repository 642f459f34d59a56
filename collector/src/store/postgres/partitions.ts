import type pg from 'pg';

/** The UTC month a time falls in, as its partition name and bounds (ms since the epoch, upper bound exclusive). */
export function monthPartition(timeMs: number): { name: string; fromMs: number; toMs: number } {
  const date = new Date(timeMs);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const fromMs = Date.UTC(year, month, 1);
  const toMs = Date.UTC(year, month + 1, 1);
  return { name: `events_y${String(year).padStart(4, '0')}m${String(month + 1).padStart(2, '0')}`, fromMs, toMs };
}

/**
 * Monthly partitions of `events` (by received time). Creates a month's partition the first time an event of that
 * month arrives; another collector may create it at the same moment, which is fine.
 */
export class EventPartitions {
  readonly #pool: pg.Pool;
  readonly #known = new Set<string>();

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /** Makes sure the month of `timeMs` has its partition (cheap after the first call per month). */
  async ensure(timeMs: number): Promise<void> {
    const month = monthPartition(timeMs);
    if (this.#known.has(month.name)) return;
    try {
      await this.#pool.query(`CREATE TABLE IF NOT EXISTS ${month.name} PARTITION OF events FOR VALUES FROM (${month.fromMs}) TO (${month.toMs})`);
    } catch (error) {
      // 42P07 duplicate_table / 23505 on pg_type: a concurrent CREATE from another collector won the race.
      const code = (error as { code?: string }).code;
      if (code !== '42P07' && code !== '23505') throw error;
    }
    this.#known.add(month.name);
  }

  /** The event partitions, oldest first, with their bounds. */
  async list(): Promise<{ name: string; fromMs: number; toMs: number }[]> {
    const { rows } = await this.#pool.query<{ name: string }>(
      "SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'events'::regclass ORDER BY c.relname",
    );
    return rows.flatMap(({ name }) => {
      const match = /^events_y(\d{4})m(\d{2})$/.exec(name);
      return match ? [{ ...monthPartition(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1)) }] : [];
    });
  }

  /**
   * Retention: drops every month received entirely before `beforeMs` (one DROP TABLE each, no row-by-row delete).
   * Returns the partitions dropped. Callers export evidence first; this only deletes.
   */
  async dropBefore(beforeMs: number): Promise<string[]> {
    const dropped: string[] = [];
    for (const partition of await this.list()) {
      if (partition.toMs > beforeMs) continue;
      await this.#pool.query(`DROP TABLE ${partition.name}`);
      this.#known.delete(partition.name);
      dropped.push(partition.name);
    }
    return dropped;
  }
}
