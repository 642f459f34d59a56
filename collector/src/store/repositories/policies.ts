/** A stored policy version without its sources. */
export interface PolicyVersionSummary {
  version: number;
  createdMs: number;
  createdBy: string;
  comment: string;
}

/** Reading stored policy versions (saving goes through `Store.savePolicyVersion`). */
export interface PoliciesRepository {
  /** Versions newest first (without their sources: the list is for picking one). */
  listVersions(limit: number): Promise<PolicyVersionSummary[]>;
  /** One version with its YAML sources. */
  getVersion(version: number): Promise<(PolicyVersionSummary & { sources: { name: string; text: string }[] }) | undefined>;
}
