/** Where a PC sits in the organisation, from the directory import. */
export interface DirectoryEntry {
  pc: string;
  department: string;
  site: string;
}

/** The imported PC directory (department and site per PC). */
export interface DirectoryRepository {
  /** Replaces the whole directory in one transaction (a failed import leaves the previous one). */
  replace(entries: DirectoryEntry[], nowMs: number): Promise<void>;
  /** Every directory entry by PC name. */
  byPc(): Promise<Map<string, DirectoryEntry>>;
  /** The departments and sites the directory names, sorted (for filter choices). */
  choices(): Promise<{ departments: string[]; sites: string[] }>;
  /** When the directory was last imported and how many PCs it names. */
  status(): Promise<{ count: number; importedMs: number | null }>;
}
