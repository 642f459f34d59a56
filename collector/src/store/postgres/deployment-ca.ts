import type pg from 'pg';

/**
 * Records `fingerprint` as the deployment's CA if none is recorded yet (the first collector to start), and returns
 * the recorded one: the caller compares. One statement pair, safe when two collectors start at once (the loser's
 * insert does nothing and its select sees the winner's row).
 */
export async function recordDeploymentCa(pool: pg.Pool, fingerprint: string, nowMs: number): Promise<string> {
  await pool.query('INSERT INTO deployment_ca (fingerprint, recorded_ms) VALUES ($1, $2) ON CONFLICT DO NOTHING', [fingerprint, nowMs]);
  return (await pool.query<{ fingerprint: string }>('SELECT fingerprint FROM deployment_ca')).rows[0]!.fingerprint;
}
