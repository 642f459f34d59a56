import type pg from 'pg';

/**
 * Records `fingerprint` as the deployment's evidence-signing key if none is recorded yet (the first collector to
 * start), and returns the recorded one: the caller compares. Safe when two collectors start at once, as
 * recordDeploymentCa is (the loser's insert does nothing and its select sees the winner's row).
 */
export async function recordDeploymentEvidenceKey(pool: pg.Pool, fingerprint: string, nowMs: number): Promise<string> {
  await pool.query('INSERT INTO deployment_evidence_key (fingerprint, recorded_ms) VALUES ($1, $2) ON CONFLICT DO NOTHING', [fingerprint, nowMs]);
  return (await pool.query<{ fingerprint: string }>('SELECT fingerprint FROM deployment_evidence_key')).rows[0]!.fingerprint;
}
