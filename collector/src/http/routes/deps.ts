import type { CollectorHub } from '../../hub.ts';
import type { PolicyService } from '../../policy-service.ts';
import type { ReportContext } from '../../reports/generate.ts';
import type { Repositories } from '../../store/repositories/index.ts';
import type { Store } from '../../store/store.ts';
import type { SettingsService } from '../../settings/settings-service.ts';
import type { RiskService } from '../../risk/risk-service.ts';

/** What route plugins get: the data (repositories, store) and the auth guard. No database handle. */
export interface RouteDeps {
  /** The feature repositories (collector/src/store/repositories/<feature>.ts): every query beyond the `Store`. */
  repos: Repositories;
  /** preHandler that requires a signed-in user with at least this role. */
  requireRole: (role: 'auditor' | 'operator' | 'admin') => (request: unknown, reply: unknown) => Promise<void>;
  /** The store, for writes that go through its interface (audit log, exceptions). Absent in narrow route tests. */
  store?: Store;
  /** The policy service (publish, effective policy per PC). Absent in narrow route tests. */
  policy?: PolicyService;
  /** In-process fan-out of ingested events, integrity findings and connections. Absent in narrow route tests. */
  hub?: CollectorHub;
  /** The collector's evidence-signing public key (base64) and fingerprint. Absent in narrow route tests. */
  evidenceKey?: { publicKey: string; fingerprint: string };
  /** Inspection reports: what generating one needs (font, mail settings). Absent in narrow route tests. */
  reports?: ReportContext;
  /** Console-editable settings (SMTP, public URL). Absent in narrow route tests. */
  settings?: SettingsService;
  /** The collector's clock. */
  now?: () => number;
  /** Risk scoring (recompute, HR import). Absent in narrow route tests. */
  risk?: RiskService;
}

/** For route plugins that cannot work without a service: fails at startup, not on the first request. */
export function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`route plugin needs deps.${name}`);
  return value;
}
