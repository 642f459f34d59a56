import type Database from 'better-sqlite3';
import type { PoliciesRepository, PolicyVersionSummary } from '../../repositories/policies.ts';

export class SqlitePoliciesRepository implements PoliciesRepository {
  constructor(private readonly db: Database.Database) {}

  async listVersions(limit: number): Promise<PolicyVersionSummary[]> {
    return this.db.prepare(`SELECT version, created_ms AS createdMs, created_by AS createdBy, comment FROM policy_versions
      ORDER BY version DESC LIMIT ?`).all(limit) as PolicyVersionSummary[];
  }

  async getVersion(version: number): Promise<(PolicyVersionSummary & { sources: { name: string; text: string }[] }) | undefined> {
    const row = this.db.prepare(`SELECT version, created_ms AS createdMs, created_by AS createdBy, comment, sources_json AS sourcesJson
      FROM policy_versions WHERE version = ?`).get(version) as (PolicyVersionSummary & { sourcesJson: string }) | undefined;
    if (!row) return undefined;
    const { sourcesJson, ...summary } = row;
    return { ...summary, sources: JSON.parse(sourcesJson) as { name: string; text: string }[] };
  }
}
