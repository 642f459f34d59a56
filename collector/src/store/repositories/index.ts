import type { AuditRepository } from './audit.ts';
import type { DirectoryRepository } from './directory.ts';
import type { PoliciesRepository } from './policies.ts';
import type { SavedAlertFiltersRepository } from './saved-alert-filters.ts';

/**
 * The collector's data beyond the `Store` (query tables, alerts, outbox, reports…), one async repository per
 * feature. Nothing outside `collector/src/store/` holds a database handle: routes and services get these.
 * One line per feature; each implementation (SQLite now, PostgreSQL later) registers the same names.
 */
export interface Repositories {
  audit: AuditRepository;
  directory: DirectoryRepository;
  policies: PoliciesRepository;
  savedAlertFilters: SavedAlertFiltersRepository;
}
