import type Database from 'better-sqlite3';

export interface PolicyVersionSummary {
  version: number;
  createdMs: number;
  createdBy: string;
  comment: string;
}

/** Policy versions newest first (without their sources: the list is for picking one). */
export function listPolicyVersions(db: Database.Database, limit: number): PolicyVersionSummary[] {
  return db.prepare(`SELECT version, created_ms AS createdMs, created_by AS createdBy, comment FROM policy_versions
    ORDER BY version DESC LIMIT ?`).all(limit) as PolicyVersionSummary[];
}

/** One version with its YAML sources. */
export function getPolicyVersion(db: Database.Database, version: number): (PolicyVersionSummary & { sources: { name: string; text: string }[] }) | undefined {
  const row = db.prepare(`SELECT version, created_ms AS createdMs, created_by AS createdBy, comment, sources_json AS sourcesJson
    FROM policy_versions WHERE version = ?`).get(version) as (PolicyVersionSummary & { sourcesJson: string }) | undefined;
  if (!row) return undefined;
  const { sourcesJson, ...summary } = row;
  return { ...summary, sources: JSON.parse(sourcesJson) as { name: string; text: string }[] };
}
