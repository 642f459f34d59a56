import type pg from 'pg';
import type { PoliciesRepository, PolicyVersionSummary } from '../../repositories/policies.ts';

const summaryColumns = 'version, created_ms AS "createdMs", created_by AS "createdBy", comment';

export class PostgresPoliciesRepository implements PoliciesRepository {
  constructor(private readonly pool: pg.Pool) {}

  async listVersions(limit: number): Promise<PolicyVersionSummary[]> {
    return (await this.pool.query<PolicyVersionSummary>(`SELECT ${summaryColumns} FROM policy_versions ORDER BY version DESC LIMIT $1`, [limit])).rows;
  }

  async getVersion(version: number): Promise<(PolicyVersionSummary & { sources: { name: string; text: string }[] }) | undefined> {
    const row = (await this.pool.query<PolicyVersionSummary & { sourcesJson: string }>(`SELECT ${summaryColumns}, sources_json AS "sourcesJson"
      FROM policy_versions WHERE version = $1`, [version])).rows[0];
    if (!row) return undefined;
    const { sourcesJson, ...summary } = row;
    return { ...summary, sources: JSON.parse(sourcesJson) as { name: string; text: string }[] };
  }
}
